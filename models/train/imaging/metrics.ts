// How filters are judged: PSNR and SSIM on luma (as the super-resolution literature reports
// them) and a detail ratio that shows whether output has the ground truth's fine texture.
import { clamp01, type Image } from './image.js';

/** BT.601 luma in 16..235 (MATLAB's rgb2ycbcr) of the 8-bit quantized image. */
export function lumaY(img: Image): Float64Array {
  const q = (v: number) => Math.round(clamp01(v) * 255) / 255;
  const y = new Float64Array(img.width * img.height);
  for (let i = 0; i < y.length; i++) {
    y[i] = 16 + 65.481 * q(img.data[i * 3]) + 128.553 * q(img.data[i * 3 + 1]) + 24.966 * q(img.data[i * 3 + 2]);
  }
  return y;
}

/** The luma plane without a `shave`-pixel border. */
function shaved(img: Image, shave: number): { y: Float64Array; w: number; h: number } {
  const full = lumaY(img);
  const w = img.width - 2 * shave, h = img.height - 2 * shave;
  const y = new Float64Array(w * h);
  for (let r = 0; r < h; r++) y.set(full.subarray((r + shave) * img.width + shave, (r + shave) * img.width + shave + w), r * w);
  return { y, w, h };
}

/** PSNR on BT.601 luma, 8-bit quantized, with `shave` border pixels ignored. */
export function psnrY(a: Image, b: Image, shave: number): number {
  const ya = shaved(a, shave).y, yb = shaved(b, shave).y;
  let se = 0;
  for (let i = 0; i < ya.length; i++) se += (ya[i] - yb[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (se / ya.length));
}

/** SSIM (Wang et al. 2004) on luma: 11x11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03, range 255. */
export function ssimY(a: Image, b: Image, shave: number): number {
  const A = shaved(a, shave), B = shaved(b, shave);
  const { w, h } = A;
  const r = 5, g = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * 1.5 * 1.5)));
  const gs = g.reduce((s, v) => s + v, 0);
  const k = g.map((v) => v / gs);
  const blur = (src: Float64Array) => {
    const tmp = new Float64Array(src.length), out = new Float64Array(src.length);
    for (let y = 0; y < h; y++) for (let x = r; x < w - r; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r] * src[y * w + x + i];
      tmp[y * w + x] = s;
    }
    for (let y = r; y < h - r; y++) for (let x = r; x < w - r; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r] * tmp[(y + i) * w + x];
      out[y * w + x] = s;
    }
    return out;
  };
  const prod = (p: Float64Array, q: Float64Array) => p.map((v, i) => v * q[i]);
  const mx = blur(A.y), my = blur(B.y);
  const sxx = blur(prod(A.y, A.y)), syy = blur(prod(B.y, B.y)), sxy = blur(prod(A.y, B.y));
  const c1 = (0.01 * 255) ** 2, c2 = (0.03 * 255) ** 2;
  let sum = 0, n = 0;
  for (let y = r; y < h - r; y++) for (let x = r; x < w - r; x++) {
    const i = y * w + x;
    const vx = sxx[i] - mx[i] ** 2, vy = syy[i] - my[i] ** 2, cxy = sxy[i] - mx[i] * my[i];
    sum += ((2 * mx[i] * my[i] + c1) * (2 * cxy + c2)) / ((mx[i] ** 2 + my[i] ** 2 + c1) * (vx + vy + c2));
    n++;
  }
  return sum / n;
}

/** Mean absolute 4-neighbour Laplacian of the luma: how much fine detail an image has. */
export function detail(img: Image, shave: number): number {
  const { y, w, h } = shaved(img, shave);
  let s = 0, n = 0;
  for (let r = 1; r < h - 1; r++) for (let c = 1; c < w - 1; c++) {
    const i = r * w + c;
    s += Math.abs(4 * y[i] - y[i - 1] - y[i + 1] - y[i - w] - y[i + w]);
    n++;
  }
  return s / n;
}
