import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { createGenerator, generate, skipUpsample, upsampleSkipKernel } from '../../models/train/core/nets';
import { gridGradientL1 } from '../../models/train/core/losses';
import { conv2dSame, depthToSpace } from '../../models/train/core/ops';
import { resizeBicubic } from '../../models/train/imaging/resample';

const seq = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

async function convGrads(backend: string, stride: number): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const x = tf.tensor4d(seq(2 * 9 * 7 * 3, (i) => Math.sin(i * 0.37)), [2, 9, 7, 3]);
  const w = tf.tensor4d(seq(3 * 3 * 3 * 4, (i) => Math.cos(i * 0.11)), [3, 3, 3, 4]);
  // The cpu backend's own conv gradients are the reference.
  const conv = backend === 'cpu'
    ? (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, 'same')
    : (a: tf.Tensor, b: tf.Tensor) => conv2dSame(a as tf.Tensor4D, b as tf.Tensor4D, stride);
  const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(conv(a, b))))([x, w]);
  return [await gx.data() as Float32Array, await gw.data() as Float32Array];
}

const maxRelErr = (a: Float32Array, ref: Float32Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - ref[i]) / (1 + Math.abs(ref[i]))));

describe('training ops on wasm', () => {
  afterAll(() => tf.setBackend('cpu'));

  for (const stride of [1, 2]) {
    it(`conv2dSame gradients match the cpu backend (stride ${stride})`, async () => {
      const [rx, rw] = await convGrads('cpu', stride);
      const [ax, aw] = await convGrads('wasm', stride);
      expect(maxRelErr(ax, rx)).toBeLessThan(1e-4);
      expect(maxRelErr(aw, rw)).toBeLessThan(1e-4);
      expect(Math.max(...Array.from(aw, Math.abs))).toBeGreaterThan(1);
    });
  }

  // R1 and WGAN-GP differentiate D's input gradient with respect to D's weights.
  for (const stride of [1, 2]) {
    it(`conv2dSame gradients of gradients match the cpu backend (stride ${stride})`, async () => {
      const secondOrder = async (backend: string) => {
        await tf.setBackend(backend);
        const x = tf.tensor4d(seq(2 * 9 * 7 * 3, (i) => Math.sin(i * 0.37)), [2, 9, 7, 3]);
        const w1 = tf.tensor4d(seq(3 * 3 * 3 * 4, (i) => Math.cos(i * 0.11)), [3, 3, 3, 4]);
        const w2 = tf.tensor4d(seq(3 * 3 * 4 * 2, (i) => Math.cos(i * 0.23)), [3, 3, 4, 2]);
        const conv = (a: tf.Tensor4D, b: tf.Tensor4D) => (backend === 'cpu' ? tf.conv2d(a, b, stride, 'same') : conv2dSame(a, b, stride));
        const critic = (xx: tf.Tensor4D, w: tf.Tensor4D) => tf.sum(tf.square(conv(tf.tanh(conv(xx, w)) as tf.Tensor4D, w2)));
        const g = tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.grad((xx: tf.Tensor) => critic(xx as tf.Tensor4D, w as tf.Tensor4D))(x))))(w1);
        return await g.data() as Float32Array;
      };
      const ref = await secondOrder('cpu');
      const got = await secondOrder('wasm');
      expect(maxRelErr(got, ref)).toBeLessThan(1e-4);
      expect(Math.max(...Array.from(got, Math.abs))).toBeGreaterThan(1);
    });
  }

  it('depthToSpace from reshape/transpose equals the native op and has a gradient', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(seq(2 * 3 * 5 * 12, (i) => i), [2, 3, 5, 12]);
    expect(Array.from(depthToSpace(x, 2).dataSync())).toEqual(Array.from(tf.depthToSpace(x, 2).dataSync()));
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(depthToSpace(t as tf.Tensor4D, 2), 2)))(x);
    expect(Array.from(new Set(g.dataSync()))).toEqual([2]);
  });

  it('the generator skip path is bicubic upsampling away from the borders', async () => {
    await tf.setBackend('wasm');
    const w = 12, h = 10;
    const data = new Float32Array(seq(w * h * 3, (i) => (Math.sin(i * 0.7) + 1) / 2));
    const ref = resizeBicubic({ width: w, height: h, data }, 2 * w, 2 * h).data;
    const x = tf.tensor4d(data, [1, h, w, 3]);
    const g = createGenerator({ scale: 2, channels: 4, blocks: 0, skip: 'bicubic' }, 1);
    const out = skipUpsample(g, x).dataSync();
    // The untrained generator (last layer zero) is exactly its skip path.
    expect(Array.from(generate(g, x).dataSync())).toEqual(Array.from(out));
    let err = 0;
    for (let y = 4; y < 2 * h - 4; y++) for (let xx = 4; xx < 2 * w - 4; xx++) for (let c = 0; c < 3; c++) {
      const i = (y * 2 * w + xx) * 3 + c;
      err = Math.max(err, Math.abs(out[i] - ref[i]));
    }
    expect(err).toBeLessThan(1e-5);
  });

  it('the bilinear skip path is tf.image.resizeBilinear (half-pixel centers) away from the borders', async () => {
    await tf.setBackend('wasm');
    const w = 12, h = 10;
    const x = tf.tensor4d(seq(w * h * 3, (i) => (Math.sin(i * 0.7) + 1) / 2), [1, h, w, 3]);
    const ref = tf.image.resizeBilinear(x, [2 * h, 2 * w], false, true).dataSync();
    const out = skipUpsample(createGenerator({ scale: 2, channels: 4, blocks: 0, skip: 'bilinear' }, 1), x).dataSync();
    let err = 0;
    for (let y = 2; y < 2 * h - 2; y++) for (let xx = 2; xx < 2 * w - 2; xx++) for (let c = 0; c < 3; c++) {
      const i = (y * 2 * w + xx) * 3 + c;
      err = Math.max(err, Math.abs(out[i] - ref[i]));
    }
    expect(err).toBeLessThan(1e-5);
    expect(upsampleSkipKernel(2, 'bilinear').shape).toEqual([3, 3, 3, 12]);
  });
});

