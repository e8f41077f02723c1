// PSNR-Y of a super-resolution filter against bicubic on held-out photos.
import * as tf from '@tensorflow/tfjs';
import { crop, psnrY, type Image } from './image.js';
import { makePair } from './data.js';
import { resizeBicubic } from './resample.js';

export type Upscaler = (lr: tf.Tensor4D) => tf.Tensor4D;

export interface EvalRow { image: string; bicubic: number; model: number }

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
    return { image: name, bicubic: psnrY(hr, bicubic, scale), model: psnrY(hr, sr, scale) };
  });
}

export function summarize(rows: EvalRow[]): { bicubic: number; model: number; gain: number } {
  const mean = (f: (r: EvalRow) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
  const bicubic = mean((r) => r.bicubic), model = mean((r) => r.model);
  return { bicubic, model, gain: model - bicubic };
}
