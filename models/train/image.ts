// Float RGB images in [0,1] (HWC), PNG I/O and the luma PSNR used to judge filters.
import { readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

export interface Image { width: number; height: number; data: Float32Array }

export function readPng(path: string): Image {
  const png = PNG.sync.read(readFileSync(path));
  const n = png.width * png.height;
  const data = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) data[i * 3 + c] = png.data[i * 4 + c] / 255;
  }
  return { width: png.width, height: png.height, data };
}

export function writePng(path: string, img: Image): void {
  const png = new PNG({ width: img.width, height: img.height });
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) png.data[i * 4 + c] = Math.round(clamp01(img.data[i * 3 + c]) * 255);
    png.data[i * 4 + 3] = 255;
  }
  writeFileSync(path, PNG.sync.write(png));
}

export function crop(img: Image, x0: number, y0: number, w: number, h: number): Image {
  const data = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const src = ((y0 + y) * img.width + x0) * 3;
    data.set(img.data.subarray(src, src + w * 3), y * w * 3);
  }
  return { width: w, height: h, data };
}

export const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/** PSNR on BT.601 luma (as MATLAB's rgb2ycbcr), 8-bit quantized, with `shave` border pixels ignored. */
export function psnrY(a: Image, b: Image, shave: number): number {
  const lum = (d: Float32Array, i: number) =>
    16 + 65.481 * q(d[i]) + 128.553 * q(d[i + 1]) + 24.966 * q(d[i + 2]);
  const q = (v: number) => Math.round(clamp01(v) * 255) / 255;
  let se = 0, n = 0;
  for (let y = shave; y < a.height - shave; y++) {
    for (let x = shave; x < a.width - shave; x++) {
      const i = (y * a.width + x) * 3;
      const d = lum(a.data, i) - lum(b.data, i);
      se += d * d; n++;
    }
  }
  return 10 * Math.log10((255 * 255) / (se / n));
}
