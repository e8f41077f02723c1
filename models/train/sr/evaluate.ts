// Scores of a super-resolution filter against bicubic on held-out photos.
import * as tf from '@tensorflow/tfjs';
import { crop, type Image } from '../imaging/image.js';
import { detail, psnrY, ssimY } from '../imaging/metrics.js';
import { makePair } from '../core/data.js';
import { resizeBicubic } from '../imaging/resample.js';

export type Upscaler = (lr: tf.Tensor4D) => tf.Tensor4D;

/** PSNR-Y (dB), SSIM-Y, and detail as a ratio to the ground truth's (1 = as much fine texture). */
export interface Scores { psnr: number; ssim: number; detail: number }

export interface EvalRow { image: string; bicubic: Scores; model: Scores }

export function toTensor(img: Image): tf.Tensor4D {
  return tf.tensor4d(img.data, [1, img.height, img.width, 3]);
}

export interface Triple { hr: Image; bicubic: Image; sr: Image }

/** A center crop of `size` (HR), downscaled by antialiased bicubic, then upscaled both ways. */
export function upscaleCrop(img: Image, scale: number, size: number, upscale: Upscaler): Triple {
  const s = Math.min(size, img.width, img.height);
  const { hr, lr } = makePair(crop(img, (img.width - s) >> 1, (img.height - s) >> 1, s, s), scale);
  const out = tf.tidy(() => tf.clipByValue(upscale(toTensor(lr)), 0, 1));
  const data = out.dataSync() as Float32Array;
  out.dispose();
  return { hr, bicubic: resizeBicubic(lr, hr.width, hr.height), sr: { width: hr.width, height: hr.height, data } };
}

/** PSNR-Y on center crops of each image, `scale`-pixel border shaved. */
export function evaluate(images: { name: string; img: Image }[], scale: number, size: number, upscale: Upscaler): EvalRow[] {
  return images.map(({ name, img }) => {
    const { hr, bicubic, sr } = upscaleCrop(img, scale, size, upscale);
    const truthDetail = detail(hr, scale);
    const score = (x: Image): Scores => ({ psnr: psnrY(hr, x, scale), ssim: ssimY(hr, x, scale), detail: detail(x, scale) / truthDetail });
    return { image: name, bicubic: score(bicubic), model: score(sr) };
  });
}

/** The mean of each score over rows that all have the same keys (photo scores, compressed-video scores). */
export function meanScores<S extends { [K in keyof S]: number }>(all: S[]): S {
  const keys = Object.keys(all[0]) as (keyof S)[];
  return Object.fromEntries(keys.map((k) => [k, all.reduce((s, r) => s + r[k], 0) / all.length])) as S;
}

export function summarize(rows: EvalRow[]): { bicubic: Scores; model: Scores; gain: number } {
  const bicubic = meanScores(rows.map((r) => r.bicubic)), model = meanScores(rows.map((r) => r.model));
  return { bicubic, model, gain: model.psnr - bicubic.psnr };
}
