// A style generator's fixed last stage, after the guided filter: what makes a cartoon a cartoon
// and a painting a painting, written as fixed image operations that the generator is trained
// through (as White-box Cartoonization trains through its guided filter). The generator learns
// the palette, shading and texture toward the style set; the stage guarantees the drawing:
//  - cartoon: the luma in five soft bands (flat fills) and bold dark outlines where the luma's
//    difference of Gaussians dips (XDoG);
//  - anime: three softer cel-shading bands, cooler shadows, a lifted palette and thin lines;
//  - painting: a soft Kuwahara filter (each pixel the weighted mean of the four quadrants around
//    it, flatter quadrants weighing more): flat patches of paint with crisp borders, a little
//    more colour, and the patches' edges raised as relief, like thick paint catching the light.
// Every operation is a convolution with a fixed kernel, a pooling, or elementwise, so the same
// formula runs in training (tf ops, differentiable on wasm) and in the exported graph (export.ts),
// on every backend. Shift-equivariant by construction: it adds no shimmer to a pan.
import * as tf from '@tensorflow/tfjs';
import { guidedFormula } from './guided.js';
import { KUWAHARA_WEIGHTS, gaussianTaps, lineMap, softKuwahara, type LineParams } from '../../../workers/outlines.js';

export const LOOKS = ['cartoon', 'anime', 'painting'] as const;
export type Look = (typeof LOOKS)[number];

/** The operations a look is written in; `T` is a tensor in training and a graph node name in export. */
export interface LookOps<T> {
  /** BT.601 luma of RGB: one channel. */
  luma(x: T): T;
  /** Gaussian blur of one channel, mirrored borders. */
  blur(y: T, sigma: number): T;
  /** Mean over the (2r+1)^2 window around each pixel, mirrored borders. */
  box(x: T, r: number): T;
  /** Mean over the (r+1)^2 window whose corner is the pixel, toward quadrant q (0: up-left, 1: up-right, 2: down-left, 3: down-right), mirrored borders. */
  quadrant(x: T, r: number, q: number): T;
  sigmoid(t: T): T;
  mul(a: T, b: T): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  div(a: T, b: T): T;
  /** A scalar, or one value per colour channel. */
  constant(v: number | number[]): T;
}

/**
 * Outlines: blur sigma, the dip of the difference of Gaussians (luma units) where a line starts,
 * its steepness, and how dark a line is. (XDoG's usual form, a blur minus 0.98 of a wider one,
 * is positive on flat areas too: it darkened every flat patch by 13% in white and 40% in the
 * shadows, greying the picture.) Anime's lines at sigma 0.8 and dip 0.02 turned noisy foliage
 * into dark speckle; at 1.0 and 0.03 they keep to real edges (with the flattening below, the
 * shipped network's flicker on the pan clip went 0.82 -> 0.62).
 */
export const LINES: Record<'cartoon' | 'anime', LineParams> = { cartoon: { sigma: 1.2, dip: 0.015, phi: 250, strength: 0.9 }, anime: { sigma: 1.0, dip: 0.03, phi: 200, strength: 0.6 } };
/** The smallest luma the band ratio divides by. */
const BAND_FLOOR = 0.02;
const BANDS = { cartoon: { k: 5, sharpness: 60 }, anime: { k: 3, sharpness: 45 } };
/** Saturation: colours pushed away from their grey by this factor. */
const SATURATION = { cartoon: 1.3, anime: 1.4 };
/** Edge-preserving flattening before the drawing: guided-filter passes (radius, epsilon) on the colours (anime: two, for flat cel fills). */
const FLATTEN = { cartoon: [{ r: 2, eps: 0.02 }, { r: 2, eps: 0.02 }], anime: [{ r: 2, eps: 0.01 }, { r: 2, eps: 0.01 }] };

/**
 * Soft Kuwahara (outlines.ts softKuwahara, whose weights are KUWAHARA_WEIGHTS): radius; each
 * quadrant weighs (eps / (variance + eps))^2, so the flattest quadrant mostly wins. On the pan
 * clip after a radius-4 guided stage, the power 4 flickered 0.71 and the power 2 0.63 (1 = the
 * clip), with the same patches to the eye. Then
 * saturation, and relief: the luma's detail above a Gaussian blur, added back; relief 2 made the
 * patches' edges sparkle as they moved (flicker 0.61, 0.53 at 0.9, the paint still raised). Each
 * quadrant's weight map is blurred (Gaussian, sigma 1) before the weights are normalised: the
 * patches' borders round off instead of following the square quadrants in steps (the stage alone
 * on the pan clip flickered 0.54 -> 0.49; sigma 2 blurred the paint). Radius 4 blurred
 * faces past reading at 256x256; exp(-variance / 0.002) weights averaged the four quadrants
 * wherever the photo had texture, a 7x7 blur the trained network then made worse.
 */
const KUWAHARA = { r: 3, saturation: 1.15, relief: 0.9, reliefSigma: 1 };

/**
 * The luma put in k soft bands, the top one white: (0.5 + sum of k-1 sigmoid steps) / (k - 0.5).
 * (Bands at their centres, 0.5/k to 1 - 0.5/k, turned white paper grey, and the trained
 * network then tinted it to make up.)
 */
function bands<T>(l: T, o: LookOps<T>, p: { k: number; sharpness: number }): T {
  let sum = o.constant(0.5);
  for (let i = 1; i < p.k; i++) sum = o.add(sum, o.sigmoid(o.mul(o.sub(l, o.constant(i / p.k)), o.constant(p.sharpness))));
  return o.mul(sum, o.constant(1 / (p.k - 0.5)));
}