describe('the codec block-border loss', () => {
  // A 32x32 grey image, and copies with a vertical step of 0.2 between two columns.
  const withStep = (at: number) => tf.tensor4d(seq(32 * 32 * 3, (i) => (Math.floor(i / 3) % 32 >= at ? 0.6 : 0.4)), [1, 32, 32, 3]);
  const flat = () => tf.fill([1, 32, 32, 3], 0.4) as tf.Tensor4D;

  it('counts steps across the 16-pixel grid lines only, as the mean over those lines', async () => {
    await tf.setBackend('wasm');
    const onGrid = withStep(16), offGrid = withStep(10), grey = flat();
    expect(gridGradientL1(grey, grey, 16).dataSync()[0]).toBe(0);
    // One of the grid's column borders (31 columns of differences, one line: 15|16) steps by 0.2 on every row.
    expect(gridGradientL1(onGrid, grey, 16).dataSync()[0]).toBeCloseTo(0.2, 5);
    expect(gridGradientL1(offGrid, grey, 16).dataSync()[0]).toBe(0);
    // The truth's own step there costs nothing.
    expect(gridGradientL1(onGrid, onGrid, 16).dataSync()[0]).toBe(0);
    tf.dispose([onGrid, offGrid, grey]);
  });

  it('has a gradient toward the truth on wasm', async () => {
    await tf.setBackend('wasm');
    const x = withStep(16), grey = flat();
    const g = tf.grad((t: tf.Tensor) => gridGradientL1(t as tf.Tensor4D, grey, 16))(x);
    // Lowering the right side of the step (column 16) and raising the left (15) lessens it.
    const d = g.dataSync();
    expect(d[(0 * 32 + 16) * 3]).toBeGreaterThan(0);
    expect(d[(0 * 32 + 15) * 3]).toBeLessThan(0);
    expect(d[(0 * 32 + 5) * 3]).toBe(0);
    tf.dispose([x, g, grey]);
  });
});
