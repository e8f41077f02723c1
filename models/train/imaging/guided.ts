// The style generator's optional last stage: a fixed, self-guided edge-preserving filter (He et
// al., "Guided Image Filtering", 2010), as White-box Cartoonization applies one to its
// generator's output. Inside a window of radius r, regions whose variance is small next to EPS
// become their local mean (flat fills, no photo grain) while strong edges pass unchanged. G is
// trained through it, so it learns to draw what survives: edges, outlines, colour regions.
import * as tf from '@tensorflow/tfjs';

/** Variance (in [0,1] colour units squared) below which a window is flattened: a 0.1 (25-level) spread. */
export const GUIDED_EPS = 0.01;

/**
 * Per channel, with box(.) the mean over a (2r+1)^2 window:
 * m = box(y), v = box(y^2) - m^2, a = v / (v + EPS), b = m - a m, out = box(a) y + box(b).
 * `box` is passed in, so training (slices: differentiable on wasm) and the exported graph
 * (MirrorPad + AvgPool nodes, export.ts) share this one formula.
 */
export interface GuidedOps<T> { box: (t: T) => T; mul: (a: T, b: T) => T; sub: (a: T, b: T) => T; div: (a: T, b: T) => T; add: (a: T, b: T) => T; addEps: (t: T) => T }

export function guidedFormula<T>(y: T, ops: GuidedOps<T>): T {
  const m = ops.box(y), v = ops.sub(ops.box(ops.mul(y, y)), ops.mul(m, m));
  const a = ops.div(v, ops.addEps(v)), b = ops.sub(m, ops.mul(a, m));
  return ops.add(ops.mul(ops.box(a), y), ops.box(b));
}

/** Reflect-padded by r along `axis` (1: rows, 2: columns), from slices and reverses, whose gradients are exact (tf.mirrorPad's is not at the border). */
export function reflectPad(x: tf.Tensor4D, r: number, axis: 1 | 2): tf.Tensor4D {
  const n = x.shape[axis];
  const part = (start: number) => tf.reverse(tf.slice(x, axis === 1 ? [0, start, 0, 0] : [0, 0, start, 0], axis === 1 ? [-1, r, -1, -1] : [-1, -1, r, -1]), axis);
  return tf.concat([part(1), x, part(n - 1 - r)], axis);
}

/** Mean over a (2r+1)^2 window, mirrored at the borders, as two 1-D passes of shifted slices. */
function trainingBox(x: tf.Tensor4D, r: number): tf.Tensor4D {
  const pass = (t: tf.Tensor4D, axis: 1 | 2) => {
    const p = reflectPad(t, r, axis), size = t.shape[axis];
    const taps = Array.from({ length: 2 * r + 1 }, (_, i) => tf.slice(p, axis === 1 ? [0, i, 0, 0] : [0, 0, i, 0], axis === 1 ? [-1, size, -1, -1] : [-1, -1, size, -1]));
    return tf.div(tf.addN(taps), 2 * r + 1) as tf.Tensor4D;
  };
  return pass(pass(x, 1), 2);
}

/** Training-time guided stage on [B,H,W,3]. */
export const guidedFilter = (x: tf.Tensor4D, r: number): tf.Tensor4D => guidedFormula(x, trainingOps(r, GUIDED_EPS));

/** The training-time ops of the guided stages (`r`: box radius; `eps`: the fit's regularizer). */
const trainingOps = (r: number, eps: number): GuidedOps<tf.Tensor4D> => ({
  box: (t) => trainingBox(t, r), mul: (a, b) => tf.mul(a, b), sub: (a, b) => tf.sub(a, b), div: (a, b) => tf.div(a, b),
  add: (a, b) => tf.add(a, b), addEps: (t) => tf.add(t, eps),
});

/** Adds and multiplies per input pixel: four separable boxes and nine elementwise ops, on 3 channels. */
export const guidedOpsPerPixel = (r: number): number => 3 * (4 * 2 * (2 * r + 1) + 9);

/** Regularizer of the upsampling's local linear fits: a 2.5-level spread; texture the output does not follow gets no coefficient. */
export const UPSAMPLE_EPS = 1e-4;

/** The operations the guided upsampling is written in: the guided filter's, and a 2x upsampling. */
export type UpsampleOps<T> = GuidedOps<T> & { up: (t: T) => T };

/**
 * Fast guided upsampling (Wu et al., "Fast End-to-End Trainable Guided Filter", CVPR 2018): a
 * look computed at half resolution comes back at full resolution with the input's own edges.
 * Per channel, in each window of the half-resolution input x and output y: y ≈ a·x + b (the
 * least-squares fit, regularized by UPSAMPLE_EPS); a and b averaged over the windows, upsampled
 * twice, and applied to the full-resolution input. Flat where the output is flat (a ≈ 0, so
 * photo texture goes), an edge as sharp as the input's where the output follows it.
 */
export function guidedUpsampleFormula<T>(xFull: T, xLow: T, yLow: T, ops: UpsampleOps<T>): T {
  const mx = ops.box(xLow), my = ops.box(yLow);
  const cov = ops.sub(ops.box(ops.mul(xLow, yLow)), ops.mul(mx, my));
  const v = ops.sub(ops.box(ops.mul(xLow, xLow)), ops.mul(mx, mx));
  const a = ops.div(cov, ops.addEps(v)), b = ops.sub(my, ops.mul(a, mx));
  return ops.add(ops.mul(ops.up(ops.box(a)), xFull), ops.up(ops.box(b)));
}

/**
 * Adds and multiplies per full-resolution pixel of the guided upsampling with radius r at half
 * resolution: six separable boxes and eleven elementwise ops on 3 channels at a quarter of the
 * pixels, two 3x3 upsampling convolutions (3 -> 12) there, and a multiply-add at full resolution.
 */
export const guidedUpsampleOpsPerPixel = (r: number): number => Math.round((3 * (6 * 2 * (2 * r + 1) + 11) + 2 * 9 * 3 * 12) / 4 + 3 * 2);

/**
 * The guided upsampling in tensors: `up` is the exported graph's own (a fixed bilinear kernel
 * and DepthToSpace over a mirrored border, nets.ts), so this computes what the filter ships.
 */
export const guidedUpsample = (xFull: tf.Tensor4D, xLow: tf.Tensor4D, yLow: tf.Tensor4D, r: number, up: (t: tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D =>
  guidedUpsampleFormula(xFull, xLow, yLow, { ...trainingOps(r, UPSAMPLE_EPS), up });
