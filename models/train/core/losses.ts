// Losses for the super-resolution GAN, selectable per run. Logits are the PatchGAN's raw
// per-patch scores; every loss is a mean over patches and batch.
import * as tf from '@tensorflow/tfjs';

/**
 * ns: non-saturating (Goodfellow et al.); hinge (as in SAGAN/BigGAN); lsgan: least squares
 * (Mao et al.); ragan: relativistic average (Jolicoeur-Martineau; as in ESRGAN), where D judges
 * whether real patches look more real than the average fake one and vice versa; wgan-gp:
 * Wasserstein critic (Gulrajani et al.), whose gradient penalty is added by discriminatorObjective.
 */
export const GAN_LOSSES = ['ns', 'hinge', 'lsgan', 'ragan', 'wgan-gp'] as const;
export type GanLoss = (typeof GAN_LOSSES)[number];

const mean = (t: tf.Tensor) => tf.mean(t) as tf.Scalar;
const softplusMean = (t: tf.Tensor) => mean(tf.softplus(t));

export function discriminatorLoss(kind: GanLoss, real: tf.Tensor, fake: tf.Tensor): tf.Scalar {
  switch (kind) {
    case 'ns': return tf.add(softplusMean(tf.neg(real)), softplusMean(fake));
    case 'hinge': return tf.add(mean(tf.relu(tf.sub(1, real))), mean(tf.relu(tf.add(1, fake))));
    case 'lsgan': return tf.mul(0.5, tf.add(mean(tf.square(tf.sub(real, 1))), mean(tf.square(fake))));
    case 'ragan': return tf.add(softplusMean(tf.neg(tf.sub(real, tf.mean(fake)))), softplusMean(tf.sub(fake, tf.mean(real))));
    case 'wgan-gp': return tf.sub(mean(fake), mean(real));
  }
}

/** The generator's adversarial loss; `real` (D's logits on real patches) is used by ragan only. */
export function generatorAdvLoss(kind: GanLoss, real: tf.Tensor | null, fake: tf.Tensor): tf.Scalar {
  switch (kind) {
    case 'ns': return softplusMean(tf.neg(fake));
    case 'hinge': return tf.neg(mean(fake));
    case 'lsgan': return tf.mul(0.5, mean(tf.square(tf.sub(fake, 1))));
    case 'ragan': {
      if (!real) throw new Error('ragan needs the real logits');
      return tf.add(softplusMean(tf.neg(tf.sub(fake, tf.mean(real)))), softplusMean(tf.sub(real, tf.mean(fake))));
    }
    case 'wgan-gp': return tf.neg(mean(fake));
  }
}

export type Critic = (x: tf.Tensor4D) => tf.Tensor;

/** Per sample, the squared norm of the gradient of D's mean patch score with respect to its input. */
function inputGradNormSq(critic: Critic, x: tf.Tensor4D): tf.Tensor1D {
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mean(critic(t as tf.Tensor4D), [1, 2, 3])))(x);
  return tf.sum(tf.square(g), [1, 2, 3]) as tf.Tensor1D;
}

/** R1 (Mescheder et al. 2018): half the expected squared input-gradient norm on real data. */
export const r1Penalty = (critic: Critic, real: tf.Tensor4D): tf.Scalar => tf.mul(0.5, mean(inputGradNormSq(critic, real)));

/** WGAN-GP: (|grad D| - 1)^2 at random points between real and generated samples. */
export function gradientPenalty(critic: Critic, real: tf.Tensor4D, fake: tf.Tensor4D, seed: number): tf.Scalar {
  const eps = tf.randomUniform([real.shape[0], 1, 1, 1], 0, 1, 'float32', seed);
  const between = tf.add(tf.mul(real, eps), tf.mul(fake, tf.sub(1, eps))) as tf.Tensor4D;
  return mean(tf.square(tf.sub(tf.sqrt(tf.add(inputGradNormSq(critic, between), 1e-12)), 1)));
}

export interface PenaltyConfig {
  ganLoss: GanLoss;
  /** Weight of the R1 penalty on real data (0 = off). */
  r1Weight: number;
  /** Weight of the WGAN-GP gradient penalty (used with ganLoss wgan-gp). */
  gpWeight: number;
}

/** D's loss with the configured gradient penalties; `seed` draws the WGAN-GP interpolation. */
export function discriminatorObjective(cfg: PenaltyConfig, critic: Critic, real: tf.Tensor4D, fake: tf.Tensor4D, seed: number): tf.Scalar {
  let loss = discriminatorLoss(cfg.ganLoss, critic(real), critic(fake));
  if (cfg.r1Weight > 0) loss = tf.add(loss, tf.mul(r1Penalty(critic, real), cfg.r1Weight));
  if (cfg.ganLoss === 'wgan-gp') loss = tf.add(loss, tf.mul(gradientPenalty(critic, real, fake, seed), cfg.gpWeight));
  return loss;
}