export function lookFormula<T>(look: Look, y: T, o: LookOps<T>): T {
  if (look === 'painting') {
    const paint = softKuwahara(o.luma(y), y, KUWAHARA.r, o), pl = o.luma(paint);
    const vivid = o.add(pl, o.mul(o.sub(paint, pl), o.constant(KUWAHARA.saturation)));
    return o.add(vivid, o.mul(o.sub(pl, o.blur(pl, KUWAHARA.reliefSigma)), o.constant(KUWAHARA.relief)));
  }
  // Outlines from the luma before flattening (the flattening softens the edges they sit on).
  const drawn = lineMap(o.luma(y), o, LINES[look]);
  for (const { r, eps } of FLATTEN[look]) {
    y = guidedFormula(y, { box: (t) => o.box(t, r), mul: o.mul, sub: o.sub, div: o.div, add: o.add, addEps: (t) => o.add(t, o.constant(eps)) });
  }
  const l = o.luma(y);
  const vivid = o.add(l, o.mul(o.sub(y, l), o.constant(SATURATION[look])));
  // Colours scaled with the banded luma keep their hue: flat fills in steps of light. The ratio's
  // floor of 0.02 (not 0.001) bounds its gradient near black, where training blew up twice
  // (outputs all black, or the photo lost) within 100 steps of looking right.
  let out = o.mul(vivid, o.div(bands(l, o, BANDS[look]), o.add(l, o.constant(BAND_FLOOR))));
  if (look === 'anime') {
    // A lifted palette with cooler shadows.
    const shadow = o.sigmoid(o.mul(o.sub(o.constant(0.45), l), o.constant(12)));
    out = o.add(o.mul(out, o.constant(0.9)), o.constant(0.08));
    out = o.mul(out, o.add(o.mul(o.constant([-0.14, -0.1, 0.12]), shadow), o.constant(1)));
  }
  return o.mul(out, o.sub(o.constant(1), o.mul(drawn, o.constant(LINES[look].strength))));
}

/** Adds and multiplies per pixel of a look (for the registry's cost figure). */
export function lookOpsPerPixel(look: Look): number {
  const taps = (sigma: number) => 2 * (2 * Math.ceil(3 * sigma) + 1);
  if (look === 'painting') return 3 + 4 * (3 * 2 * (KUWAHARA.r + 1) + 2 * 2 * (KUWAHARA.r + 1) + 12 + taps(KUWAHARA_WEIGHTS.weightSigma)) + 3 + 9 + taps(KUWAHARA.reliefSigma) + 6;
  const p = LINES[look];
  const flatten = FLATTEN[look].reduce((n, { r }) => n + 3 * (4 * 2 * (2 * r + 1) + 9), 0);
  return flatten + 3 + taps(p.sigma) + taps(1.6 * p.sigma) + 4 * BANDS[look].k + 18 + (look === 'anime' ? 12 : 0);
}

/** Reflect padding on one side of one axis (1: rows, 2: columns), from slices and reverses (exact gradients at the border). */
function reflectSide(x: tf.Tensor4D, r: number, axis: 1 | 2, before: boolean): tf.Tensor4D {
  const n = x.shape[axis];
  const part = (start: number) => tf.reverse(tf.slice(x, axis === 1 ? [0, start, 0, 0] : [0, 0, start, 0], axis === 1 ? [-1, r, -1, -1] : [-1, -1, r, -1]), axis);
  return tf.concat(before ? [part(1), x] : [x, part(n - 1 - r)], axis) as tf.Tensor4D;
}

/** Weighted sum of `weights.length` shifted slices along one axis of a tensor padded by `before` and `after`. */
function taps(x: tf.Tensor4D, axis: 1 | 2, before: number, after: number, weights: number[]): tf.Tensor4D {
  let p = x;
  if (before) p = reflectSide(p, before, axis, true);
  if (after) p = reflectSide(p, after, axis, false);
  const size = x.shape[axis];
  return tf.addN(weights.map((w, i) => tf.mul(tf.slice(p, axis === 1 ? [0, i, 0, 0] : [0, 0, i, 0], axis === 1 ? [-1, size, -1, -1] : [-1, -1, size, -1]), w))) as tf.Tensor4D;
}

/** The look's operations on tensors, for training (every op has a gradient on wasm). */
export const trainingLookOps: LookOps<tf.Tensor4D> = {
  luma: (x) => tf.sum(tf.mul(x, tf.tensor1d([0.299, 0.587, 0.114])), 3, true) as tf.Tensor4D,
  blur: (y, sigma) => {
    const w = gaussianTaps(sigma), r = (w.length - 1) / 2;
    return taps(taps(y, 1, r, r, w), 2, r, r, w);
  },
  box: (x, r) => {
    const w = new Array(2 * r + 1).fill(1 / (2 * r + 1));
    return taps(taps(x, 1, r, r, w), 2, r, r, w);
  },
  quadrant: (x, r, q) => {
    const w = new Array(r + 1).fill(1 / (r + 1));
    const up = q < 2, left = q % 2 === 0;
    return taps(taps(x, 1, up ? r : 0, up ? 0 : r, w), 2, left ? r : 0, left ? 0 : r, w);
  },
  sigmoid: (t) => tf.sigmoid(t),
  mul: (a, b) => tf.mul(a, b),
  add: (a, b) => tf.add(a, b),
  sub: (a, b) => tf.sub(a, b),
  div: (a, b) => tf.div(a, b),
  constant: (v) => (Array.isArray(v) ? tf.tensor1d(v) : tf.scalar(v)) as unknown as tf.Tensor4D,
};

export const applyLook = (look: Look, x: tf.Tensor4D): tf.Tensor4D => lookFormula(look, x, trainingLookOps);
