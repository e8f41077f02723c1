// Float RGB images in [0,1] (HWC) and PNG I/O.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** The PNG files in a folder, sorted by name, as full paths. */
export const pngsIn = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.png')).sort().map((f) => join(dir, f));

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
