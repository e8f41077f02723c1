// Shared by the Playwright config and specs: paths, the Node-side reference run of a filter,
// and pixel comparisons.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resizeBicubic } from '../../models/train/imaging/resample';
import { rgbFloatsToRgba, rgbaToRgbFloats } from '../../workers/pixels';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PREVIEW_PORT = 4181;
export const FAKE_CAMERA_Y4M = join(tmpdir(), 'gan-video-filter-tests', 'fake-camera.y4m');
/** Clips and camera files the specs make with ffmpeg (not committed: they are large or derived). */
export const MADE = join(tmpdir(), 'gan-video-filter-tests', 'made');
export const DEMO_CLIP = join(REPO_ROOT, 'pwa/public/demo.webm');

/** Makes (once) a file with ffmpeg under MADE; returns its path. */
export function made(name: string, args: (out: string) => string[]): string {
  const out = join(MADE, name);
  if (!existsSync(out)) {
    mkdirSync(MADE, { recursive: true });
    execFileSync('ffmpeg', ['-v', 'error', '-y', ...args(out)]);
  }
  return out;
}

/** The demo clip at 640x360, 30 fps (VP9): the size the extension's Auto target is measured at. */
export const clip640x360 = (): string => made('clip-640x360.webm', (out) => ['-i', DEMO_CLIP, '-vf', 'scale=640:360,setsar=1,fps=30', '-c:v', 'libvpx-vp9', '-b:v', '800k', '-deadline', 'realtime', '-cpu-used', '8', out]);

/**
 * The demo clip at 640x360, 30 fps, at a low web bitrate (VP9 at 150 kbps: about 0.02 bits per
 * pixel, full of blocks): what Auto takes for compressed video (host/source-quality.ts).
 */
export const clipLowBitrate = (): string => made('clip-640x360-150k.webm', (out) => ['-i', DEMO_CLIP, '-vf', 'scale=640:360,setsar=1,fps=30', '-c:v', 'libvpx-vp9', '-b:v', '150k', '-deadline', 'realtime', '-cpu-used', '8', out]);

/** What ffprobe reads in a media file: each stream, and the container's duration (null when it states none). */
export interface Probe {
  streams: { type: string; codec: string; width?: number; height?: number; frames?: number }[];
  duration: number | null;
}

export function ffprobe(file: string): Probe {
  const json = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_streams', '-show_format', '-of', 'json', file], { encoding: 'utf8' }));
  const num = (v: unknown) => (v === undefined || v === 'N/A' ? undefined : Number(v));
  return {
    streams: json.streams.map((s: Record<string, unknown>) => ({
      type: s.codec_type, codec: s.codec_name, width: num(s.width), height: num(s.height), frames: num(s.nb_read_frames),
    })),
    duration: num(json.format.duration) ?? null,
  };
}

/** Frame `index` of a video file as RGBA, decoded by ffmpeg. */
export function videoFrame(file: string, index: number): Rgba {
  const { width, height } = ffprobe(file).streams.find((s) => s.type === 'video')!;
  const data = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-vf', `select=eq(n\\,${index})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { maxBuffer: 1 << 28 });
  return { width: width!, height: height!, data: new Uint8Array(data) };
}

/** RGBA pixels as the page's test hook returns them (base64). */
export interface Pixels { width: number; height: number; rgba: string }
export interface Rgba { width: number; height: number; data: Uint8Array }

export const decode = (p: Pixels): Rgba => ({ width: p.width, height: p.height, data: new Uint8Array(Buffer.from(p.rgba, 'base64')) });
export const encode = (p: Rgba): Pixels => ({ width: p.width, height: p.height, rgba: Buffer.from(p.data).toString('base64') });

/**
 * Runs a registry filter from the repository's files in Node (tfjs WASM backend), like the worker
 * does; with `workScale`, a style filter at that fraction of the frame, guided back up.
 */
