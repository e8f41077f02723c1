// The WebGPU frame path without CPU round trips: the frame is copied GPU-side into a texture
// (tf.browser.fromPixels -> copyExternalImageToTexture), becomes a float tensor there, runs
// through the filter, and the output tensor is drawn by a compute shader straight into the
// worker's OffscreenCanvas (tf.browser.draw), which hands over an ImageBitmap. No data(),
// dataSync() or mapAsync per frame.
import * as tf from '@tensorflow/tfjs';
import type { RunSpec } from './chain.js';
import { frameRun, type FrameModel } from './execute.js';
import { checkFrameSize } from './pixels.js';
import type { FilteredFrame, InputFrame, ProcessOptions } from './types.js';

export class GpuFramePath {
  private canvas = new OffscreenCanvas(1, 1);

  async filter(model: FrameModel, spec: RunSpec, frame: InputFrame, opts: ProcessOptions = {}): Promise<FilteredFrame> {
    const t0 = performance.now();
    let bitmap: ImageBitmap;
    try {
      bitmap = frame instanceof ImageBitmap ? frame : await createImageBitmap(frame);
    } finally {
      if (!(frame instanceof ImageBitmap)) frame.close();
    }
    let out: tf.Tensor3D;
    try {
      checkFrameSize(bitmap.width, bitmap.height);
      out = tf.tidy(() => {
        // fromPixels is int32 on WebGPU; make it float at once (int32 transposes are broken in 4.22).
        const x = tf.expandDims(tf.div(tf.cast(tf.browser.fromPixels(bitmap), 'float32'), 255), 0) as tf.Tensor4D;
        return tf.squeeze(tf.clipByValue(frameRun(model, spec, false, opts.workScale, opts.wholeRows).execute(x), 0, 1), [0]) as tf.Tensor3D;
      });
    } finally {
      bitmap.close();
    }
    const inferMs = performance.now() - t0;
    try {
      tf.browser.draw(out, this.canvas as unknown as HTMLCanvasElement);
      // Drawing to a canvas texture usually submits the GPU work itself; make sure it is.
      const gpu = tf.backend() as unknown as { commandEncoder?: unknown; submitQueue?: () => void };
      if (gpu.commandEncoder) gpu.submitQueue?.();
    } finally {
      out.dispose();
    }
    const result = this.canvas.transferToImageBitmap();
    // inferMs is the time to queue the GPU work: waiting for it would need a readback.
    return { image: result, width: result.width, height: result.height, timing: { inferMs, totalMs: performance.now() - t0 } };
  }
}
