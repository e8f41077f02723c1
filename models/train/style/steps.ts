// One step of the unpaired style GAN: D learns style-image patches vs generated ones; G learns
// to fool D while keeping the photo's structure, coarse colours and shift-equivariance.
import * as tf from '@tensorflow/tfjs';
import { boxDown, chromaL2, colorL2, discriminatorObjective, flatStructureL2, flatten, generatorAdvLoss, grey, l1, multiScaleGradientL1, shiftL2, structureL2, type PenaltyConfig } from '../core/losses.js';
import { teach, type Teacher } from './teachers.js';
import { discriminate, generate, variablesOf, type ConvLayer, type Generator } from '../core/nets.js';
import { textureL2, type TextureNet } from './texture.js';
import { livePictures, shownBy } from './live-view.js';

export interface StyleLossConfig extends PenaltyConfig {
  advWeight: number; structureWeight: number; colorWeight: number; shiftWeight: number;
  /** Box size the structure loss averages luma over before comparing its gradients. */
  structureScale: number;
  /** Weight of softened style images as extra fakes for D (0 = off). */
  softFakesWeight: number;
  /** Weight of the full-resolution structure match to the flattened photo (losses.ts flatStructureL2; 0 = off). */
  flatWeight: number;
  /** Weight of grey copies of the style images as extra fakes for D (AnimeGAN): the style's colours are part of it. */
  greyFakesWeight: number;
  /** Weight of the random-feature Gram loss toward the style set's texture (texture.ts; 0 = off). */
  textureWeight: number;
  /** Weight of the block chroma match to the photo (losses.ts chromaL2; 0 = off). */
  chromaWeight: number;
  /** Weight of "grey in, grey out": the chroma of G's output for a grey copy of the photo (0 = off). */
  neutralWeight: number;
  /** A procedural teacher whose picture of each photo crop G learns toward (teachers.ts); '' = none. */
  teacher: Teacher | '';
  /** Weight of the teacher term: L1 on the pixels and on their gradients. */
  teacherWeight: number;
  /** Scales the teacher term compares gradients at (losses.ts multiScaleGradientL1): 1 = full resolution only. */
  teacherScales: number;
  /** 0: G judged at the crop's size; k > 1: as the live path shows it, run at 1/k and guided back up (live-view.ts). */
  liveWork: number;
  /** With liveWork: weight of the teacher term on the picture the worker shows (the teacher term itself compares at the working size). */
  liveWeight: number;
}

/** The random texture network and the style set's Grams it is compared with (texture.ts). */
export interface TextureTarget { net: TextureNet; grams: tf.Tensor2D[] }

/**
 * Style images blurred by a 5x5 binomial kernel (mirrored borders). As extra fakes (CartoonGAN,
 * AnimeGAN's edge-smoothed images) they teach D that the style's crisp edges and flat regions
 * are what makes it real, rather than its palette alone.
 */
function softened(x: tf.Tensor4D): tf.Tensor4D {
  const k1 = [1, 4, 6, 4, 1].map((v) => v / 16);
  const kernel = tf.tile(tf.tensor4d(k1.flatMap((a) => k1.map((b) => a * b)), [5, 5, 1, 1]), [1, 1, 3, 1]) as tf.Tensor4D;
  return tf.depthwiseConv2d(tf.mirrorPad(x, [[0, 0], [2, 2], [2, 2], [0, 0]], 'reflect'), kernel, 1, 'valid');
}

/**
 * The chroma G adds to a grey picture: a small tint in the network's output becomes a visible
 * cast once a drawing stage saturates it (the cartoon filter turned greys and whites mint green,
 * +14 levels of green on a grey ramp, with the colour and chroma terms on).
 */
function neutralChroma(g: Generator, photo: tf.Tensor4D): tf.Scalar {
  const greyed = grey(photo);
  return chromaL2(generate(g, greyed), greyed);
}

/** `d`: the full-resolution D's loss; `dCoarse`: the mean of the coarser Ds' (with several scales). */
export interface StyleLosses { adv?: number; structure?: number; color?: number; shift?: number; flat?: number; texture?: number; chroma?: number; neutral?: number; teacher?: number; live?: number; d?: number; dCoarse?: number }

/**
 * Applies one step to each D (`ds[s]` judges crops averaged over 2^s x 2^s; none when the
 * adversarial weight is 0) and one G step; returns their losses. `target`: a rendering of each
 * photo crop by a pretrained teacher (style/data.ts pairs), used instead of the procedural one.
 */
