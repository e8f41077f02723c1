// The anime's cel palette, drawn on the network's picture at the size it runs at (the working
// size, live), so the guided stage carries it to the frame's size for nothing. Luma is pulled
// toward three tones (dark hair and eyes, one shadow, a pale lit skin) with smooth steps, the
// shadow tone tinted pink-mauve rather than darkened brown, and colour a little muted: pale,
// clean cel skin is what raters named anime (blind/2026-12-07-anime-tone: anime 31 of 54 where
// the network alone with its outlines and brushwork was named painting 50, anime 0).
import * as tf from '@tensorflow/tfjs';
import { lumaOfPicture } from './plane-ops.js';

/**
 * Luma l goes to dark + (shadow - dark)·S(l - steps[0]) + (lit - shadow)·S(l - steps[1]),
 * S a smoothstep rising over `width`, mixed with l by `strength`; each pixel's colour is scaled
 * with its luma, its chroma times `saturation`, and the shadow tone (between the two steps)
 * multiplied by `shade` per channel.
 */
export interface ToneParams {
  steps: [number, number];
  width: number;
  levels: [number, number, number];
  strength: number;
  shade: [number, number, number];
  saturation: number;
  /**
   * Live (the worker's, at a working size): the tones drawn again at the frame's size on the
   * guided picture's luma, meeting in steps this wide (luma units) halfway between the levels, so
   * the smooth shapes of the working size get crisp edges (soft ones read as painting). Absent: none.
   */
  crisp?: number;
}

const CRISP_FLOOR = 0.02, CRISP_MAX = 4;

/** A smoothstep of l rising over `width` about `at`. */
function step(l: tf.Tensor, at: number, width: number): tf.Tensor {
  const u = tf.clipByValue(tf.add(tf.div(tf.sub(l, at), width), 0.5), 0, 1);
  return tf.mul(tf.square(u), tf.sub(3, tf.mul(u, 2)));
}

/** Each pixel's factor (l' / l) that moves a guided luma plane [1,h,w,1] to the tones with crisp steps (ToneParams.crisp). */
export function crispFactors(luma: tf.Tensor4D, p: ToneParams & { crisp: number }): tf.Tensor4D {
  return tf.tidy(() => {
    const [dark, shadow, lit] = p.levels;
    const toned = tf.add(dark, tf.add(tf.mul(step(luma, (dark + shadow) / 2, p.crisp), shadow - dark), tf.mul(step(luma, (shadow + lit) / 2, p.crisp), lit - shadow)));
    // Near black a ratio divides by about nothing: a floor, and a cap on how much it brightens (guided-work.ts brushFactors).
    const l = tf.relu(luma);
    const ratio = tf.div(tf.add(tf.add(tf.mul(toned, p.strength), tf.mul(l, 1 - p.strength)), CRISP_FLOOR), tf.add(l, CRISP_FLOOR));
    return tf.minimum(ratio, CRISP_MAX) as tf.Tensor4D;
  });
}

/** The picture y [1,h,w,3] (0-1) in the cel palette. */
export function celTone(y: tf.Tensor4D, p: ToneParams): tf.Tensor4D {
  return tf.tidy(() => {
    const l = lumaOfPicture(y);
    const [dark, shadow, lit] = p.levels;
    const s1 = step(l, p.steps[0], p.width), s2 = step(l, p.steps[1], p.width);
    const toned = tf.add(dark, tf.add(tf.mul(s1, shadow - dark), tf.mul(s2, lit - shadow)));
    const l2 = tf.add(tf.mul(toned, p.strength), tf.mul(l, 1 - p.strength));
    const scaled = tf.mul(y, tf.div(tf.add(l2, 1e-3), tf.add(l, 1e-3)));
    const muted = tf.add(l2, tf.mul(tf.sub(scaled, l2), p.saturation));
    // Above the dark step and below the lit one: how much of a pixel is in the shadow tone.
    const inShadow = tf.mul(s1, tf.sub(1, s2));
    return tf.clipByValue(tf.mul(muted, tf.add(1, tf.mul(inShadow, tf.sub(tf.tensor1d(p.shade), 1)))), 0, 1) as tf.Tensor4D;
  });
}
