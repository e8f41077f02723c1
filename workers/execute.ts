// Runs a filter's graph model on one frame tensor. Filters that downsample inside need frame
// sides that are a multiple of `inputMultiple`: the frame is mirror-padded up to one and the
// output cropped back, so callers never see the constraint.
import * as tf from '@tensorflow/tfjs';
import type { FilterEntry } from './types.js';

/** What a filter model must offer: a graph model, or an adapter around another model (bench peers). */
export interface FrameModel { execute(x: tf.Tensor4D): tf.Tensor | tf.Tensor[] }

export function executeFilter(model: FrameModel, entry: Pick<FilterEntry, 'scale' | 'inputMultiple'>, x: tf.Tensor4D): tf.Tensor4D {
  const m = entry.inputMultiple ?? 1;
  const [, h, w] = x.shape;
  const padH = (m - (h % m)) % m, padW = (m - (w % m)) % m;
  if (!padH && !padW) return model.execute(x) as tf.Tensor4D;
  return tf.tidy(() => {
    const y = model.execute(tf.mirrorPad(x, [[0, 0], [0, padH], [0, padW], [0, 0]], 'symmetric')) as tf.Tensor4D;
    return tf.slice(y, [0, 0, 0, 0], [1, h * entry.scale, w * entry.scale, 3]);
  });
}
