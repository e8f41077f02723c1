// Losses for the super-resolution GAN, selectable per run. Logits are the PatchGAN's raw
// per-patch scores; every loss is a mean over patches and batch.
import * as tf from '@tensorflow/tfjs';

/**
 * ns: non-saturating (Goodfellow et al.); hinge (as in SAGAN/BigGAN); lsgan: least squares
 * (Mao et al.); ragan: relativistic average (Jolicoeur-Martineau; as in ESRGAN), where D judges
 * whether real patches look more real than the average fake one and vice versa.
 */
export const GAN_LOSSES = ['ns', 'hinge', 'lsgan', 'ragan'] as const;
export type GanLoss = (typeof GAN_LOSSES)[number];

const mean = (t: tf.Tensor) => tf.mean(t) as tf.Scalar;
const softplusMean = (t: tf.Tensor) => mean(tf.softplus(t));

export function discriminatorLoss(kind: GanLoss, real: tf.Tensor, fake: tf.Tensor): tf.Scalar {
  switch (kind) {
    case 'ns': return tf.add(softplusMean(tf.neg(real)), softplusMean(fake));
    case 'hinge': return tf.add(mean(tf.relu(tf.sub(1, real))), mean(tf.relu(tf.add(1, fake))));
    case 'lsgan': return tf.mul(0.5, tf.add(mean(tf.square(tf.sub(real, 1))), mean(tf.square(fake))));
    case 'ragan': return tf.add(softplusMean(tf.neg(tf.sub(real, tf.mean(fake)))), softplusMean(tf.sub(fake, tf.mean(real))));
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
  }
}

export const l1 = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => mean(tf.abs(tf.sub(a, b)));

/** L1 between horizontal and vertical image gradients: rewards edges in the right place. */
export function gradientL1(a: tf.Tensor4D, b: tf.Tensor4D): tf.Scalar {
  const [, h, w] = a.shape;
  const dx = (t: tf.Tensor4D) => tf.sub(tf.slice(t, [0, 0, 1, 0], [-1, h, w - 1, -1]), tf.slice(t, [0, 0, 0, 0], [-1, h, w - 1, -1]));
  const dy = (t: tf.Tensor4D) => tf.sub(tf.slice(t, [0, 1, 0, 0], [-1, h - 1, w, -1]), tf.slice(t, [0, 0, 0, 0], [-1, h - 1, w, -1]));
  return tf.add(l1(dx(a), dx(b)), l1(dy(a), dy(b)));
}
