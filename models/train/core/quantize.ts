// Weight encoders for the tfjs weights manifest. The loaders already dequantize these entries;
// tf.io.encodeWeights cannot produce them.

export type Quantization = 'float16' | 'uint8';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 -> IEEE half, round to nearest even, with subnormals, infinities and NaN. */
export function toFloat16(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1))) half++;
  return sign | half;
}

export interface Encoded {
  bytes: Uint8Array;
  /** The manifest's `quantization` field. */
  quantization: { dtype: 'float16' } | { dtype: 'uint8'; min: number; scale: number };
}

export function encodeFloat16(values: Float32Array): Encoded {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toFloat16(values[i]);
  return { bytes: new Uint8Array(out.buffer), quantization: { dtype: 'float16' } };
}

/** Affine uint8 with zero exactly representable (zero padding and zero biases stay exact). */
export function encodeUint8(values: Float32Array): Encoded {
  let lo = 0, hi = 0;
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  const zero = Math.round(-lo / scale);
  const min = -zero * scale;
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = Math.max(0, Math.min(255, Math.round((values[i] - min) / scale)));
  }
  return { bytes: out, quantization: { dtype: 'uint8', min, scale } };
}

export function encode(values: Float32Array, q: Quantization): Encoded {
  return q === 'float16' ? encodeFloat16(values) : encodeUint8(values);
}
