// Training pairs for super-resolution: random aligned crops of photos and their bicubic
// downscales, with a fixed split of held-out photos for evaluation.
import * as tf from '@tensorflow/tfjs';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { degradeWeb } from './degrade.js';
import { crop, readPng, type Image } from './image.js';
import { resizeBicubic } from './resample.js';

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
}

/** Every `every`-th photo (sorted by name) is held out of training and used for evaluation. */
export function splitPhotos(dir: string, every: number): { train: string[]; heldOut: string[] } {
  const files = readdirSync(dir).filter((f) => f.endsWith('.png')).sort();
  const heldOut = files.filter((_, i) => i % every === every - 1);
  return { train: files.filter((f) => !heldOut.includes(f)).map((f) => join(dir, f)), heldOut: heldOut.map((f) => join(dir, f)) };
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
 * instead of the standard bicubic downscale.
 */
export function sampleBatch(pairs: Pair[], rng: Rng, batch: number, lrCrop: number, scale: number, webMix = 0): { lr: tf.Tensor4D; hr: tf.Tensor4D } {
  const hc = lrCrop * scale;
  const lrData = new Float32Array(batch * lrCrop * lrCrop * 3);
  const hrData = new Float32Array(batch * hc * hc * 3);
  for (let b = 0; b < batch; b++) {
    const p = pairs[rng.int(pairs.length)];
    const x = rng.int(p.lr.width - lrCrop + 1), y = rng.int(p.lr.height - lrCrop + 1);
    const hr = crop(p.hr, x * scale, y * scale, hc, hc);
    // Only draws for the mix when it is on, so bicubic-only runs keep their random sequence.
    const web = webMix > 0 && rng.next() < webMix;
    lrData.set((web ? degradeWeb(hr, scale, rng) : crop(p.lr, x, y, lrCrop, lrCrop)).data, b * lrCrop * lrCrop * 3);
    hrData.set(hr.data, b * hc * hc * 3);
  }
  const aug = rng.int(8);
  return tf.tidy(() => {
    const apply = (t: tf.Tensor4D) => {
      let r = t;
      if (aug & 1) r = tf.reverse(r, 2);
      if (aug & 2) r = tf.reverse(r, 1);
      if (aug & 4) r = tf.transpose(r, [0, 2, 1, 3]);
      return r;
    };
    return {
      lr: apply(tf.tensor4d(lrData, [batch, lrCrop, lrCrop, 3])),
      hr: apply(tf.tensor4d(hrData, [batch, hc, hc, 3])),
    };
  });
}
