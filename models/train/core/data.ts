// Training pairs for super-resolution: random aligned crops of photos and their bicubic
// downscales, with a fixed split of held-out photos for evaluation.
import * as tf from '@tensorflow/tfjs';
import { degradeWeb } from '../imaging/degrade.js';
import { crop, pngsIn, readPng, type Image } from '../imaging/image.js';
import { resizeBicubic } from '../imaging/resample.js';

/** A video codec's block size in low-resolution pixels (H.264's transform blocks; the blocking metric's grid, sr/compressed.ts). */
export const CODEC_BLOCK = 8;

/** Deterministic PRNG (mulberry32) whose state is saved in checkpoints. */
export class Rng {
  constructor(public state: number) {}
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  /** Fisher-Yates, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

/** Every `every`-th photo (sorted by name) is held out of training and used for evaluation. */
export function splitPhotos(dir: string, every: number): { train: string[]; heldOut: string[] } {
  const files = pngsIn(dir);
  const heldOut = files.filter((_, i) => i % every === every - 1);
  return { train: files.filter((f) => !heldOut.includes(f)), heldOut };
}

export interface Pair { hr: Image; lr: Image }

export function makePair(hr: Image, scale: number): Pair {
  const w = hr.width - (hr.width % scale), h = hr.height - (hr.height % scale);
  const hrc = crop(hr, 0, 0, w, h);
  return { hr: hrc, lr: resizeBicubic(hrc, w / scale, h / scale) };
}

export function loadPairs(paths: string[], scale: number, minSide: number): Pair[] {
  return paths.map(readPng).filter((im) => Math.min(im.width, im.height) >= minSide).map((im) => makePair(im, scale));
}

/**
 * A batch of aligned random crops, with one random flip/transpose applied to the whole batch.
 * A `webMix` share of the samples get their low-res side from the web-video degradation
 * instead of the standard bicubic downscale, and a `codec.share` of them come from `codec.pairs`
 * (low-res side through a real video codec, sr/codec-pairs.ts).
 */
export function sampleBatch(pairs: Pair[], rng: Rng, batch: number, lrCrop: number, scale: number, webMix = 0, codec?: { pairs: Pair[]; share: number }): { lr: tf.Tensor4D; hr: tf.Tensor4D } {
  const hc = lrCrop * scale;
  if (codec && lrCrop % CODEC_BLOCK) throw new Error(`codec pairs need a crop that is a multiple of ${CODEC_BLOCK} (block borders stay on the grid under flips)`);
  const lrData = new Float32Array(batch * lrCrop * lrCrop * 3);
  const hrData = new Float32Array(batch * hc * hc * 3);
  for (let b = 0; b < batch; b++) {
    // Only draws for the codec share when there are codec pairs, so other runs keep their random sequence.
    const fromCodec = codec && codec.share > 0 && rng.next() < codec.share;
    const pool = fromCodec ? codec.pairs : pairs;
    const p = pool[rng.int(pool.length)];
    // Codec crops start on the codec's block grid (its frames start at 0), so every batch's block
    // borders lie on multiples of `CODEC_BLOCK` (and stay there under the flips: crops are a multiple too).
    const step = fromCodec ? CODEC_BLOCK : 1;
    const x = step * rng.int(Math.floor((p.lr.width - lrCrop) / step) + 1), y = step * rng.int(Math.floor((p.lr.height - lrCrop) / step) + 1);
    const hr = crop(p.hr, x * scale, y * scale, hc, hc);
    // Only draws for the mix when it is on, so bicubic-only runs keep their random sequence.
    const web = !fromCodec && webMix > 0 && rng.next() < webMix;
    lrData.set((web ? degradeWeb(hr, scale, rng) : crop(p.lr, x, y, lrCrop, lrCrop)).data, b * lrCrop * lrCrop * 3);
    hrData.set(hr.data, b * hc * hc * 3);
  }
  const [lr, hr] = augmented(rng.int(8), [tf.tensor4d(lrData, [batch, lrCrop, lrCrop, 3]), tf.tensor4d(hrData, [batch, hc, hc, 3])]);
  return { lr, hr };
}

/** The same flip/transpose (one of 8, from `aug`) applied to every tensor; the inputs are disposed. */
export function augmented(aug: number, ts: tf.Tensor4D[]): tf.Tensor4D[] {
  return ts.map((t) => {
    const r = tf.tidy(() => {
      let y = t;
      if (aug & 1) y = tf.reverse(y, 2);
      if (aug & 2) y = tf.reverse(y, 1);
      if (aug & 4) y = tf.transpose(y, [0, 2, 1, 3]);
      return y === t ? tf.clone(t) : y;
    });
    t.dispose();
    return r;
  });
}

/** Images from a folder (PNG), skipping those smaller than `minSide`. */
export function loadImages(paths: string[], minSide: number): Image[] {
  return paths.map(readPng).filter((im) => Math.min(im.width, im.height) >= minSide);
}

/** A batch of random square crops from random images, each with its own flip/transpose (and `alter`, if given). */
export function randomCrops(images: Image[], rng: Rng, batch: number, size: number, alter?: (c: Image) => Image): tf.Tensor4D {
  const crops = Array.from({ length: batch }, () => {
    const im = images[rng.int(images.length)];
    const cut = crop(im, rng.int(im.width - size + 1), rng.int(im.height - size + 1), size, size);
    const c = alter ? alter(cut) : cut;
    return augmented(rng.int(8), [tf.tensor4d(c.data, [1, size, size, 3])])[0];
  });
  const out = tf.concat(crops) as tf.Tensor4D;
  tf.dispose(crops);
  return out;
}
