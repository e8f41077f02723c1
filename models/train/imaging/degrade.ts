// The "real web video" degradation: what a low-resolution frame on a web page has been through
// before it reaches the filter (optical/encoder blur, an unknown resampler, sensor noise, block
// compression). Mixed with the standard bicubic protocol by `--web-mix`.
import jpeg from 'jpeg-js';
import type { Rng } from '../core/data.js';
import type { Image } from './image.js';
import { clamp01 } from './image.js';
import { resize, type Kernel } from './resample.js';

function gaussianBlur(img: Image, sigma: number): Image {
  const r = Math.ceil(3 * sigma);
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  const kn = k.map((v) => v / sum);
  const { width: w, height: h } = img;
  const pass = (src: Float32Array, horizontal: boolean) => {
    const out = new Float32Array(src.length);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) {
        const xx = horizontal ? Math.min(w - 1, Math.max(0, x + i)) : x; // edges clamp
        const yy = horizontal ? y : Math.min(h - 1, Math.max(0, y + i));
        acc += kn[i + r] * src[(yy * w + xx) * 3 + c];
      }
      out[(y * w + x) * 3 + c] = acc;
    }
    return out;
  };
  return { width: w, height: h, data: pass(pass(img.data, true), false) };
}

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

function jpegRoundTrip(img: Image, quality: number): Image {
  const { width, height } = img;
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = Math.round(clamp01(img.data[i * 3 + c]) * 255);
    rgba[i * 4 + 3] = 255;
  }
  const decoded = jpeg.decode(jpeg.encode({ data: rgba, width, height }, quality).data, { useTArray: true });
  const data = new Float32Array(width * height * 3);
  for (let i = 0; i < width * height; i++) for (let c = 0; c < 3; c++) data[i * 3 + c] = decoded.data[i * 4 + c] / 255;
  return { width, height, data };
}

const KERNELS: Kernel[] = ['bicubic', 'bilinear', 'box'];

/** HR crop -> degraded LR crop of size / scale. Every choice comes from `rng`, so runs repeat. */
export function degradeWeb(hr: Image, scale: number, rng: Rng): Image {
  let img = hr;
  if (rng.next() < 0.7) img = gaussianBlur(img, 0.3 + 1.2 * rng.next());
  img = resize(img, hr.width / scale, hr.height / scale, KERNELS[rng.int(KERNELS.length)]);
  if (rng.next() < 0.5) {
    const sigma = (1 + 5 * rng.next()) / 255;
    img = { ...img, data: img.data.map((v) => v + sigma * gaussian(rng)) };
  }
  if (rng.next() < 0.7) img = jpegRoundTrip(img, 40 + rng.int(56));
  return img;
}
