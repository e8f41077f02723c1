// Every shipped filter honours the model contract: registry fields, quantized weights that
// match their manifest, and [1,H,W,3] -> [1,H*scale,W*scale,3] at odd sizes.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModelFiles, readRegistry } from '../../models/train/core/disk-model';
import { psnrY } from '../../models/train/imaging/metrics';
import { resizeBicubic } from '../../models/train/imaging/resample';
import { buildAndWarm } from '../../workers/model-loader';
import { executeFilter } from '../../workers/execute';

const root = process.cwd();
const registry = readRegistry(root);

/** A textured test card: gradients, hard edges and fine stripes. */
function testCard(w: number, h: number): Float32Array {
  const d = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    d[(y * w + x) * 3 + c] = x < w / 3 ? ((x + y + c) % 4) / 4 : x < (2 * w) / 3 ? (y * (c + 1)) / (h * 3) : (x * y) % 7 > 3 ? 0.8 : 0.2;
  }
  return d;
}

describe('models/registry.json', () => {
  beforeAll(() => tf.setBackend('wasm'));

  it('lists at least the x2 super-resolution filter, with unique ids and all fields', () => {
    expect(registry.filters.map((f) => f.id)).toContain('sr-x2-quality');
    expect(new Set(registry.filters.map((f) => f.id)).size).toBe(registry.filters.length);
    for (const f of registry.filters) {
      expect(['super-resolution', 'style']).toContain(f.kind);
      expect(f.kind === 'style' ? f.scale === 1 : f.scale >= 2).toBe(true);
      expect(f.macsPerInputPixel).toBeGreaterThan(0);
      expect(f.macsPerOutputPixel).toBe(Math.round(f.macsPerInputPixel / f.scale ** 2));
      expect(['float16', 'uint8']).toContain(f.quantization);
      expect(existsSync(f.modelUrl)).toBe(true);
    }
  });

  it('each filter for compressed video costs what its clean sibling does (Auto swaps one for the other on the same tier)', () => {
    const compressed = registry.filters.filter((f) => f.source === 'compressed');
    expect(compressed.length).toBeGreaterThan(0);
    for (const f of compressed) {
      const clean = registry.filters.find((c) => c.id === f.id.replace(/-compressed$/, ''));
      expect(clean && { kind: clean.kind, scale: clean.scale, macs: clean.macsPerInputPixel, source: clean.source }).toEqual({ kind: f.kind, scale: f.scale, macs: f.macsPerInputPixel, source: undefined });
    }
  });

  for (const f of registry.filters) {
    it(`${f.id}: weights stored as ${f.quantization}, output [1,H*${f.scale},W*${f.scale},3] at odd sizes, changed from ${f.kind === 'style' ? 'the input' : 'bicubic'} but the same picture`, async () => {
      const { json, artifacts } = readModelFiles(root, f.modelUrl);
      const floats = json.weightsManifest.flatMap((g) => g.weights).filter((w) => w.dtype === 'float32');
      expect(floats.length).toBeGreaterThan(0);
      for (const w of floats) expect(w.quantization?.dtype).toBe(f.quantization);

      const model = await buildAndWarm(f, artifacts);
      for (const [h, w] of [[16, 16], [17, 23], [31, 20]]) {
        const card = testCard(w, h);
        // Through executeFilter, as the worker runs it (style filters pad to their inputMultiple).
        const y = tf.tidy(() => tf.clipByValue(executeFilter(model, f, tf.tensor4d(card, [1, h, w, 3])), 0, 1));
        expect(y.shape).toEqual([1, h * f.scale, w * f.scale, 3]);
        const out = y.dataSync() as Float32Array;
        y.dispose();
        expect(out.every(Number.isFinite)).toBe(true);
        const ref = f.kind === 'style' ? card : resizeBicubic({ width: w, height: h, data: card }, w * f.scale, h * f.scale).data;
        const mad = out.reduce((s, v, i) => s + Math.abs(v - ref[i]), 0) / out.length;
        expect(mad).toBeGreaterThan(1e-3); // really filtered, not a copy (nor zeros)
        const close = psnrY({ width: w * f.scale, height: h * f.scale, data: out }, { width: w * f.scale, height: h * f.scale, data: ref }, f.scale);
        expect(close).toBeGreaterThan(f.kind === 'style' ? 12 : 20); // and still the same picture
      }
      model.dispose();
    });
  }
});
