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
 * conv2d with 'SAME' padding, differentiable to any order with forward convolutions only.
 * The padding is an ordinary op outside the custom gradient, so the tape links the padded
 * input to the layer below (gradient penalties differentiate through it).
 */
export function conv2dSame(x: tf.Tensor4D, w: tf.Tensor4D, stride: number): tf.Tensor4D {
  const k = w.shape[0];
  const [pt, pb] = samePadding(x.shape[1], k, stride);
  const [pl, pr] = samePadding(x.shape[2], k, stride);
  return convValid(tf.pad(x, [[0, 0], [pt, pb], [pl, pr], [0, 0]]), w, stride, 1);
}

/**
 * 'VALID' conv2d (stride or dilation 1, as tf.conv2d allows) whose gradients are again
 * convValid calls, so gradients of gradients (R1, WGAN-GP) work too:
 * - dW: the input, channels moved to the batch axis, convolved with the upstream gradient used
 *   as a filter dilated by the stride (and strided by the dilation);
 * - dx: the upstream gradient, zero-stuffed by the stride and padded, convolved with the
 *   flipped, in/out-swapped filter dilated by the dilation.
 * The saved tensors are the op's own inputs, which the tape already knows.
 */
export function convValid(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, dilation: number): tf.Tensor4D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, wIn, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([xIn, wIn]);
    return {
      value: tf.conv2d(xIn, wIn, stride, 'valid', 'NHWC', dilation),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xS, wS] = saved as [tf.Tensor4D, tf.Tensor4D];
        return [convInputGrad(dy as tf.Tensor4D, wS, xS.shape, stride, dilation), convFilterGrad(xS, dy as tf.Tensor4D, wS.shape[0], stride, dilation)];
      },
    };
  });
  return op(x, w) as tf.Tensor4D;
}

function convFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, k: number, stride: number, dilation: number): tf.Tensor4D {
  const full = convValid(tf.transpose(x, [3, 1, 2, 0]), tf.transpose(dy, [1, 2, 0, 3]), dilation, stride);
  return tf.transpose(tf.slice(full, [0, 0, 0, 0], [-1, k, k, -1]), [1, 2, 0, 3]);
}

function convInputGrad(dy: tf.Tensor4D, w: tf.Tensor4D, xShape: number[], stride: number, dilation: number): tf.Tensor4D {
  const [b, p, q, c] = dy.shape;
  let stuffed = dy;
  if (stride > 1) {
    const s = stride;
    const spread = tf.pad(tf.reshape(dy, [b, p, 1, q, 1, c]), [[0, 0], [0, 0], [0, s - 1], [0, 0], [0, s - 1], [0, 0]]);
    stuffed = tf.slice(tf.reshape(spread, [b, p * s, q * s, c]) as tf.Tensor4D, [0, 0, 0, 0], [b, (p - 1) * s + 1, (q - 1) * s + 1, c]);
  }
  const e = dilation * (w.shape[0] - 1);
  // Rows and columns of x that no output reads get zero gradient (the padding after).
  const extraH = xShape[1] - (stuffed.shape[1] + e), extraW = xShape[2] - (stuffed.shape[2] + e);
  const padded = tf.pad(stuffed, [[0, 0], [e, e + extraH], [e, e + extraW], [0, 0]]);
  const flipped = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  return convValid(padded, flipped, 1, dilation);
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
