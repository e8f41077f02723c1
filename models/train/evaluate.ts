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

/** Center crops of `size` (HR) from each image, downscaled by antialiased bicubic, `scale`-pixel border shaved. */
export function evaluate(images: { name: string; img: Image }[], scale: number, size: number, upscale: Upscaler): EvalRow[] {
  return images.map(({ name, img }) => {
    const s = Math.min(size, img.width, img.height);
    const hrCrop = crop(img, (img.width - s) >> 1, (img.height - s) >> 1, s, s);
    const { hr, lr } = makePair(hrCrop, scale);
    const bic = resizeBicubic(lr, hr.width, hr.height);
    const out = tf.tidy(() => tf.clipByValue(upscale(toTensor(lr)), 0, 1));
    const data = out.dataSync() as Float32Array;
    out.dispose();
    const sr: Image = { width: hr.width, height: hr.height, data };
    return { image: name, bicubic: psnrY(hr, bic, scale), model: psnrY(hr, sr, scale) };
  });
}

export function summarize(rows: EvalRow[]): { bicubic: number; model: number; gain: number } {
  const mean = (f: (r: EvalRow) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
  const bicubic = mean((r) => r.bicubic), model = mean((r) => r.model);
  return { bicubic, model, gain: model - bicubic };
}
