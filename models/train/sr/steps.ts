// One training step's loss and gradients on one (half) batch. Shared by the trainer's own
// thread and the second-core gradient worker (grad-worker.ts), so both compute the same thing.
import * as tf from '@tensorflow/tfjs';
import { discriminatorObjective, generatorAdvLoss, gradientL1, gridGradientL1, l1, l2, type PenaltyConfig } from '../core/losses.js';
import { CODEC_BLOCK } from '../core/data.js';
import { discriminate, generate, skipUpsample, variablesOf, type ConvLayer, type Generator } from '../core/nets.js';

/** l1: generator content-only step; d: discriminator step; g: generator adversarial step. */
export type StepKind = 'l1' | 'd' | 'g';

/**
 * What D judges: the image, or only the detail G adds over the fixed upsampling of the same
 * low-resolution input (image minus skip, times RESIDUAL_GAIN). The residual view leaves D
 * nothing to judge but texture, so its gradient asks G for detail rather than colour or tone.
 */
export type DiscriminatorView = 'image' | 'residual';
const RESIDUAL_GAIN = 4;

export interface LossConfig extends PenaltyConfig {
  advWeight: number;
  gradWeight: number;
  /** Weight of the gradient L1 across the codec's block borders (losses.ts gridGradientL1); 0 = off. */
  blockWeight?: number;
  /**
   * The content loss: l1, or l2 (what PSNR measures: the mean, where L1 learns the median of
   * what a compressed input may have been), times 10 to keep its gradients near L1's. Logged as
   * "l1" either way.
   */
  pixelLoss?: 'l1' | 'l2';
  dView?: DiscriminatorView;
}

export interface StepLosses { l1?: number; adv?: number; d?: number }

export interface StepGrads { grads: tf.Tensor[]; losses: StepLosses }

export const stepVariables = (kind: StepKind, g: Generator, d: ConvLayer[]): tf.Variable[] =>
  kind === 'd' ? variablesOf(d) : variablesOf(g.layers);

/** Gradients ordered as stepVariables(kind); the caller disposes them. `seed` feeds the step's random draws. */
export function stepGrads(kind: StepKind, g: Generator, d: ConvLayer[], lr: tf.Tensor4D, hr: tf.Tensor4D, cfg: LossConfig, seed: number): StepGrads {
  const losses: StepLosses = {};
  const content = (sr: tf.Tensor4D) => {
    let loss = cfg.pixelLoss === 'l2' ? tf.mul(l2(sr, hr), 10) : l1(sr, hr);
    losses.l1 = loss.dataSync()[0];
    if (cfg.gradWeight > 0) loss = tf.add(loss, tf.mul(gradientL1(sr, hr), cfg.gradWeight));
    if (cfg.blockWeight) loss = tf.add(loss, tf.mul(gridGradientL1(sr, hr, CODEC_BLOCK * (hr.shape[1] / lr.shape[1])), cfg.blockWeight));
    return loss;
  };
  const base = kind !== 'l1' && cfg.dView === 'residual' ? tf.tidy(() => skipUpsample(g, lr)) : null;
  // D's input: the image, or its detail over the fixed upsampling (re-centred on 0.5, as images are).
  const view = (x: tf.Tensor4D) => (base ? tf.add(tf.mul(tf.sub(x, base), RESIDUAL_GAIN), 0.5) as tf.Tensor4D : x);
  const fake = kind === 'd' ? tf.tidy(() => view(generate(g, lr))) : null;
  const vars = stepVariables(kind, g, d);
  const { value, grads } = tf.variableGrads(() => {
    if (kind === 'l1') return content(generate(g, lr)) as tf.Scalar;
    if (kind === 'd') {
      const loss = discriminatorObjective(cfg, (x) => discriminate(d, x), view(hr), fake!, seed);
      losses.d = loss.dataSync()[0];
      return loss;
    }
    const sr = generate(g, lr);
    const real = cfg.ganLoss === 'ragan' ? discriminate(d, view(hr)) : null;
    const adv = generatorAdvLoss(cfg.ganLoss, real, discriminate(d, view(sr)));
    losses.adv = adv.dataSync()[0];
    return tf.add(content(sr), tf.mul(adv, cfg.advWeight)) as tf.Scalar;
  }, vars);
  tf.dispose([value, fake ?? [], base ?? []]);
  return { grads: vars.map((v) => grads[v.name]), losses };
}
