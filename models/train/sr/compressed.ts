// Super-resolution on compressed web video, with ground truth: each held-out photo becomes a
// short clip (a slow pan of a window over it), and each clip given is read at its own size; the
// clips are downscaled by antialiased bicubic, encoded with H.264 at CRF 32, 36 and 40 (sites'
// low end) and with VP9 and AV1 at the CRFs that take the bitrate H.264 took for the same clip
// (within a CRF step), and decoded again
// (codecs.ts); the filter upscales the decoded frames and is compared with the original frames.
// Besides PSNR-Y against the truth: blocking (how much stronger the output's luma steps are
// across the codec's 8-pixel block borders than inside blocks, over the truth's own ratio),
// ringing (the error beside the truth's strong edges) and speckle (isolated pixels at least 32
// levels brighter than every neighbour, where the truth has none), per megapixel.
import * as tf from '@tensorflow/tfjs';
import { basename } from 'node:path';
import { crop, type Image } from '../imaging/image.js';
import { lumaY, psnrY } from '../imaging/metrics.js';
import { resizeBicubic } from '../imaging/resample.js';
import { readClip } from '../imaging/video.js';
import { encodeAtRate, encodeDecode, type Codec } from './codecs.js';
import { meanScores, toTensor, type Upscaler } from './evaluate.js';

/** H.264's constant-quality levels of low-bitrate web video (issue 26: CRF 32-40). */
export const CRFS = [32, 36, 40];
const FRAMES = 8;

/** Truth frames and their half-size downscale, before any codec. */
export interface Clip { name: string; fps: number; truth: Image[]; lr: Image[] }

export interface EncodedClip { clip: Clip; codec: Codec; crf: number; bitsPerPixel: number; decoded: Image[] }

/** Truth frames: a window of `w` x `h` panning 2 pixels per frame across the photo's centre. */
function panFrames(img: Image, w: number, h: number): Image[] {
  const x0 = Math.max(0, ((img.width - w) >> 1) - FRAMES), y0 = Math.max(0, (img.height - h) >> 1);
  return Array.from({ length: FRAMES }, (_, f) => crop(img, Math.min(x0 + 2 * f, img.width - w), y0, w, h));
}

const halve = (truth: Image[]) => truth.map((f) => resizeBicubic(f, f.width / 2, f.height / 2));

/** Each photo as a 24 fps pan, `size` wide and 16:9 (sides multiples of 16). */
export function photoClips(photos: { name: string; img: Image }[], size = 512): Clip[] {
  return photos.map(({ name, img }) => {
    const w = Math.min(size, img.width - (img.width % 16)), h = Math.min(Math.round((w * 9) / 16 / 16) * 16, img.height - (img.height % 16));
    const truth = panFrames(img, w, h);
    return { name, fps: 24, truth, lr: halve(truth) };
  });
}

/** `FRAMES` frames of each video from `start` seconds, at its own size (`WxH`, sides multiples of 16) as the truth. */
export function videoClips(specs: { path: string; width: number; height: number; fps: number; start: number }[]): Clip[] {
  return specs.map(({ path, width, height, fps, start }) => {
    const truth = readClip(path, width, height, FRAMES, start);
    return { name: basename(path), fps, truth, lr: halve(truth) };
  });
}

/** Each clip through H.264 at each CRF, and through VP9 and AV1 at the bitrate H.264 took there. */
export function encodeClips(clips: Clip[], crfs = CRFS): EncodedClip[] {
  return clips.flatMap((clip) => crfs.flatMap((crf) => {
    const h264 = encodeDecode(clip.lr, { codec: 'h264', crf }, clip.fps);
    const others = (['vp9', 'av1'] as const).map((codec) => ({ codec, ...encodeAtRate(clip.lr, codec, h264.bitsPerPixel, clip.fps) }));
    // Labelled by the H.264 CRF whose rate they took.
    return [{ codec: 'h264' as const, ...h264 }, ...others].map((e) => ({ ...e, clip, crf }));
  }));
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

function upscaleFrame(f: Image, upscale: Upscaler): Image {
  const t = tf.tidy(() => tf.clipByValue(upscale(toTensor(f)), 0, 1));
  const data = t.dataSync() as Float32Array;
  t.dispose();
  return { width: f.width * 2, height: f.height * 2, data };
}

/**
 * Crops to look at: for each clip through H.264 at its highest CRF, the middle frame's `size`
 * square around the centre, as bicubic, each filter and the truth show it (one row per clip).
 */
export function compressedCrops(encoded: EncodedClip[], upscalers: Upscaler[], size = 192): Image[] {
  const worst = Math.max(...encoded.map((e) => e.crf));
  return encoded.filter((e) => e.codec === 'h264' && e.crf === worst).flatMap((e) => {
    const i = e.decoded.length >> 1, lr = e.decoded[i], truth = e.clip.truth[i];
    const s = Math.min(size, truth.width, truth.height), x = (truth.width - s) >> 1, y = (truth.height - s) >> 1;
    const cut = (img: Image) => crop(img, x, y, s, s);
    return [cut(resizeBicubic(lr, truth.width, truth.height)), ...upscalers.map((u) => cut(upscaleFrame(lr, u))), cut(truth)];
  });
}

/** Bicubic's scores, the same for every filter judged. */
const bicubicScores = new WeakMap<EncodedClip, CompressedScores>();

export interface CompressedRow { codec: Codec; crf: number; bitsPerPixel: number; bicubic: CompressedScores; model: CompressedScores }

/** Per codec and H.264 CRF: bicubic and the filter on the decoded frames, against the truth (means over clips and frames). */
export function evaluateCompressed(encoded: EncodedClip[], upscale: Upscaler): CompressedRow[] {
  const up = (f: Image) => upscaleFrame(f, upscale);
  const bicubic = (e: EncodedClip) => {
    if (!bicubicScores.has(e)) bicubicScores.set(e, score(e.clip.truth, e.decoded.map((f) => resizeBicubic(f, f.width * 2, f.height * 2))));
    return bicubicScores.get(e)!;
  };
  const groups = new Map<string, EncodedClip[]>();
  for (const e of encoded) groups.set(`${e.codec} ${e.crf}`, [...(groups.get(`${e.codec} ${e.crf}`) ?? []), e]);
  return [...groups.values()].map((mine) => ({
    codec: mine[0].codec, crf: mine[0].crf,
    bitsPerPixel: mine.reduce((s, e) => s + e.bitsPerPixel, 0) / mine.length,
    bicubic: meanScores(mine.map(bicubic)),
    model: meanScores(mine.map((e) => score(e.clip.truth, e.decoded.map(up)))),
  }));
}