export const l1 = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => mean(tf.abs(tf.sub(a, b)));
export const l2 = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => mean(tf.square(tf.sub(a, b)));

/** L1 between horizontal and vertical image gradients: rewards edges in the right place. */
export function gradientL1(a: tf.Tensor4D, b: tf.Tensor4D): tf.Scalar {
  const [ax, ay] = imageGradients(a), [bx, by] = imageGradients(b);
  return tf.add(l1(ax, bx), l1(ay, by));
}

/**
 * gradientL1 at `scales` scales (the images averaged over 1, 2, 4, ... pixel blocks), the block
 * of side k weighted by k. At full resolution alone, a soft line where the teacher draws a crisp
 * one scores no better than no line (a 2-px line: 0.032 either way), so a student never starts
 * to draw: distilled anime came out a paler photo, its gradient term at 0.036-0.039 over 300
 * steps on four fixed crops. The coarse scales reward the soft line (0.053 against 0.242 with
 * three); with three the student drew the teacher's outlined eyes and nose on the same crops.
 */
export function multiScaleGradientL1(a: tf.Tensor4D, b: tf.Tensor4D, scales: number): tf.Scalar {
  const terms = Array.from({ length: scales }, (_, i) => {
    const k = 2 ** i;
    return tf.mul(k === 1 ? gradientL1(a, b) : gradientL1(boxDown(a, k), boxDown(b, k)), k);
  });
  return tf.addN(terms) as tf.Scalar;
}

/**
 * L1 between image gradients across the lines of a `period`-pixel grid only: a video codec's
 * block borders (8 low-resolution pixels, so 16 output pixels at x2). A network that learns to
 * sharpen codec input sharpens these steps too, which is blocking; this term asks for the
 * truth's step there, no more and no less. Batches must be grid-aligned (data.ts: codec crops).
 */
export function gridGradientL1(a: tf.Tensor4D, b: tf.Tensor4D, period: number): tf.Scalar {
  return tf.tidy(() => {
    const [ax, ay] = imageGradients(a), [bx, by] = imageGradients(b);
    const [, h, w] = a.shape;
    // Difference i spans pixels i and i + 1: a border lies between k * period - 1 and k * period.
    const lines = (n: number) => Array.from({ length: n - 1 }, (_, i) => ((i + 1) % period === 0 ? 1 : 0));
    const mx = lines(w), my = lines(h);
    const across = (d: tf.Tensor4D, mask: number[], shape: [number, number, number, number]) =>
      tf.div(mean(tf.mul(tf.abs(d), tf.tensor4d(mask, shape))), mask.reduce((s, v) => s + v, 0) / mask.length);
    return tf.add(across(tf.sub(ax, bx), mx, [1, 1, w - 1, 1]), across(tf.sub(ay, by), my, [1, h - 1, 1, 1])) as tf.Scalar;
  });
}

/** Horizontal and vertical forward differences. */
function imageGradients(t: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D] {
  const [, h, w] = t.shape;
  return [
    tf.sub(tf.slice(t, [0, 0, 1, 0], [-1, h, w - 1, -1]), tf.slice(t, [0, 0, 0, 0], [-1, h, w - 1, -1])),
    tf.sub(tf.slice(t, [0, 1, 0, 0], [-1, h - 1, w, -1]), tf.slice(t, [0, 0, 0, 0], [-1, h - 1, w, -1])),
  ];
}

// Content preservation for the unpaired style filters (no pretrained feature network here):
// layout and colours at a coarse scale, edges at half resolution, so textures may change.
// Squared errors, not L1: G starts as the identity, and L1's constant pull at zero error
// would hold it there against the adversarial gradient.

const mse = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => mean(tf.square(tf.sub(a, b)));

const LUMA = [0.299, 0.587, 0.114];

export const luma = (x: tf.Tensor4D): tf.Tensor4D => tf.sum(tf.mul(x, tf.tensor1d(LUMA)), 3, true) as tf.Tensor4D;

/** k x k box average by reshape and mean (differentiable on every backend); sides must divide by k. */
export function boxDown(x: tf.Tensor4D, k: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return tf.mean(tf.reshape(x, [b, h / k, k, w / k, k, c]), [2, 4]) as tf.Tensor4D;
}

/**
 * Edges of the luma, box-averaged by `scale` (2: half resolution), stay where they were; finer
 * texture is free to change.
 */
export function structureL2(out: tf.Tensor4D, input: tf.Tensor4D, scale = 2): tf.Scalar {
  const [ax, ay] = imageGradients(boxDown(luma(out), scale)), [bx, by] = imageGradients(boxDown(luma(input), scale));
  return tf.add(mse(ax, bx), mse(ay, by));
}

