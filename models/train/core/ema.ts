// Exponential moving average of the generator's weights: the averaged copy is smoother than
// the last step's weights under adversarial training, and is what gets exported.
import * as tf from '@tensorflow/tfjs';
import type { ConvLayer, Generator } from './nets.js';

export function createEma(g: Generator): Generator {
  const copy = (l: ConvLayer): ConvLayer => ({ ...l, w: tf.variable(l.w, false) as tf.Variable<tf.Rank.R4>, b: tf.variable(l.b, false) as tf.Variable<tf.Rank.R1> });
  return { ...g, layers: g.layers.map(copy) };
}

/**
 * ema <- d * ema + (1 - d) * current, with d ramped up as min(decay, (1 + t) / (10 + t)) so
 * the average is not anchored to the random initial weights (as TensorFlow's
 * ExponentialMovingAverage with num_updates).
 */
export function updateEma(ema: Generator, g: Generator, decay: number, step: number): void {
  const d = Math.min(decay, (1 + step) / (10 + step));
  tf.tidy(() => {
    ema.layers.forEach((e, i) => {
      e.w.assign(tf.add(tf.mul(e.w, d), tf.mul(g.layers[i].w, 1 - d)));
      e.b.assign(tf.add(tf.mul(e.b, d), tf.mul(g.layers[i].b, 1 - d)));
    });
  });
}
