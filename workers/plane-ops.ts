// Operations on one-channel planes [1,h,w,1] in tfjs, written for tfjs-wasm's speed: it pools
// channels together, and one channel pixel by pixel, so blurs and window means run as separable
// boxes on [1,A,1,B] planes whose B columns are the pooling's channels, turned between passes
// (one 640x480 channel, Node: a 3x3 mean 3.2 ms as [1,H,W,1], a 3x1 one 0.3 this way, a turn
// 0.2 or less). The guided stage draws the outlines, bands and brushwork with them (guided-work.ts).
import * as tf from '@tensorflow/tfjs';
import type { KuwaharaOps, LineOps } from './outlines.js';

/** BT.601 luma [1,h,w,1] of a picture [1,h,w,3], as a 1x1 convolution: 2 ms for 640x480 on tfjs-wasm, a multiply and channel sum 18. */
export const lumaOfPicture = (y: tf.Tensor4D): tf.Tensor4D => tf.conv2d(y, tf.tensor4d([0.299, 0.587, 0.114], [1, 1, 3, 1]), 1, 'valid');

/**
 * Three box means whose cascade has about a Gaussian's variance, sigma² (a box of k adds
 * (k² - 1) / 12; Kovesi's widths): sigma 1.2 -> 3, 3 (1.15); 1.92 -> 3, 3, 5 (1.83). A box of 1 is left out.
 */
export function boxCascade(sigma: number, n = 3): number[] {
  let wl = Math.floor(Math.sqrt((12 * sigma * sigma) / n + 1));
  if (wl % 2 === 0) wl--;
  const m = Math.round((12 * sigma * sigma - n * wl * wl - 4 * n * wl - 3 * n) / (-4 * wl - 4));
  return Array.from({ length: n }, (_, i) => (i < m ? wl : wl + 2)).filter((k) => k > 1);
}

/** Box means of k down the columns of a [1,A,1,B] plane. */
const boxDown = (t: tf.Tensor4D, k: number, pad: 'same' | 'valid' = 'same'): tf.Tensor4D => tf.avgPool(t, [k, 1], 1, pad);

/** [1,A,1,B] -> [1,B,1,A]: the rows become the columns. */
const turn = (t: tf.Tensor4D): tf.Tensor4D => {
  const [, a, , b] = t.shape;
  return tf.reshape(tf.transpose(tf.reshape(t, [a, b])), [1, b, 1, a]);
};

/**
 * The four (r+1)² window means whose corner is each pixel of a [1,h,w,1] plane (up-left,
 * up-right, down-left, down-right; mirrored borders), from one pass of separable boxes. Only
 * whole rows are sliced: tfjs-wasm slices columns slowly (four such slices of a 640x480 plane, 80 ms).
 */
function quadrantMeans(x: tf.Tensor4D, r: number): tf.Tensor4D[] {
  const [, h, w] = x.shape, hp = h + 2 * r, wp = w + 2 * r;
  const pad = tf.mirrorPad(x, [[0, 0], [r, r], [r, r], [0, 0]], 'reflect');
  const byCols = boxDown(turn(boxDown(tf.reshape(pad, [1, hp, 1, wp]), r + 1, 'valid')), r + 1, 'valid'); // [1, w+r, 1, h+r]
  const [left, right] = [0, r].map((dx) => turn(tf.slice(byCols, [0, dx, 0, 0], [1, w, 1, hp - r])));
  const rows = (t: tf.Tensor4D, dy: number) => tf.reshape(tf.slice(t, [0, dy, 0, 0], [1, h, 1, w]), [1, h, w, 1]) as tf.Tensor4D;
  return [rows(left, 0), rows(right, 0), rows(left, r), rows(right, r)];
}

/**
 * The outlines' and brushwork's tensor ops for one frame. Blurs are box cascades (a 13-tap
 * convolution of one 640x480 channel took 24 ms on tfjs-wasm), and a cascade that begins as an
 * earlier one on the same plane did (sigma 1.2: 3, 3; 1.92: 3, 3, 5) continues from it: the
 * outlines of a 640x480 frame, 21 ms on one thread (Node), now 9. A plane's quadrant means are
 * made once for all four.
 */
export function planeOps(): LineOps<tf.Tensor4D> & KuwaharaOps<tf.Tensor4D> {
  const done: { from: tf.Tensor4D; boxes: number[]; out: tf.Tensor4D }[] = [];
  const blur = (y: tf.Tensor4D, sigma: number): tf.Tensor4D => {
    const boxes = boxCascade(sigma);
    const start = done.filter((d) => d.from === y && d.boxes.every((k, i) => boxes[i] === k)).sort((a, b) => b.boxes.length - a.boxes.length)[0];
    const rest = boxes.slice(start?.boxes.length ?? 0);
    const [, h, w] = y.shape;
    const down = (t: tf.Tensor4D) => rest.reduce((s, k) => boxDown(s, k), t);
    const out = rest.length ? tf.reshape(turn(down(turn(down(tf.reshape(start?.out ?? y, [1, h, 1, w]))))), [1, h, w, 1]) as tf.Tensor4D : start!.out;
    done.push({ from: y, boxes, out });
    return out;
  };
  const quadrants: { from: tf.Tensor4D; r: number; means: tf.Tensor4D[] }[] = [];
  const quadrant = (x: tf.Tensor4D, r: number, q: number): tf.Tensor4D => {
    let seen = quadrants.find((d) => d.from === x && d.r === r);
    if (!seen) quadrants.push(seen = { from: x, r, means: quadrantMeans(x, r) });
    return seen.means[q];
  };
  return {
    blur, quadrant, sigmoid: (t) => tf.sigmoid(t), mul: (a, b) => tf.mul(a, b), add: (a, b) => tf.add(a, b), sub: (a, b) => tf.sub(a, b),
    div: (a, b) => tf.div(a, b), constant: (v) => tf.scalar(v) as unknown as tf.Tensor4D,
  };
}
