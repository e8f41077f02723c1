// One frame through a loaded filter, in the worker: on the GPU end to end (gpu-frame.ts) or
// through one readback (ReadbackPath below).
import * as tf from '@tensorflow/tfjs';
import type { InputFrame, ProcessOptions, ProcessedFrame } from './types.js';
import type { RunSpec } from './chain.js';
import { executeFilter, type FrameModel } from './execute.js';
import { TILE_ABOVE_PIXELS, executeTiled } from './tiling.js';
import { GpuFramePath } from './gpu-frame.js';
import { checkFrameSize, rgbFloatsToRgba, rgbaToRgbFloats } from './pixels.js';
import { readFloats } from './read-floats.js';

const frameSize = (f: InputFrame): { width: number; height: number } =>
  'displayWidth' in f ? { width: f.displayWidth, height: f.displayHeight } : { width: f.width, height: f.height };

/** Reads frames into RGBA bytes through a reused OffscreenCanvas (software-backed: fast getImageData). */
class FrameReader {
  private canvas = new OffscreenCanvas(1, 1);
  private ctx = this.canvas.getContext('2d', { willReadFrequently: true, alpha: false })!;

  /** Draws and closes the frame; returns its pixels. */
  read(frame: InputFrame): ImageData {
    try {
      const { width, height } = frameSize(frame);
      checkFrameSize(width, height);
      if (this.canvas.width !== width || this.canvas.height !== height) {
        this.canvas.width = width;
        this.canvas.height = height;
      }
      this.ctx.drawImage(frame, 0, 0);
      return this.ctx.getImageData(0, 0, width, height);
    } finally {
      frame.close();
    }
  }
}

/** A buffer reused while the frame size stays the same (no per-frame allocation, no GC churn). */
class Reused<T extends Float32Array | Uint8ClampedArray<ArrayBuffer>> {
  private buf: T | null = null;
  constructor(private make: (n: number) => T) {}
  get(n: number): T {
    if (this.buf?.length !== n) this.buf = this.make(n);
    return this.buf;
  }
}

/**
 * The readback path (WASM, WebGL, CPU, and tiled WebGPU): frame -> RGBA -> float RGB tensor ->
 * model -> one readback (one per tile above TILE_ABOVE_PIXELS) -> clamped RGBA -> the worker's
 * OffscreenCanvas -> ImageBitmap. Input floats and output bytes are reused across frames, and
 * putImageData + transferToImageBitmap is cheaper than createImageBitmap(ImageData) (1.7 vs
 * 3.0 ms for 1280x720 here).
 */
export class ReadbackPath {
  private reader = new FrameReader();
  private floats = new Reused((n) => new Float32Array(n));
  private rgba = new Reused((n) => new Uint8ClampedArray(n));
  private canvas = new OffscreenCanvas(1, 1);
  private ctx = this.canvas.getContext('2d', { alpha: false })!;

  async filter(model: FrameModel, spec: RunSpec, frame: InputFrame, opts: ProcessOptions = {}): Promise<ProcessedFrame> {
    const t0 = performance.now();
    const input = this.reader.read(frame);
    const { width, height } = input;
    const w = width * spec.scale, h = height * spec.scale;
    const t1 = performance.now();
    const x = tf.tensor4d(rgbaToRgbFloats(input.data, this.floats.get(width * height * 3)), [1, height, width, 3]);
    const rgba = this.rgba.get(w * h * 4);
    try {
      if (width * height > TILE_ABOVE_PIXELS) {
        await executeTiled(model, spec, x, rgba);
      } else {
        // No clip op: rgbFloatsToRgba clamps while converting, saving a pass over the output.
        const out = tf.tidy(() => executeFilter(model, spec, x));
        try {
          const rgb = await readFloats(out);
          if (rgb.length !== w * h * 3) throw new Error(`model returned ${rgb.length / 3} pixels, expected ${w}x${h}`);
          rgbFloatsToRgba(rgb, rgba);
        } finally {
          out.dispose();
        }
      }
    } finally {
      x.dispose();
    }
    const inferMs = performance.now() - t1;
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    this.ctx.putImageData(new ImageData(rgba, w, h), 0, 0);
    return {
      bitmap: this.canvas.transferToImageBitmap(), width: w, height: h,
      timing: { inferMs, totalMs: performance.now() - t0 },
      ...(opts.returnInputPixels ? { inputPixels: input.data } : {}),
    };
  }
}

/**
 * The one place that picks a frame's path: WebGPU keeps frames on the GPU end to end, except
 * when the caller wants the input pixels and for frames large enough to need tiling (those
 * read back per tile); other backends read back once.
 */
export class FramePipeline {
  private readback = new ReadbackPath();
  private gpu = new GpuFramePath();

  filter(model: FrameModel, spec: RunSpec, frame: InputFrame, opts: ProcessOptions = {}): Promise<ProcessedFrame> {
    const { width, height } = frameSize(frame);
    const onGpu = tf.getBackend() === 'webgpu' && !opts.returnInputPixels && width * height <= TILE_ABOVE_PIXELS;
    return onGpu ? this.gpu.filter(model, spec, frame) : this.readback.filter(model, spec, frame, opts);
  }
}
