// The readback path's one read per frame (or per tile), straight into RGBA bytes.
import * as tf from '@tensorflow/tfjs';
import { rgbFloatsToRgba } from './pixels.js';
import type { RgbaPixels } from './types.js';
import { WasmPixels } from './wasm-pixels.js';

/**
 * Reads a float RGB tensor [1, H, W, 3*block*block] once and writes it, clamped and rounded,
 * as the (H*block) x (W*block) RGBA rectangle at (x, y) of `to`. Block > 1 (a DepthToSpace
 * left undone) needs the WASM SIMD packer (wasm-pixels.ts), which does the work inside the
 * backend's memory; elsewhere data() and the JS loop.
 */
export async function readRgba(t: tf.Tensor, block: number, to: RgbaPixels, x = 0, y = 0): Promise<void> {
  const [, h, w] = t.shape;
  const outW = w * block, rowBytes = outW * 4;
  const simd = WasmPixels.current();
  let bytes: Uint8Array | null = null, rgb: Float32Array | null = null;
  if (simd) bytes = simd.toRgba(t, block);
  else if (block === 1) rgb = (await t.data()) as Float32Array;
  else throw new Error(`a depth-to-space block of ${block} can only be packed on WASM`);
  if (bytes && x === 0 && outW === to.width) {
    to.data.set(bytes, y * rowBytes);
    return;
  }
  for (let r = 0; r < h * block; r++) {
    const at = ((y + r) * to.width + x) * 4;
    if (bytes) to.data.set(bytes.subarray(r * rowBytes, (r + 1) * rowBytes), at);
    else rgbFloatsToRgba(rgb!.subarray(r * outW * 3, (r + 1) * outW * 3), to.data.subarray(at, at + rowBytes));
  }
}
