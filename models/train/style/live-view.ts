// G as a user sees it live: the worker runs a style at a fraction of the camera's frame and
// guides the look back up to the frame's size (workers/guided-work.ts). A student trained on
// the full-size output alone learned to draw at a scale it never runs at: the Hosoda student
// drew a paler photo at 640x480 through 3/16 (named photo 35 of 36). Trained through this view,
// its loss is taken on what the guided fit makes of its low-resolution picture.
import * as tf from '@tensorflow/tfjs';
import { boxDown } from '../core/losses.js';
import { convValid, depthToSpace } from '../core/ops.js';
import { generate, upsampleSkipKernel, type Generator } from '../core/nets.js';
import { guidedUpsample, reflectPad } from '../imaging/guided.js';
import { GUIDE_RADIUS } from '../../../workers/guided-work.js';

const kernels = new Map<number, tf.Tensor4D>();

/** Bilinear enlargement by a whole factor k (half-pixel centres, as the worker's resizeBilinear), from ops with gradients. */
function enlarge(t: tf.Tensor4D, k: number): tf.Tensor4D {
  if (!kernels.has(k)) kernels.set(k, tf.keep(upsampleSkipKernel(k, 'bilinear')));
  return depthToSpace(convValid(reflectPad(reflectPad(t, 1, 1), 1, 2), kernels.get(k)!, 1, 1), k);
}

/**
 * The crop x [B,H,W,3] averaged over k x k blocks (the worker's box prefilter; Auto's 3/16 of a
 * 640x480 camera is about 1/5), G at that size, and the worker's guided fit back up to H x W
 * (its radius, and the same regularizer as UPSAMPLE_EPS). Sides must divide by 4k.
 */
export function liveView(g: Generator, x: tf.Tensor4D, k: number): tf.Tensor4D {
  const low = boxDown(x, k);
  return guidedUpsample(x, low, generate(g, low), GUIDE_RADIUS, (t) => enlarge(t, k));
}
