// The readback path's one read per frame (or per tile).
import * as tf from '@tensorflow/tfjs';
import { noteReadback } from './readback-counter.js';

/**
 * A tensor's floats on the CPU, read once: on WASM a view into the backend's heap (no copy,
 * 3.8 ms saved per 1280x720 output; valid until the next tfjs call, so use it at once),
 * elsewhere data().
 */
export async function readFloats(t: tf.Tensor): Promise<Float32Array> {
  const backend = tf.backend() as unknown as { typedArrayFromHeap?: (t: tf.TensorInfo) => Float32Array };
  if (tf.getBackend() === 'wasm' && backend.typedArrayFromHeap && t.dtype === 'float32') {
    noteReadback();
    return backend.typedArrayFromHeap(t);
  }
  return (await t.data()) as Float32Array;
}
