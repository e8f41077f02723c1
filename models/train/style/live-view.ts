// G as a user sees it live: the worker runs a style at a fraction of the camera's frame and
// guides the look back up to the frame's size (workers/guided-work.ts). A student trained on
// the full-size output alone learns to draw at a scale it never runs at (the Hosoda student was
// named photo 35 of 36 through the live path). Trained this way (--live-work), its teacher term
// compares its picture at the working size with the teacher's averaged to that size (the guided
// fit of that average is what a perfect student would show), and the `live` term what the guided
// fit makes of it with the teacher's full-size picture. The lite student did not learn the Hosoda
// teacher this way either (models/README.md, "Trained through the live view").
import * as tf from '@tensorflow/tfjs';
import { boxDown } from '../core/losses.js';
import { convValid, depthToSpace } from '../core/ops.js';
import { generate, upsampleSkipKernel, type Generator } from '../core/nets.js';
import { guidedUpsample, reflectPad } from '../imaging/guided.js';
import { GUIDE_RADIUS } from '../../../workers/guided-work.js';

const kernels = new Map<number, tf.Tensor4D>();

/** Bilinear enlargement by a whole factor k from ops with gradients: the worker's resizeBilinear (half-pixel centres) inside the frame; at its edge a mirrored border, where resizeBilinear clamps. */
function enlarge(t: tf.Tensor4D, k: number): tf.Tensor4D {
  if (!kernels.has(k)) kernels.set(k, tf.keep(upsampleSkipKernel(k, 'bilinear')));
  return depthToSpace(convValid(reflectPad(reflectPad(t, 1, 1), 1, 2), kernels.get(k)!, 1, 1), k);
}

/**
 * The crop x [B,H,W,3] averaged over k x k blocks (the worker's box prefilter; Auto's 3/16 of a
 * 640x480 camera is about 1/5), G's picture at that size (`low`), and the worker's guided fit
 * back up to H x W (`shown`: its radius, and the same regularizer as UPSAMPLE_EPS). Sides must
 * divide by 4k.
 */
export function livePictures(g: Generator, x: tf.Tensor4D, k: number): { low: tf.Tensor4D; shown: tf.Tensor4D } {
  const small = boxDown(x, k), low = generate(g, small);
  return { low, shown: guidedUpsample(x, small, low, GUIDE_RADIUS, (t) => enlarge(t, k)) };
}

/** What the worker shows of G on x run at 1/k. */
export const liveView = (g: Generator, x: tf.Tensor4D, k: number): tf.Tensor4D => livePictures(g, x, k).shown;

/** G as training judges it: at the crop's size (`liveWork` 0 or 1), or as the worker shows it run at 1/liveWork. */
export const shownBy = (g: Generator, liveWork: number) => (x: tf.Tensor4D): tf.Tensor4D => (liveWork > 1 ? liveView(g, x, liveWork) : generate(g, x));