export function styleStep(
  g: Generator, ds: ConvLayer[][], opt: { g: tf.Optimizer; d: tf.Optimizer[] },
  photo: tf.Tensor4D, style: tf.Tensor4D, shift: { dy: number; dx: number; frac: [number, number] }, cfg: StyleLossConfig, seed: number,
  texture: TextureTarget | null, target: tf.Tensor4D | null = null,
): StyleLosses {
  const losses: StyleLosses = {};
  const read = (t: tf.Scalar) => t.dataSync()[0];
  const critics = ds.map((d, s) => (x: tf.Tensor4D) => discriminate(d, s ? boxDown(x, 2 ** s) : x));
  const adversarial = cfg.advWeight > 0;
  const view = shownBy(g, cfg.liveWork);
  const fake = adversarial ? tf.tidy(() => view(photo)) : null;
  // Blurred once per step, shared by every scale's D.
  const soft = adversarial && cfg.softFakesWeight > 0 ? tf.tidy(() => softened(style)) : null;
  const greyed = adversarial && cfg.greyFakesWeight > 0 ? tf.tidy(() => grey(style)) : null;
  const dLosses = (adversarial ? ds : []).map((d, s) => {
    let value = 0;
    opt.d[s].minimize(() => {
      let loss = discriminatorObjective(cfg, critics[s], style, fake!, seed);
      if (soft) loss = tf.add(loss, tf.mul(discriminatorObjective(cfg, critics[s], style, soft, seed + 1), cfg.softFakesWeight));
      if (greyed) loss = tf.add(loss, tf.mul(discriminatorObjective(cfg, critics[s], style, greyed, seed + 2), cfg.greyFakesWeight));
      value = read(loss);
      return loss;
    }, false, variablesOf(d));
    return value;
  });
  if (dLosses.length) losses.d = dLosses[0];
  if (dLosses.length > 1) losses.dCoarse = dLosses.slice(1).reduce((a, b) => a + b, 0) / (ds.length - 1);
  tf.dispose([...(fake ? [fake] : []), ...(soft ? [soft] : []), ...(greyed ? [greyed] : [])]);
  const flat = cfg.flatWeight > 0 ? flatten(photo) : null;
  const taught = target ? null : cfg.teacher && cfg.teacherWeight > 0 ? teach(cfg.teacher, photo, g.config.guided ?? 0) : null;
  const teacherPicture = target ?? taught;
  const taughtTerm = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.add(l1(a, b), multiScaleGradientL1(a, b, cfg.teacherScales)) as tf.Scalar;
  opt.g.minimize(() => {
    const live = cfg.liveWork > 1 ? livePictures(g, photo, cfg.liveWork) : null;
    const out = live?.shown ?? generate(g, photo);
    const adv = adversarial ? tf.mean(tf.stack(critics.map((critic) => generatorAdvLoss(cfg.ganLoss, cfg.ganLoss === 'ragan' ? critic(style) : null, critic(out))))) as tf.Scalar : null;
    const terms: [keyof StyleLosses, tf.Scalar, number][] = [
      ...(adv ? [['adv', adv, cfg.advWeight] as [keyof StyleLosses, tf.Scalar, number]] : []),
      ['structure', structureL2(out, photo, cfg.structureScale), cfg.structureWeight],
      ['color', colorL2(out, photo), cfg.colorWeight],
      ...(cfg.shiftWeight > 0 ? [['shift', shiftL2(view, photo, out, shift.dy, shift.dx, shift.frac), cfg.shiftWeight] as [keyof StyleLosses, tf.Scalar, number]] : []),
      ...(flat ? [['flat', flatStructureL2(out, flat), cfg.flatWeight] as [keyof StyleLosses, tf.Scalar, number]] : []),
      ...(texture && cfg.textureWeight > 0 ? [['texture', textureL2(texture.net, out, texture.grams), cfg.textureWeight] as [keyof StyleLosses, tf.Scalar, number]] : []),
      ...(cfg.chromaWeight > 0 ? [['chroma', chromaL2(out, photo), cfg.chromaWeight] as [keyof StyleLosses, tf.Scalar, number]] : []),
      ...(cfg.neutralWeight > 0 ? [['neutral', neutralChroma(g, photo), cfg.neutralWeight] as [keyof StyleLosses, tf.Scalar, number]] : []),
      ...(teacherPicture && cfg.teacherWeight > 0 ? [['teacher', live ? taughtTerm(live.low, boxDown(teacherPicture, cfg.liveWork)) : taughtTerm(out, teacherPicture), cfg.teacherWeight] as [keyof StyleLosses, tf.Scalar, number]] : []),
      ...(teacherPicture && live && cfg.liveWeight > 0 ? [['live', taughtTerm(out, teacherPicture), cfg.liveWeight] as [keyof StyleLosses, tf.Scalar, number]] : []),
    ];
    terms.forEach(([k, t]) => { losses[k] = read(t); });
    return tf.addN(terms.map(([, t, w]) => tf.mul(t, w))) as tf.Scalar;
  }, false, variablesOf(g.layers));
  flat?.dispose();
  taught?.dispose();
  return losses;
}
