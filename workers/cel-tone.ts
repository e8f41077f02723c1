// The anime's cel palette, drawn on the network's picture at the size it runs at (the working
// size, live), so the guided stage carries it to the frame's size for nothing. Luma is pulled
// toward three tones (dark hair and eyes, one shadow, a pale lit skin) with smooth steps, the
// shadow tone tinted pink-mauve rather than darkened brown, and colour a little muted: the
// outlined features on flat pale cel skin that the anime teacher draws. With the ink lines
// (guided-work.ts) twelve blind raters named it anime 160 of 216 times, every face; the network
// alone, which drew the painting's picture, was named painting, and crisp steps made it a cartoon
// (models/README.md).
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
}

/** The picture y [1,h,w,3] (0-1) in the cel palette. */
export function celTone(y: tf.Tensor4D, p: ToneParams): tf.Tensor4D {
  return tf.tidy(() => {
    const l = lumaOfPicture(y);
    const step = (at: number) => {
      const u = tf.clipByValue(tf.add(tf.div(tf.sub(l, at), p.width), 0.5), 0, 1);
      return tf.mul(tf.square(u), tf.sub(3, tf.mul(u, 2)));
    };
    const [dark, shadow, lit] = p.levels;
    const s1 = step(p.steps[0]), s2 = step(p.steps[1]);
    const toned = tf.add(dark, tf.add(tf.mul(s1, shadow - dark), tf.mul(s2, lit - shadow)));
    const l2 = tf.add(tf.mul(toned, p.strength), tf.mul(l, 1 - p.strength));
    const scaled = tf.mul(y, tf.div(tf.add(l2, 1e-3), tf.add(l, 1e-3)));
    const muted = tf.add(l2, tf.mul(tf.sub(scaled, l2), p.saturation));
    // Above the dark step and below the lit one: how much of a pixel is in the shadow tone.
    const inShadow = tf.mul(s1, tf.sub(1, s2));
    return tf.clipByValue(tf.mul(muted, tf.add(1, tf.mul(inShadow, tf.sub(tf.tensor1d(p.shade), 1)))), 0, 1) as tf.Tensor4D;
  });
}
