// Differentiable building blocks for training on the wasm backend of tfjs 4.22, which lacks
// Conv2DBackpropFilter and any gradient for DepthToSpace (see ../README.md, "Training on CPU").
import * as tf from '@tensorflow/tfjs';

/** TensorFlow's 'SAME' padding split (before, after) for one spatial dimension. */
export function samePadding(size: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * conv2d with 'SAME' padding whose gradients are plain forward convolutions:
 * dx is a transposed convolution (Conv2DBackpropInput exists on wasm) and dW is the padded
 * input, channels moved to the batch axis, convolved with the upstream gradient used as a
 * dilated filter.
 */
export function conv2dSame(x: tf.Tensor4D, w: tf.Tensor4D, stride: number): tf.Tensor4D {
  const [, h, wd] = x.shape;
  const k = w.shape[0];
  const [pt, pb] = samePadding(h, k, stride);
  const [pl, pr] = samePadding(wd, k, stride);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, wIn, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    const xp = tf.pad(xIn, [[0, 0], [pt, pb], [pl, pr], [0, 0]]);
    save([xp, wIn]);
    return {
      value: tf.conv2d(xp, wIn, stride, 'valid'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xpS, wS] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dy4 = dy as tf.Tensor4D;
        const dxp = tf.conv2dTranspose(dy4, wS, xpS.shape, stride, 'valid');
        const dx = tf.slice(dxp, [0, pt, pl, 0], [-1, h, wd, -1]);
        const xT = tf.transpose(xpS, [3, 1, 2, 0]);
        const dyT = tf.transpose(dy4, [1, 2, 0, 3]);
        const full = tf.conv2d(xT, dyT, 1, 'valid', 'NHWC', stride);
        const dw = tf.transpose(tf.slice(full, [0, 0, 0, 0], [-1, k, k, -1]), [1, 2, 0, 3]);
        return [dx, dw];
      },
    };
  });
  return op(x, w) as tf.Tensor4D;
}

/** depthToSpace (NHWC, DCR order as TensorFlow) from ops that have gradients. Export uses the native op. */
export function depthToSpace(x: tf.Tensor4D, block: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const oc = c / (block * block);
  return x
    .reshape([b, h, w, block, block, oc])
    .transpose([0, 1, 3, 2, 4, 5])
    .reshape([b, h * block, w * block, oc]);
}
