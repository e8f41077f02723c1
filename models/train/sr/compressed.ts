// Super-resolution on compressed web video, with ground truth: each held-out photo becomes a
// short clip (a slow pan of a window over it), the clip is downscaled by antialiased bicubic,
// encoded at a web bitrate (H.264 and VP9 at 0.07 bits per pixel, as sites serve them) and decoded again; the filter
// upscales the decoded frames and is compared with the original frames. Besides PSNR-Y against
// the truth: blocking (how much stronger the output's luma steps are across the codec's 8-pixel
// block borders than inside blocks, over the truth's own ratio), ringing (the error beside the
// truth's strong edges) and speckle (isolated pixels at least 32 levels brighter than every
// neighbour, where the truth has none), per megapixel.
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crop, type Image } from '../imaging/image.js';
import { lumaY, psnrY } from '../imaging/metrics.js';
import { resizeBicubic } from '../imaging/resample.js';
import { meanScores, toTensor, type Upscaler } from './evaluate.js';

/**
 * Bits per pixel per frame of a web stream: 640x360 at 24 fps in 400 kbps is 0.07, the low end
 * of what sites send at that size. Each clip is encoded at this rate for its own size.
 */
const BITS_PER_PIXEL = 0.07;
const FPS = 24;

export const CODECS = {
  h264: (kbps: number) => ['-c:v', 'libx264', '-preset', 'medium', '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${2 * kbps}k`, '-pix_fmt', 'yuv420p'],
  vp9: (kbps: number) => ['-c:v', 'libvpx-vp9', '-b:v', `${kbps}k`, '-deadline', 'good', '-cpu-used', '4', '-pix_fmt', 'yuv420p'],
} as const;
export type Codec = keyof typeof CODECS;

export interface CompressedClip { name: string; codec: Codec; truth: Image[]; decoded: Image[] }

const FRAMES = 8;

/** Truth frames: a window of `w` x `h` panning 2 pixels per frame across the photo's centre. */
function panFrames(img: Image, w: number, h: number): Image[] {
  const x0 = Math.max(0, ((img.width - w) >> 1) - FRAMES), y0 = Math.max(0, (img.height - h) >> 1);
  return Array.from({ length: FRAMES }, (_, f) => crop(img, Math.min(x0 + 2 * f, img.width - w), y0, w, h));
}

function encodeDecode(frames: Image[], codec: Codec, dir: string): Image[] {
  const { width: w, height: h } = frames[0];
  const raw = Buffer.alloc(frames.length * w * h * 3);
  frames.forEach((f, i) => f.data.forEach((v, k) => { raw[i * w * h * 3 + k] = Math.round(Math.min(1, Math.max(0, v)) * 255); }));
  const input = join(dir, 'lr.rgb'), video = join(dir, `clip.${codec === 'h264' ? 'mp4' : 'webm'}`);
  writeFileSync(input, raw);
  const kbps = Math.max(10, Math.round((BITS_PER_PIXEL * w * h * FPS) / 1000));
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${w}x${h}`, '-r', String(FPS), '-i', input, ...CODECS[codec](kbps), video]);
  const out = execFileSync('ffmpeg', ['-v', 'error', '-i', video, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 30 });
  return frames.map((_, i) => ({ width: w, height: h, data: Float32Array.from(out.subarray(i * w * h * 3, (i + 1) * w * h * 3), (v) => v / 255) }));
}

/** For each photo and codec: truth frames (`size` wide, 16:9) and the decoded half-size frames. */
export function compressedClips(photos: { name: string; img: Image }[], size = 512): CompressedClip[] {
  const dir = mkdtempSync(join(tmpdir(), 'sr-compressed-'));
  try {
    return photos.flatMap(({ name, img }) => {
      const w = Math.min(size, img.width - (img.width % 16)), h = Math.min(Math.round((w * 9) / 16 / 16) * 16, img.height - (img.height % 16));
      const truth = panFrames(img, w, h);
      const lr = truth.map((f) => resizeBicubic(f, w / 2, h / 2));
      return (Object.keys(CODECS) as Codec[]).map((codec) => ({ name, codec, truth, decoded: encodeDecode(lr, codec, dir) }));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Luma step across 8-pixel block borders (of the half-size frame, so 16 in the output) over the step inside blocks. */
export function blockiness(img: Image, period = 16): number {
  const y = lumaY(img), w = img.width;
  let border = 0, nb = 0, inside = 0, ni = 0;
  for (let r = 0; r < img.height; r++) for (let c = 1; c < w; c++) {
    const d = Math.abs(y[r * w + c] - y[r * w + c - 1]);
    if (c % period === 0) { border += d; nb++; } else { inside += d; ni++; }
  }
  for (let r = 1; r < img.height; r++) for (let c = 0; c < w; c++) {
    const d = Math.abs(y[r * w + c] - y[(r - 1) * w + c]);
    if (r % period === 0) { border += d; nb++; } else { inside += d; ni++; }
  }
  return border / nb / (inside / ni || 1);
}

/** Pixels whose luma is at least `levels` above each of their 8 neighbours, per megapixel. */
export function speckles(img: Image, levels = 32): number {
  const y = lumaY(img), w = img.width;
  let n = 0;
  for (let r = 1; r < img.height - 1; r++) for (let c = 1; c < w - 1; c++) {
    const v = y[r * w + c];
    let lone = true;
    for (let dy = -1; dy <= 1 && lone; dy++) for (let dx = -1; dx <= 1; dx++) {
      if ((dy || dx) && v - y[(r + dy) * w + c + dx] < levels) { lone = false; break; }
    }
    if (lone) n++;
  }
  return (n * 1e6) / (img.width * img.height);
}

/**
 * Ringing: the mean luma error (levels) against the truth in a band of `reach` pixels beside the
 * truth's strong edges (a step of 24 levels or more between neighbours), the edges themselves
 * left out: where codecs ring (mosquito noise) and sharpening overshoots.
 */
export function ringing(truth: Image, out: Image, reach = 3, edge = 24): number {
  const t = lumaY(truth), o = lumaY(out), { width: w, height: h } = truth;
  const strong = new Uint8Array(w * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) {
    const i = r * w + c;
    if ((c + 1 < w && Math.abs(t[i + 1] - t[i]) >= edge) || (r + 1 < h && Math.abs(t[i + w] - t[i]) >= edge)) strong[i] = 1;
  }
  let sum = 0, n = 0;
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) {
    const i = r * w + c;
    if (strong[i]) continue;
    let near = false;
    for (let dy = -reach; dy <= reach && !near; dy++) for (let dx = -reach; dx <= reach; dx++) {
      const y = r + dy, x = c + dx;
      if (y >= 0 && y < h && x >= 0 && x < w && strong[y * w + x]) { near = true; break; }
    }
    if (near) { sum += Math.abs(o[i] - t[i]); n++; }
  }
  return n ? sum / n : 0;
}

export interface CompressedScores { psnr: number; blocking: number; ringing: number; speckles: number }

function score(truth: Image[], out: Image[]): CompressedScores {
  const mean = (f: (i: number) => number) => truth.reduce((s, _, i) => s + f(i), 0) / truth.length;
  return {
    psnr: mean((i) => psnrY(truth[i], out[i], 2)),
    blocking: mean((i) => blockiness(out[i]) / blockiness(truth[i])),
    ringing: mean((i) => ringing(truth[i], out[i])),
    speckles: mean((i) => Math.max(0, speckles(out[i]) - speckles(truth[i]))),
  };
}

/** Per codec: bicubic and the filter on the decoded frames, against the truth (means over clips and frames). */
export function evaluateCompressed(clips: CompressedClip[], upscale: Upscaler): Record<Codec, { bicubic: CompressedScores; model: CompressedScores }> {
  const up = (f: Image): Image => {
    const t = tf.tidy(() => tf.clipByValue(upscale(toTensor(f)), 0, 1));
    const data = t.dataSync() as Float32Array;
    t.dispose();
    return { width: f.width * 2, height: f.height * 2, data };
  };
  const result = {} as Record<Codec, { bicubic: CompressedScores; model: CompressedScores }>;
  for (const codec of Object.keys(CODECS) as Codec[]) {
    const mine = clips.filter((c) => c.codec === codec);
    result[codec] = {
      bicubic: meanScores(mine.map((c) => score(c.truth, c.decoded.map((f) => resizeBicubic(f, f.width * 2, f.height * 2))))),
      model: meanScores(mine.map((c) => score(c.truth, c.decoded.map(up)))),
    };
  }
  return result;
}
