// A style filter run at a working size below the frame's (Auto's live tiers), brought back to the
// frame's own size with the frame's own edges: fast guided upsampling (Wu et al., "Fast
// End-to-End Trainable Guided Filter", CVPR 2018; He & Sun, "Fast Guided Filter", 2015). Per
// channel, in each small window of the downsized frame x and the filter's output y there, y is
// fitted as a·x + b; a and b are averaged, resized to the frame's size, and applied to the frame
// itself. Where the look follows the photo (an outline on an edge, a cel-shaded cheek) the result
// has the photo's full-resolution edge; where the look is flat (a ≈ 0) photo texture stays out.
// Enlarging y alone (the old path) gave a 640x480 camera a 240x180 picture, 2.7x blurred.
import * as tf from '@tensorflow/tfjs';
import { gcd } from './tile-plan.js';
import { scaledSize } from './pixels.js';
import { lineMap, type LineOps, type LineParams } from './outlines.js';

/** Radius of the fitting windows, in working-size pixels: 3x3 windows keep eyes and glasses (a few pixels at 240x180). */
export const GUIDE_RADIUS = 1;
/** Regularizer of each fit (colour units squared): texture under a 1-level spread gets no slope. */
export const GUIDE_EPS = 1e-4;

/**
 * Rows on which a band of a frame run at `scale` must start (and end) to sample the whole
 * frame's working grid: its prefilter's blocks whole, and the row a whole working-size row
 * (3/8 of a 640x480 camera: 8). 1 when no row up to 64 is: bands then differ at the seams by
 * the grid's phase (style-anime on two bands: 27 levels at most, at a seam).
 */
export function guideAlign(scale: number): number {
  const d = Array.from({ length: 64 }, (_, i) => i + 1).find((n) => Math.abs(n * scale - Math.round(n * scale)) < 1e-6);
  if (!d) return 1;
  const k = Math.max(1, Math.floor(1 / scale));
  return (d * k) / gcd(d, k);
}

/**
 * The frame x [1,H,W,3] downsized to `scale` (a box prefilter by the whole factor, then bilinear:
 * no aliasing from skipped pixels), filtered by `run`, and guided back up to H x W.
 */
export function guidedWork(run: (x: tf.Tensor4D) => tf.Tensor4D, x: tf.Tensor4D, scale: number, lines?: LineParams): tf.Tensor4D {
  return tf.tidy(() => {
    const [, H, W] = x.shape;
    const { width: w, height: h } = scaledSize(W, H, scale);
    const k = Math.floor(Math.min(H / h, W / w));
    const pre = k >= 2 ? tf.avgPool(x, k, k, 'valid') : x;
    const low = tf.image.resizeBilinear(pre, [h, w], false, true);
    const y = run(low);
    const box = (t: tf.Tensor4D) => tf.avgPool(t, 2 * GUIDE_RADIUS + 1, 1, 'same');
    const mx = box(low), my = box(y);
    const cov = tf.sub(box(tf.mul(low, y)), tf.mul(mx, my));
    const v = tf.sub(box(tf.mul(low, low)), tf.mul(mx, mx));
    const a = tf.div(cov, tf.add(v, GUIDE_EPS));
    const b = tf.sub(my, tf.mul(a, mx));
    const up = (t: tf.Tensor4D) => tf.image.resizeBilinear(box(t), [H, W], false, true);
    const out = tf.add(tf.mul(up(a as tf.Tensor4D), x), up(b as tf.Tensor4D)) as tf.Tensor4D;
    return lines ? outlined(out, lines) : out;
  });
}

/**
 * The look's outlines drawn again at the frame's size, from the guided picture's own luma (the
 * frame's luma drew every freckle and hair as a dot; the guided picture's is flat where the look
 * is): the cartoon at 3/8 of a 640x480 camera gets crisp lines on brows, eyes, nose and mouth.
 */
function outlined(y: tf.Tensor4D, p: LineParams): tf.Tensor4D {
  // BT.601 luma as a 1x1 convolution: 2 ms for 640x480 on tfjs-wasm, a multiply and channel sum 18.
  const luma = tf.conv2d(y, tf.tensor4d([0.299, 0.587, 0.114], [1, 1, 3, 1]), 1, 'valid');
  const drawn = lineMap(luma, LINE_OPS, p);
  return tf.mul(y, tf.sub(1, tf.mul(drawn, p.strength))) as tf.Tensor4D;
}

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

/**
 * A Gaussian blur of one channel as a cascade of box means (pooling): on tfjs-wasm a 13-tap
 * convolution of one 640x480 channel took 24 ms, a 3x3 mean 2.6.
 */
function blur(y: tf.Tensor4D, sigma: number): tf.Tensor4D {
  return boxCascade(sigma).reduce((t, k) => tf.avgPool(t, k, 1, 'same'), y);
}

const LINE_OPS: LineOps<tf.Tensor4D> = {
  blur, sigmoid: (t) => tf.sigmoid(t), mul: (a, b) => tf.mul(a, b), add: (a, b) => tf.add(a, b), sub: (a, b) => tf.sub(a, b),
  constant: (v) => tf.scalar(v) as unknown as tf.Tensor4D,
};
