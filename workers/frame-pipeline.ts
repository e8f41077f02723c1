// One frame through a loaded filter: frame -> RGBA (2d canvas) -> float RGB tensor -> model ->
// clamp -> one readback -> RGBA -> ImageBitmap. Everything runs in the worker.
import * as tf from '@tensorflow/tfjs';
import type { InputFrame, ProcessOptions, ProcessedFrame } from './types.js';
import type { RunSpec } from './chain.js';
import { executeFilter, type FrameModel } from './execute.js';
import { TILE_ABOVE_PIXELS, executeTiled } from './tiling.js';
import { GpuFramePath } from './gpu-frame.js';
import { checkFrameSize, rgbFloatsToRgba, rgbaToRgbFloats } from './pixels.js';

export const frameSize = (f: InputFrame): { width: number; height: number } =>
  'displayWidth' in f ? { width: f.displayWidth, height: f.displayHeight } : { width: f.width, height: f.height };

/** Reads frames into RGBA bytes through a reused OffscreenCanvas (software-backed: fast getImageData). */
export class FrameReader {
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

/**
 * Runs the model on RGBA pixels; returns the output's RGBA pixels and the model time. One
 * readback per frame; frames above TILE_ABOVE_PIXELS go in tiles, one readback per tile.
 */
export async function runModel(model: FrameModel, spec: RunSpec, pixels: ImageData): Promise<{ rgba: ImageData; inferMs: number }> {
  const { width, height } = pixels;
  const { scale } = spec;
  const t0 = performance.now();
  const x = tf.tensor4d(rgbaToRgbFloats(pixels.data), [1, height, width, 3]);
  let rgba: Uint8ClampedArray<ArrayBuffer>;
  try {
    if (width * height > TILE_ABOVE_PIXELS) {
      rgba = await executeTiled(model, spec, x);
    } else {
      // No clip op: rgbFloatsToRgba clamps while converting, saving a pass over the output.
      const out = tf.tidy(() => executeFilter(model, spec, x));
      try {
        rgba = rgbFloatsToRgba((await out.data()) as Float32Array);
      } finally {
        out.dispose();
      }
    }
  } finally {
    x.dispose();
  }
  const inferMs = performance.now() - t0;
  const w = width * scale, h = height * scale;
  if (rgba.length !== w * h * 4) throw new Error(`model returned ${rgba.length / 4} pixels, expected ${w}x${h}`);
  return { rgba: new ImageData(rgba, w, h), inferMs };
}

export async function filterFrame(
  reader: FrameReader, model: FrameModel, spec: RunSpec, frame: InputFrame, opts: ProcessOptions = {},
): Promise<ProcessedFrame> {
  const t0 = performance.now();
  const input = reader.read(frame);
  const { rgba, inferMs } = await runModel(model, spec, input);
  const bitmap = await createImageBitmap(rgba);
  return {
    bitmap, width: rgba.width, height: rgba.height,
    timing: { inferMs, totalMs: performance.now() - t0 },
    ...(opts.returnInputPixels ? { inputPixels: input.data } : {}),
  };
}

/**
 * The one place that picks a frame's path: WebGPU keeps frames on the GPU end to end, except
 * when the caller wants the input pixels and for frames large enough to need tiling (those
 * read back per tile); other backends read back once.
 */
export class FramePipeline {
  private reader = new FrameReader();
  private gpu = new GpuFramePath();

  filter(model: FrameModel, spec: RunSpec, frame: InputFrame, opts: ProcessOptions = {}): Promise<ProcessedFrame> {
    const { width, height } = frameSize(frame);
    const onGpu = tf.getBackend() === 'webgpu' && !opts.returnInputPixels && width * height <= TILE_ABOVE_PIXELS;
    return onGpu ? this.gpu.filter(model, spec, frame) : filterFrame(this.reader, model, spec, frame, opts);
  }
}
