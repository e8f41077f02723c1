// Antialiased separable resampling as Pillow does it: bicubic (Keys a = -0.5, as Pillow's
// BICUBIC and MATLAB's imresize) is the standard degradation and the baseline every filter must
// beat; bilinear and box are the other resamplers web video meets.
import type { Image } from './image.js';

export function cubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

export type Kernel = 'bicubic' | 'bilinear' | 'box';

const KERNELS: Record<Kernel, { f: (x: number) => number; support: number }> = {
  bicubic: { f: cubic, support: 2 },
  bilinear: { f: (x) => Math.max(0, 1 - Math.abs(x)), support: 1 },
  box: { f: (x) => (x >= -0.5 && x < 0.5 ? 1 : 0), support: 0.5 },
};

interface Taps { start: Int32Array; weights: Float32Array[] }

/** Per output index: first input index and normalized weights (kernel widened by the scale when shrinking). */
function taps(inSize: number, outSize: number, kernel: Kernel): Taps {
  const { f, support: base } = KERNELS[kernel];
  const scale = inSize / outSize;
  const support = base * Math.max(scale, 1);
  const start = new Int32Array(outSize);
  const weights: Float32Array[] = [];
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support));
    const hi = Math.min(inSize, Math.ceil(center + support));
    const w = new Float32Array(hi - lo);
    let sum = 0;
    for (let i = lo; i < hi; i++) {
      w[i - lo] = f((i + 0.5 - center) / Math.max(scale, 1));
      sum += w[i - lo];
    }
    for (let i = 0; i < w.length; i++) w[i] /= sum;
    start[o] = lo;
    weights.push(w);
  }
  return { start, weights };
}

/** Resize an RGB float image to outW x outH, separably (horizontal pass, then vertical). */
export function resize(img: Image, outW: number, outH: number, kernel: Kernel): Image {
  const { width: w, height: h, data } = img;
  const tx = taps(w, outW, kernel);
  const tmp = new Float32Array(outW * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < outW; x++) {
      const wt = tx.weights[x];
      let r = 0, g = 0, b = 0;
      let p = (y * w + tx.start[x]) * 3;
      for (let i = 0; i < wt.length; i++, p += 3) {
        r += wt[i] * data[p]; g += wt[i] * data[p + 1]; b += wt[i] * data[p + 2];
      }
      const q = (y * outW + x) * 3;
      tmp[q] = r; tmp[q + 1] = g; tmp[q + 2] = b;
    }
  }
  const ty = taps(h, outH, kernel);
  const out = new Float32Array(outW * outH * 3);
  for (let y = 0; y < outH; y++) {
    const wt = ty.weights[y];
    for (let x = 0; x < outW; x++) {
      let r = 0, g = 0, b = 0;
      let p = (ty.start[y] * outW + x) * 3;
      for (let i = 0; i < wt.length; i++, p += outW * 3) {
        r += wt[i] * tmp[p]; g += wt[i] * tmp[p + 1]; b += wt[i] * tmp[p + 2];
      }
      const q = (y * outW + x) * 3;
      out[q] = r; out[q + 1] = g; out[q + 2] = b;
    }
  }
  return { width: outW, height: outH, data: out };
}

export const resizeBicubic = (img: Image, outW: number, outH: number): Image => resize(img, outW, outH, 'bicubic');
