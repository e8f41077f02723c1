// The guided stage's full-size pass in WASM SIMD (wasm-guide.ts) against the tfjs ops it
// replaces (guided-work.ts applyGuide), odd sizes, with and without outlines.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyGuide, guidedLuma } from '../../workers/guided-work';
import { bilinearTaps } from '../../workers/wasm-guide';
import { WasmPixels } from '../../workers/wasm-pixels';

let simd: WasmPixels;
beforeAll(async () => {
  await tf.setBackend('wasm');
  simd = WasmPixels.current()!;
});

describe('the guided stage in WASM SIMD', () => {
  it('takes bilinear taps as tf.image.resizeBilinear does (half-pixel centres, clamped edges)', () => {
    for (const [src, dst] of [[5, 13], [90, 720], [480, 720], [7, 7], [9, 4]]) {
      const line = tf.range(0, src).reshape([1, 1, src, 1]).div(tf.scalar(src)).add(0.1) as tf.Tensor4D;
      const want = tf.image.resizeBilinear(line, [1, dst], false, true).dataSync();
      const v = line.dataSync(), { i0, i1, f } = bilinearTaps(src, dst);
      const got = Array.from({ length: dst }, (_, d) => v[i0[d]] + (v[i1[d]] - v[i0[d]]) * f[d]);
      got.forEach((g, d) => expect(g, `${src}->${dst} at ${d}`).toBeCloseTo(want[d], 5));
      line.dispose();
    }
  });

  it('gives the bytes of the tfjs ops within a level, odd sizes, with and without outlines', async () => {
    for (const [W, H, w, h, kw, kh] of [[173, 97, 23, 13, 115, 65], [64, 48, 12, 9, 64, 48], [31, 40, 5, 7, 0, 0]]) {
      const rgba = new Uint8ClampedArray(W * H * 4).map((_, i) => (i * 7919 + (i >> 5)) % 256);
      const x = await simd.toTensor(W, H, (dst) => dst.set(rgba));
      const parts = {
        a: tf.randomUniform([1, h, w, 3], -0.5, 1.5, 'float32', 1) as tf.Tensor4D,
        b: tf.randomUniform([1, h, w, 3], -0.3, 0.6, 'float32', 2) as tf.Tensor4D,
        keep: kw ? tf.randomUniform([1, kh, kw, 1], 0.2, 1, 'float32', 3) as tf.Tensor4D : null,
      };
      const want = tf.tidy(() => tf.clipByValue(tf.round(tf.mul(applyGuide(parts, x), 255)), 0, 255).dataSync());
      expect(simd.guides).toBe(true);
      const got = simd.guide(parts, W, H);
      let worst = 0, alpha = 255, moved = 0;
      for (let p = 0; p < W * H; p++) {
        for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(got[p * 4 + c] - want[p * 3 + c]));
        alpha = Math.min(alpha, got[p * 4 + 3]);
        if (got[p * 4] !== rgba[p * 4]) moved++;
      }
      expect(worst, `${W}x${H}`).toBeLessThanOrEqual(1);
      expect(alpha).toBe(255);
      // Not the frame passed through.
      expect(moved / (W * H)).toBeGreaterThan(0.5);
      tf.dispose([x, parts.a, parts.b, ...(parts.keep ? [parts.keep] : [])]);
    }
  });

  it('takes the outlines\' guided luma as the tfjs ops do', () => {
    for (const [W, H, w, h] of [[173, 97, 23, 13], [853, 480, 160, 90]]) {
      const xs = tf.randomUniform([1, H, W, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
      const fit = { a: tf.randomUniform([1, h, w, 3], -0.5, 1.5, 'float32', 5) as tf.Tensor4D, b: tf.randomUniform([1, h, w, 3], -0.3, 0.6, 'float32', 6) as tf.Tensor4D };
      const [want, got] = [guidedLuma(fit, xs), simd.guidedLuma(fit, xs)];
      expect(got.shape).toEqual([1, H, W, 1]);
      const worst = tf.tidy(() => tf.max(tf.abs(tf.sub(want, got))).dataSync()[0]);
      expect(worst, `${W}x${H}`).toBeLessThan(1e-4);
      expect(tf.tidy(() => tf.moments(got).variance.dataSync()[0])).toBeGreaterThan(0.01);
      tf.dispose([xs, fit.a, fit.b, want, got]);
    }
  });
});
