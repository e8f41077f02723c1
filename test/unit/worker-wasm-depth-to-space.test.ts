import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { useTransposeDepthToSpaceOnWasm } from '../../workers/wasm-depth-to-space.js';

describe('wasm DepthToSpace as a transpose', () => {
  it('equals the cpu kernel for batches, blocks 2 and 4, odd sizes, and leaks no tensors', async () => {
    const cases: [number[], number][] = [[[2, 3, 5, 12], 2], [[1, 4, 3, 32], 4], [[1, 1, 1, 4], 2]];
    await tf.setBackend('cpu');
    const inputs = cases.map(([shape]) => Float32Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => (i * 37) % 101));
    const expected = cases.map(([shape, b], k) => tf.tidy(() => tf.depthToSpace(tf.tensor4d(inputs[k], shape as [number, number, number, number]), b).arraySync()));
    await tf.setBackend('wasm');
    useTransposeDepthToSpaceOnWasm();
    useTransposeDepthToSpaceOnWasm(); // idempotent
    const before = tf.memory().numTensors;
    cases.forEach(([shape, b], k) => {
      const got = tf.tidy(() => tf.depthToSpace(tf.tensor4d(inputs[k], shape as [number, number, number, number]), b).arraySync());
      expect(got).toEqual(expected[k]);
    });
    expect(tf.memory().numTensors).toBe(before);
    expect((tf.getKernel('DepthToSpace', 'wasm')!.kernelFunc as { transposeBased?: boolean }).transposeBased).toBe(true);
  });
});