/** Colours averaged over 8x8 blocks stay close: the filter restyles, it does not repaint. */
export const colorL2 = (out: tf.Tensor4D, input: tf.Tensor4D): tf.Scalar => mse(boxDown(out, 8), boxDown(input, 8));

/** BT.601 chroma (U, V) of RGB. */
const chroma = (x: tf.Tensor4D): tf.Tensor4D => tf.matMul(tf.reshape(x, [-1, 3]), tf.tensor2d([[-0.147, 0.615], [-0.289, -0.515], [0.436, -0.100]])).reshape([...x.shape.slice(0, 3), 2]) as tf.Tensor4D;

/**
 * Hue kept, shading free: the chroma (YUV's U and V) averaged over 4x4 blocks stays close to the
 * photo's, while luma may change (AnimeGAN's colour loss keeps Y and UV apart the same way), so
 * green foliage stays green under a style that re-shades it.
 */
export const chromaL2 = (out: tf.Tensor4D, input: tf.Tensor4D): tf.Scalar => mse(boxDown(chroma(out), 4), boxDown(chroma(input), 4));

/** Grey copies of RGB images (luma in all three channels). */
export const grey = (x: tf.Tensor4D): tf.Tensor4D => tf.tile(luma(x), [1, 1, 1, 3]) as tf.Tensor4D;

/**
 * Temporal stability: the output of the input moved by (dy, dx) pixels (0..3) plus a fraction
 * (fy, fx) in [0, 1) must be the moved output. Networks that downsample by 4 are not
 * shift-equivariant on their own; this trains away the shimmer a panning video would show. A
 * pan moves by fractions of a pixel per frame, hence the bilinear part. A margin skips the
 * borders' padding.
 */
export function shiftL2(generate: (x: tf.Tensor4D) => tf.Tensor4D, input: tf.Tensor4D, out: tf.Tensor4D, dy: number, dx: number, frac: [number, number] = [0, 0], margin = 8): tf.Scalar {
  const [, h, w] = input.shape;
  const move = (t: tf.Tensor4D) => translate(t, dy, dx, frac, h - 4, w - 4);
  const region = (t: tf.Tensor4D) => tf.slice(t, [0, margin, margin, 0], [-1, h - 4 - 2 * margin, w - 4 - 2 * margin, -1]);
  return mse(region(generate(move(input))), region(move(out)));
}

/** The h x w window of t starting (dy + fy, dx + fx) pixels in, bilinearly interpolated (slices only: differentiable on wasm). */
function translate(t: tf.Tensor4D, dy: number, dx: number, [fy, fx]: [number, number], h: number, w: number): tf.Tensor4D {
  const taps = [[0, 0, (1 - fy) * (1 - fx)], [0, 1, (1 - fy) * fx], [1, 0, fy * (1 - fx)], [1, 1, fy * fx]].filter(([, , k]) => k > 0);
  return tf.addN(taps.map(([a, b, k]) => tf.mul(tf.slice(t, [0, dy + a, dx + b, 0], [-1, h, w, -1]), k))) as tf.Tensor4D;
}

/**
 * Edge-preserving flattening: `rounds` of a 5x5 bilateral filter (range sigma in [0,1] colour
 * units). Smooth regions and fine texture go flat, edges stay: the cel-shaded surface that
 * White-box Cartoonization (Wang & Yu 2020) supervises its generator with, without superpixels.
 */
export function flatten(x: tf.Tensor4D, rounds = 3, sigmaRange = 0.1): tf.Tensor4D {
  return tf.tidy(() => {
    const r = 2, [, h, w] = x.shape;
    let y = x;
    for (let round = 0; round < rounds; round++) {
      const padded = tf.mirrorPad(y, [[0, 0], [r, r], [r, r], [0, 0]], 'reflect');
      const parts: tf.Tensor4D[] = [], weights: tf.Tensor4D[] = [];
      for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
        const near = tf.slice(padded, [0, r + dy, r + dx, 0], [-1, h, w, -1]);
        const diff = tf.sum(tf.square(tf.sub(near, y)), 3, true);
        const weight = tf.mul(tf.exp(tf.div(diff, -2 * sigmaRange * sigmaRange)), Math.exp(-(dy * dy + dx * dx) / 8)) as tf.Tensor4D;
        parts.push(tf.mul(near, weight));
        weights.push(weight);
      }
      y = tf.div(tf.addN(parts), tf.addN(weights)) as tf.Tensor4D;
    }
    return y;
  });
}

/**
 * Cel shading: the output's full-resolution luma gradients match the flattened photo's
 * (`flat` = flatten(photo), computed once per step), so fills go flat and edges stay crisp,
 * while colours are left to the adversarial and colour losses.
 */
export const flatStructureL2 = (out: tf.Tensor4D, flat: tf.Tensor4D): tf.Scalar => structureL2(out, flat, 1);