export async function referenceFilter(id: string, input: Rgba, workScale = 1): Promise<Rgba> {
  // Imported here so the Playwright config, which imports this file, does not load tfjs.
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  const { loadFilterFromDisk } = await import('../../models/train/core/disk-model');
  const { frameRun } = await import('../../workers/execute');
  await tf.setBackend('wasm');
  const { chainStages } = await import('../../workers/chain');
  // A chained id ("style-anime+sr-x2-fast") runs its stages in one pass, as the worker does.
  const stages = await Promise.all(id.split('+').map((part) => loadFilterFromDisk(REPO_ROOT, part)));
  const { spec: entry, model } = chainStages(stages);
  try {
    const out = tf.tidy(() => {
      const x = tf.tensor4d(rgbaToRgbFloats(new Uint8ClampedArray(input.data)), [1, input.height, input.width, 3]);
      return tf.clipByValue(frameRun(model, entry, false, workScale).execute(x), 0, 1);
    });
    const rgb = (await out.data()) as Float32Array;
    out.dispose();
    return { width: input.width * entry.scale, height: input.height * entry.scale, data: new Uint8Array(rgbFloatsToRgba(rgb)) };
  } finally {
    stages.forEach((s) => s.model.dispose());
  }
}

/** Bicubic upscale (Keys a = -0.5), the baseline a super-resolution filter must not just copy. */
export function bicubicUpscale(input: Rgba, scale: number): Rgba {
  const { width, height } = input;
  const img = resizeBicubic({ width, height, data: rgbaToRgbFloats(new Uint8ClampedArray(input.data)) }, width * scale, height * scale);
  return { width: img.width, height: img.height, data: new Uint8Array(rgbFloatsToRgba(img.data)) };
}

export function nearestUpscale(input: Rgba, scale: number): Rgba {
  const w = input.width * scale, h = input.height * scale;
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const s = ((Math.floor(y / scale) * input.width) + Math.floor(x / scale)) * 4;
    data.set(input.data.subarray(s, s + 4), (y * w + x) * 4);
  }
  return { width: w, height: h, data };
}

/** Absolute RGB differences in 0-255 units: mean, 99th percentile and max (alpha ignored). */
export function diffStats(a: Rgba, b: Rgba): { mean: number; p99: number; max: number } {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`size ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  const hist = new Array<number>(256).fill(0);
  let sum = 0, n = 0;
  for (let i = 0; i < a.data.length; i += 4) for (let c = 0; c < 3; c++) {
    const d = Math.abs(a.data[i + c] - b.data[i + c]);
    hist[d]++;
    sum += d;
    n++;
  }
  let acc = 0, p99 = 0;
  for (let d = 0; d < 256; d++) { acc += hist[d]; if (acc >= 0.99 * n) { p99 = d; break; } }
  let max = 255;
  while (max > 0 && hist[max] === 0) max--;
  return { mean: sum / n, p99, max };
}

/** Mean of the RGB channels in 0-255 units (an all-black frame gives 0). */
/** The columns [from, to) of an image. */
export function columns(img: Rgba, from: number, to: number): Rgba {
  const w = to - from, data = new Uint8Array(w * img.height * 4);
  for (let y = 0; y < img.height; y++) data.set(img.data.subarray((y * img.width + from) * 4, (y * img.width + to) * 4), y * w * 4);
  return { width: w, height: img.height, data };
}

export function meanLevel(p: Rgba): number {
  let sum = 0;
  for (let i = 0; i < p.data.length; i += 4) sum += p.data[i] + p.data[i + 1] + p.data[i + 2];
  return sum / ((p.data.length / 4) * 3);
}

/** A deterministic test card: gradients, edges and stripes, opaque. */
export function testCard(width: number, height: number): Rgba {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const i = (y * width + x) * 4;
    data[i] = (x * 255) / (width - 1);
    data[i + 1] = (y * 255) / (height - 1);
    data[i + 2] = ((x >> 2) + (y >> 2)) % 2 ? 220 : 40;
    data[i + 3] = 255;
  }
  return { width, height, data };
}
