// What a compositor accepts as a frame from its port: a bitmap, or RGBA bytes of the stated size,
// within MAX_FRAME_PIXELS. Anything else (malformed, oversized, mismatched) is dropped.
import type { RgbaPixels } from '../../workers/types';
import { MAX_FRAME_PIXELS, type FramePayload, type RgbaFrame } from '../protocol';

const validSize = (w: unknown, h: unknown) => Number.isInteger(w) && Number.isInteger(h) && (w as number) > 0 && (h as number) > 0 && (w as number) * (h as number) <= MAX_FRAME_PIXELS;

/** A frame payload as FilterSession takes it, or null when it is malformed or too large. */
export function hostFrame(p: FramePayload | undefined): ImageBitmap | RgbaPixels | null {
  if (typeof ImageBitmap !== 'undefined' && p instanceof ImageBitmap) return validSize(p.width, p.height) ? p : (p.close(), null);
  const f = p as RgbaFrame | undefined;
  if (!f || !(f.rgba instanceof ArrayBuffer) || !validSize(f.width, f.height) || f.rgba.byteLength !== f.width * f.height * 4) return null;
  return { width: f.width, height: f.height, data: new Uint8ClampedArray(f.rgba) };
}

