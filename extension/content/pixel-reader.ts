// Reads a picture (a video element, a camera frame) into RGBA bytes at a given size: how frames
// cross to a compositor on the readback backends (protocol.ts, FramePayload, says why).
// VideoFrame.copyTo converts to RGBA in 0.6-0.7 ms for 640x480 here; drawing the same camera
// frame scaled on a CPU canvas and reading it back took 12.8 ms, so the scaling is an area
// average over the copied bytes (about 2 ms to 240x180). Where copyTo cannot convert, a canvas
// does it all.
import type { RgbaFrame } from '../protocol';

/** Precomputed source spans for one axis of an area resample: for each output index, source indices and weights. */
function spans(src: number, dst: number): { start: Int32Array; count: Int32Array; weights: Float32Array[] } {
  const scale = src / dst;
  const start = new Int32Array(dst), count = new Int32Array(dst);
  const weights: Float32Array[] = [];
  for (let d = 0; d < dst; d++) {
    const lo = d * scale, hi = Math.min(src, (d + 1) * scale);
    const first = Math.floor(lo), last = Math.min(src - 1, Math.ceil(hi) - 1);
    const w = new Float32Array(last - first + 1);
    for (let s = first; s <= last; s++) w[s - first] = (Math.min(hi, s + 1) - Math.max(lo, s)) / (hi - lo);
    start[d] = first;
    count[d] = w.length;
    weights.push(w);
  }
  return { start, count, weights };
}

/** Area-average resample of RGBA to a smaller (or equal) size: each output pixel is the mean of the source area it covers. */
export function downscaleArea(src: Uint8ClampedArray, sw: number, sh: number, dw: number, dh: number): Uint8ClampedArray<ArrayBuffer> {
  const xs = spans(sw, dw), ys = spans(sh, dh);
  const rows = new Float32Array(dw * sh * 4); // horizontal pass
  for (let y = 0; y < sh; y++) {
    const srow = y * sw * 4, drow = y * dw * 4;
    for (let x = 0; x < dw; x++) {
      const w = xs.weights[x];
      let r = 0, g = 0, b = 0, a = 0;
      for (let k = 0, i = srow + xs.start[x] * 4; k < w.length; k++, i += 4) {
        r += src[i] * w[k]; g += src[i + 1] * w[k]; b += src[i + 2] * w[k]; a += src[i + 3] * w[k];
      }
      const o = drow + x * 4;
      rows[o] = r; rows[o + 1] = g; rows[o + 2] = b; rows[o + 3] = a;
    }
  }
  const out = new Uint8ClampedArray(dw * dh * 4); // vertical pass; the clamped array rounds
  for (let y = 0; y < dh; y++) {
    const w = ys.weights[y], first = ys.start[y];
    for (let x = 0; x < dw * 4; x++) {
      let v = 0;
      for (let k = 0; k < w.length; k++) v += rows[(first + k) * dw * 4 + x] * w[k];
      out[y * dw * 4 + x] = v;
    }
  }
  return out;
}

export class PixelReader {
  private canvas: OffscreenCanvas | null = null;
  private copyToWorks = true;

  /** Throws a SecurityError for a picture from another origin without CORS. */
  async read(source: VideoFrame | HTMLVideoElement, width: number, height: number): Promise<RgbaFrame> {
    if (this.copyToWorks) {
      const frame = source instanceof VideoFrame ? source : new VideoFrame(source, { timestamp: 0 });
      try {
        const { width: sw, height: sh } = frame.visibleRect ?? { width: frame.displayWidth, height: frame.displayHeight };
        const full = new Uint8ClampedArray(sw * sh * 4);
        await frame.copyTo(full, { format: 'RGBA', colorSpace: 'srgb' });
        const rgba = sw === width && sh === height ? full : downscaleArea(full, sw, sh, width, height);
        return { width, height, rgba: rgba.buffer };
      } catch (err) {
        if (err instanceof DOMException && err.name === 'SecurityError') throw err;
        this.copyToWorks = false; // this browser's copyTo cannot convert: use the canvas from now on
      } finally {
        if (frame !== source) frame.close();
      }
    }
    return this.readByCanvas(source, width, height);
  }

  private readByCanvas(source: CanvasImageSource, width: number, height: number): RgbaFrame {
    this.canvas ??= new OffscreenCanvas(width, height);
    const c = this.canvas;
    if (c.width !== width || c.height !== height) {
      c.width = width;
      c.height = height;
    }
    const ctx = c.getContext('2d', { willReadFrequently: true })!;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(source, 0, 0, width, height);
    return { width, height, rgba: ctx.getImageData(0, 0, width, height).data.buffer };
  }
}
