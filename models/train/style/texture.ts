// Texture statistics without pretrained weights: the Gram matrices of the features of a fixed,
// randomly initialised shallow convolutional network (Ustyuzhaninov et al., "What does it take
// to generate natural textures?", 2017: random shallow networks capture texture about as well
// as trained ones). Computed on luma, so they carry the style's strokes, fills and outlines but
// not its palette (AnimeGAN's grey Gram loss): the colour term keeps the photo's colours.
import * as tf from '@tensorflow/tfjs';
import { boxDown, luma } from '../core/losses.js';
import { convValid } from '../core/ops.js';

/** Output channels of each stage; each stage is a 3x3 convolution (valid) and ReLU, then a 2x2 average before the next. */
const STAGES = [32, 48, 64, 64];

export interface TextureNet { kernels: tf.Tensor4D[] }

/** Fixed He-normal kernels from `seed`: the same seed gives the same statistics (training and evaluation use different seeds). */
export function createTextureNet(seed: number): TextureNet {
  let cin = 1;
  const kernels = STAGES.map((cout, i) => {
    const k = tf.randomNormal([3, 3, cin, cout], 0, Math.sqrt(2 / (9 * cin)), 'float32', seed + i) as tf.Tensor4D;
    cin = cout;
    return k;
  });
  return { kernels };
}

const even = (t: tf.Tensor4D): tf.Tensor4D => {
  const [, h, w] = t.shape;
  return tf.slice(t, [0, 0, 0, 0], [-1, h - (h % 2), w - (w % 2), -1]);
};

/** Each stage's features for RGB images in [0,1] (luma, centred); stages the image is too small for are left out. */
export function textureFeatures(net: TextureNet, x: tf.Tensor4D): tf.Tensor4D[] {
  let h = tf.mul(tf.sub(luma(x), 0.5), 2) as tf.Tensor4D;
  const out: tf.Tensor4D[] = [];
  for (const [i, k] of net.kernels.entries()) {
    if (i > 0) h = boxDown(even(h), 2);
    if (Math.min(h.shape[1], h.shape[2]) < 3) break;
    h = tf.relu(convValid(h, k, 1, 1));
    out.push(h);
  }
  return out;
}

/**
 * [B,C,C]: channel correlations averaged over positions, divided by their trace, so a crop's
 * contrast does not count, only how its features co-occur.
 */
export function gram(f: tf.Tensor4D): tf.Tensor3D {
  const [b, h, w, c] = f.shape;
  const m = tf.reshape(f, [b, h * w, c]) as tf.Tensor3D;
  const g = tf.matMul(m, m, true, false);
  const trace = tf.sum(tf.mul(g, tf.expandDims(tf.eye(c), 0)), [1, 2], true);
  return tf.div(g, tf.add(trace, 1e-8)) as tf.Tensor3D;
}

/** The style set's mean Gram per stage, over `crops` (a constant target). */
export function styleGrams(net: TextureNet, crops: tf.Tensor4D, batch = 16): tf.Tensor2D[] {
  return tf.tidy(() => {
    const n = crops.shape[0];
    const sums = net.kernels.map(() => null as tf.Tensor2D | null);
    for (let i = 0; i < n; i += batch) {
      const part = tf.slice(crops, [i, 0, 0, 0], [Math.min(batch, n - i), -1, -1, -1]);
      textureFeatures(net, part).forEach((f, s) => {
        const g = tf.sum(gram(f), 0) as tf.Tensor2D;
        sums[s] = sums[s] ? (tf.add(sums[s]!, g) as tf.Tensor2D) : g;
      });
    }
    return sums.filter((s): s is tf.Tensor2D => s !== null).map((s) => tf.div(s, n) as tf.Tensor2D);
  });
}

/**
 * Squared distance of the batch's mean Grams to the style's, stage by stage, each stage scaled
 * by its target's own size so no stage dominates. The batch mean, not each crop's: single crops
 * of one style vary more than the style differs from photos (crops of the cartoon set lay 1.5
 * times as far from its mean Gram as photos did, measured on 8 x 4 crops); batches of 4 came
 * out 1.3-2.8 times closer for cartoon and painting (anime's detailed backgrounds: not at all).
 */
export function textureL2(net: TextureNet, out: tf.Tensor4D, targets: tf.Tensor2D[]): tf.Scalar {
  const terms = textureFeatures(net, out).map((f, s) => {
    const scale = tf.add(tf.mean(tf.square(targets[s])), 1e-8);
    return tf.div(tf.mean(tf.square(tf.sub(tf.mean(gram(f), 0), targets[s]))), scale);
  });
  return tf.div(tf.addN(terms), terms.length) as tf.Scalar;
}
