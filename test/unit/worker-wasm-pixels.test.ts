// The WASM SIMD pixel conversions against the JS loops they replace, and the detection of a
// graph's final DepthToSpace that lets the packing do it.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rgbFloatsToRgba, rgbaToRgbFloats } from '../../workers/pixels';
import { WasmPixels } from '../../workers/wasm-pixels';
import { finalDepthToSpace } from '../../workers/model-manifest';
import { readbacks } from '../../workers/readback-counter';

let simd: WasmPixels;
beforeAll(async () => {
  await tf.setBackend('wasm');
  simd = WasmPixels.current()!;
});

describe('WASM SIMD pixels', () => {
  it('is available on the wasm backend and not elsewhere', async () => {
    expect(simd).toBeInstanceOf(WasmPixels);
    await tf.setBackend('cpu');
    expect(WasmPixels.current()).toBeNull();
    await tf.setBackend('wasm');
  });

  it('unpacks RGBA bytes into the same floats as the JS loop, odd sizes included', async () => {
    for (const [w, h] of [[7, 5], [64, 36]]) {
      const rgba = new Uint8ClampedArray(w * h * 4).map((_, i) => (i * 7919) % 256);
      const before = tf.memory().numTensors;
      const t = await simd.toTensor(w, h, (dst) => dst.set(rgba));
      expect(t.shape).toEqual([1, h, w, 3]);
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(Array.from(t.dataSync())).toEqual(Array.from(rgbaToRgbFloats(rgba)));
      // The same pixels copied as BGRA (the layout bitmaps and decoded frames hold) give the same floats.
      const bgra = rgba.map((_, i) => rgba[i - (i % 4) + [2, 1, 0, 3][i % 4]]);
      const fromBgra = await simd.toTensor(w, h, (dst) => { dst.set(bgra); return 'bgra'; });
      expect(Array.from(fromBgra.dataSync())).toEqual(Array.from(t.dataSync()));
      expect(bgra).not.toEqual(rgba);
      tf.dispose([t, fromBgra]);
    }
  });

  for (const block of [1, 2, 4]) {
    it(`packs floats into RGBA like the JS loop, undoing a DepthToSpace of ${block}`, () => {
      const [h, w] = [5, 7];
      // Overshoot on both sides, infinities, NaN, and exact halves (127.5 rounds half to even: 128).
      const special = (i: number) => (i % 97 === 0 ? NaN : i % 89 === 0 ? 0.5 : i % 83 === 0 ? Infinity : i % 79 === 0 ? -Infinity : i % 73 === 0 ? 1e9 : undefined);
      const values = Float32Array.from({ length: h * w * 3 * block * block }, (_, i) => special(i) ?? Math.sin(i * 12.9898) * 0.75 + 0.5);
      const x = tf.tensor4d(values, [1, h, w, 3 * block * block]);
      const shuffled = block === 1 ? x : tf.depthToSpace(x, block);
      const expected = rgbFloatsToRgba(shuffled.dataSync());
      const count = readbacks.count;
      const got = simd.toRgba(x, block);
      expect(readbacks.count).toBe(count + 1);
      expect(got.length).toBe(expected.length);
      let off = 0;
      for (let i = 0; i < got.length; i++) {
        expect(Math.abs(got[i] - expected[i])).toBeLessThanOrEqual(1); // the product is rounded to float32 first
        if (got[i] !== expected[i]) off++;
      }
      expect(off).toBeLessThanOrEqual(got.length / 100);
      expect(got.filter((_, i) => i % 4 === 3).every((a) => a === 255)).toBe(true);
      expect(got.some((v, i) => i % 4 !== 3 && v > 0 && v < 255)).toBe(true);
      tf.dispose([x, shuffled]);
    });
  }

  it('refuses a tensor whose channels do not match the block', () => {
    const x = tf.zeros([1, 4, 4, 6]);
    expect(() => simd.toRgba(x, 2)).toThrow('cannot pack a float32 [1,4,4,6] tensor with block 2');
    x.dispose();
  });
});

describe('final DepthToSpace of a graph', () => {
  const topology = (id: string) => JSON.parse(readFileSync(new URL(`../../models/weights/${id}/model.json`, import.meta.url), 'utf8')).modelTopology;

  it('is found behind the output Identity of the x2 and x4 filters, and not in a style filter', () => {
    expect(finalDepthToSpace(topology('sr-x2-lite'))).toEqual({ input: 'residual', block: 2 });
    expect(finalDepthToSpace(topology('sr-x4'))).toEqual({ input: 'residual', block: 4 });
    expect(finalDepthToSpace(topology('style-anime'))).toBeUndefined();
  });

  it('is not used when something follows it', () => {
    const t = topology('sr-x2-lite');
    t.node.push({ name: 'after', op: 'Relu', input: ['output'] });
    expect(finalDepthToSpace(t)).toBeUndefined();
  });
});
