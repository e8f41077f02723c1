// Procedural teachers: what each style does to a photo, written as fixed image operations, so
// the generator gets a dense, paired target from the first step instead of only a
// discriminator's judgement (which sat at chance with these small style sets). The generator
// is trained toward the teacher's picture while the discriminator and the texture statistics
// pull it toward the style set's own palette and strokes.
//  - cartoon: the cartoon stage of imaging/looks.ts after the filter's guided stage, on the photo
//    (flat fills in five bands, bold dark XDoG outlines);
//  - anime: lighter flattening, three cel-shading bands, cooler shadows, a lifted palette and
//    thin lines;
//  - painting: the painting stage of imaging/looks.ts on the photo (soft Kuwahara, colour, relief).
import * as tf from '@tensorflow/tfjs';
import { flatten, luma } from '../core/losses.js';
import { applyLook } from '../imaging/looks.js';
import { guidedFilter } from '../imaging/guided.js';

export const TEACHERS = ['cartoon', 'anime', 'painting'] as const;
export type Teacher = (typeof TEACHERS)[number];

/** Separable Gaussian blur with mirrored borders. */
function blur(x: tf.Tensor4D, sigma: number): tf.Tensor4D {
  const r = Math.ceil(3 * sigma);
  const taps = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = taps.reduce((a, b) => a + b, 0);
  const k = taps.map((v) => v / sum), c = x.shape[3];
  const kh = tf.tile(tf.tensor4d(k, [1, 2 * r + 1, 1, 1]), [1, 1, c, 1]) as tf.Tensor4D;
  const kv = tf.tile(tf.tensor4d(k, [2 * r + 1, 1, 1, 1]), [1, 1, c, 1]) as tf.Tensor4D;
  const padded = tf.mirrorPad(x, [[0, 0], [r, r], [r, r], [0, 0]], 'reflect');
  return tf.depthwiseConv2d(tf.depthwiseConv2d(padded, kh, 1, 'valid'), kv, 1, 'valid') as tf.Tensor4D;
}

/** Line strength in [0,1] where the luma's difference of Gaussians dips (dark side of edges), XDoG-style. */
function outlines(y: tf.Tensor4D, sigma: number, tau: number): tf.Tensor4D {
  const dog = tf.sub(blur(y, sigma), tf.mul(blur(y, sigma * 1.6), tau));
  return tf.sub(1, tf.sigmoid(tf.mul(dog, 200))) as tf.Tensor4D;
}

/** Luma put into `bands` levels with soft steps, colours scaled with it (hue kept). */
function bandLuma(x: tf.Tensor4D, bands: number, softness: number): tf.Tensor4D {
  const y = luma(x), level = tf.mul(y, bands), floor = tf.floor(level);
  const q = tf.div(tf.add(floor, tf.sigmoid(tf.div(tf.sub(tf.sub(level, floor), 0.5), softness))), bands);
  return tf.mul(x, tf.div(tf.add(q, 0.5 / bands), tf.add(y, 1e-3))) as tf.Tensor4D;
}

function saturate(x: tf.Tensor4D, factor: number): tf.Tensor4D {
  const y = luma(x);
  return tf.add(y, tf.mul(tf.sub(x, y), factor)) as tf.Tensor4D;
}

/** Shadows tinted toward blue, as anime shades them. */
function coolShadows(x: tf.Tensor4D): tf.Tensor4D {
  const shadow = tf.sigmoid(tf.mul(tf.sub(0.45, luma(x)), 12));
  return tf.mul(x, tf.add(tf.mul(tf.sub(tf.tensor1d([0.86, 0.9, 1.12]), 1), shadow), 1)) as tf.Tensor4D;
}

/**
 * The teacher's picture for a batch of RGB crops in [0,1] (a constant target, not differentiated).
 * `guided`: the radius of the generator's own guided stage (0 = none), which cartoon's teacher runs too.
 */
export function teach(kind: Teacher, x: tf.Tensor4D, guided: number): tf.Tensor4D {
  return tf.tidy(() => {
    let out: tf.Tensor4D;
    if (kind === 'cartoon') {
      // The filter's own fixed stages on the photo: its guided filter, then the cartoon stage. An
      // own formula (coarser flattening, softer bands) left the network blurring before the stage,
      // and raters named its outputs painting as often as cartoon (models/README.md).
      out = applyLook('cartoon', guided ? guidedFilter(x, guided) : x);
    } else if (kind === 'anime') {
      const flat = flatten(x, 3, 0.08);
      const cel = coolShadows(tf.add(tf.mul(bandLuma(saturate(flat, 1.45), 3, 0.07), 0.9), 0.08) as tf.Tensor4D);
      out = tf.mul(cel, tf.sub(1, tf.mul(outlines(luma(flat), 0.7, 0.99), 0.55))) as tf.Tensor4D;
    } else {
      // The painting stage itself on the photo: a softer target (two Kuwahara passes and a blur)
      // taught the network to blur the photo before the stage.
      out = applyLook('painting', x);
    }
    return tf.clipByValue(out, 0, 1) as tf.Tensor4D;
  });
}
