// Pixel conversions between canvas RGBA bytes and the models' float32 RGB in [0,1].
// Done in plain JS on purpose: tf.browser.fromPixels throws on VideoFrame and its int32
// tensors read back as zeros on tfjs 4.22 WebGPU.

/** RGBA bytes -> packed RGB floats in [0,1] (alpha dropped). */
export function rgbaToRgbFloats(rgba: Uint8ClampedArray, out = new Float32Array((rgba.length / 4) * 3)): Float32Array {
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    out[j] = rgba[i] / 255;
    out[j + 1] = rgba[i + 1] / 255;
    out[j + 2] = rgba[i + 2] / 255;
  }
  return out;
}

/**
 * Packed RGB floats -> opaque RGBA bytes. Uint8ClampedArray stores clamp(round(v * 255)),
 * so values outside [0,1] are clamped here even if the model overshoots.
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

/** Throws a readable error for frames the models cannot take. */
export function checkFrameSize(width: number, height: number): void {
  if (width < MIN_FRAME_SIZE || height < MIN_FRAME_SIZE) {
    throw new Error(`Frame is ${width}x${height}; filters need at least ${MIN_FRAME_SIZE}x${MIN_FRAME_SIZE} pixels`);
  }
}
