import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { encode, toFloat16 } from '../../models/train/core/quantize';

function roundTrip(values: number[], q: 'float16' | 'uint8'): Float32Array {
  const enc = encode(new Float32Array(values), q);
  const spec = { name: 'w', shape: [values.length], dtype: 'float32' as const, quantization: enc.quantization };
  const decoded = tf.io.decodeWeights(enc.bytes.buffer.slice(0) as ArrayBuffer, [spec as tf.io.WeightsManifestEntry]);
  return decoded.w.dataSync() as Float32Array;
}

describe('weight quantization (decoded by tfjs own loader)', () => {
  it('float16 keeps exact halves and rounds others to 11 significant bits', () => {
    expect(toFloat16(1)).toBe(0x3c00);
    expect(toFloat16(-2)).toBe(0xc000);
    expect(toFloat16(65504)).toBe(0x7bff);
    expect(toFloat16(1e6)).toBe(0x7c00);
    expect(toFloat16(2 ** -24)).toBe(0x0001);
    const values = [0, 1, -2, 0.1, -0.3333, 3.14159, 1e-5, 123.456];
    const out = roundTrip(values, 'float16');
    values.forEach((v, i) => expect(Math.abs(out[i] - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 6e-8));
  });

  it('uint8 keeps zero exact and errs by at most half a step', () => {
    const values = Array.from({ length: 300 }, (_, i) => Math.sin(i) * (i % 7) * 0.1);
    values[17] = 0;
    const out = roundTrip(values, 'uint8');
    const step = (Math.max(...values) - Math.min(...values, 0)) / 255;
    expect(out[17]).toBe(0);
    values.forEach((v, i) => expect(Math.abs(out[i] - v)).toBeLessThanOrEqual(step / 2 + 1e-6));
    expect(Math.max(...values.map((v, i) => Math.abs(out[i] - v)))).toBeGreaterThan(0); // it really quantized
  });
});
