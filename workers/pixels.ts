// Pixel conversions between canvas RGBA bytes and the models' float32 RGB in [0,1], for the
// readback (WASM) path. Plain JS on purpose: measured faster than int32 tensors converted on
// the wasm backend, and tf.browser.fromPixels throws on VideoFrame in tfjs 4.22.

/** The channel order of 4-byte pixels as a frame is copied out. */
export type ByteOrder = 'rgba' | 'bgra';

/** A frame's displayed size (a VideoFrame's coded size may be larger), or a bitmap's or pixel buffer's. */
export const frameSize = (f: { width: number; height: number } | VideoFrame): { width: number; height: number } =>
  'displayWidth' in f ? { width: f.displayWidth, height: f.displayHeight } : { width: f.width, height: f.height };

const BYTE_TO_FLOAT = Float32Array.from({ length: 256 }, (_, i) => i / 255);

/** RGBA bytes -> packed RGB floats in [0,1] (alpha dropped). A lookup table: no division per byte. */
export function rgbaToRgbFloats(rgba: Uint8ClampedArray, out = new Float32Array((rgba.length / 4) * 3)): Float32Array {
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    out[j] = BYTE_TO_FLOAT[rgba[i]];
    out[j + 1] = BYTE_TO_FLOAT[rgba[i + 1]];
    out[j + 2] = BYTE_TO_FLOAT[rgba[i + 2]];
  }
  return out;
}

/**
 * Packed RGB floats -> opaque RGBA bytes, clamped to [0,1] and rounded, even if the model
 * overshoots: a Uint8ClampedArray store clamps and rounds natively (NaN gives 0), faster than
 * doing it in JS.
 */
export function rgbFloatsToRgba<T extends Uint8ClampedArray>(rgb: ArrayLike<number>, out: T = new Uint8ClampedArray((rgb.length / 3) * 4) as T): T {
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    out[j] = rgb[i] * 255;
    out[j + 1] = rgb[i + 1] * 255;
    out[j + 2] = rgb[i + 2] * 255;
    out[j + 3] = 255;
  }
  return out;
}

export const MIN_FRAME_SIZE = 16;

/** A w x h frame scaled by `scale`, rounded, never below the smallest frame a filter takes (the hosts' working sizes, and the worker's for a style run at one). */
export function scaledSize(w: number, h: number, scale: number): { width: number; height: number } {
  return { width: Math.max(MIN_FRAME_SIZE, Math.round(w * scale)), height: Math.max(MIN_FRAME_SIZE, Math.round(h * scale)) };
}

/** Throws a readable error for frames the models cannot take. */
export function checkFrameSize(width: number, height: number): void {
  if (width < MIN_FRAME_SIZE || height < MIN_FRAME_SIZE) {
    throw new Error(`Frame is ${width}x${height}; filters need at least ${MIN_FRAME_SIZE}x${MIN_FRAME_SIZE} pixels`);
  }
}
