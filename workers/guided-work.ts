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
import { BAND_FLOOR, lineMap, type BandParams, type LineOps, type LineParams } from './outlines.js';

/** Radius of the fitting windows, in working-size pixels: 3x3 windows keep eyes and glasses (a few pixels at 240x180). */
export const GUIDE_RADIUS = 1;
/** Most rows (of the shorter side) the outlines are drawn at (outlined): a 640x480 camera's own. */
export const LINE_SIDE = 480;
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

/** The fit's a and b at the working size, already averaged over each window. */
export interface GuideFit { a: tf.Tensor4D; b: tf.Tensor4D }

/** What of a style's look the guided stage draws itself at the frame's size (FilterEntry.lines and bands). */
export interface GuideLook { lines?: LineParams; bands?: BandParams }

/**
 * What a guided frame needs besides the frame itself: the fit, and the keep factor (one
 * channel) at the size the outlines are drawn at: 1 - strength x line map for the outlines,
 * times each pixel's band factor for the bands (outlines.ts BandParams), or null for a look with
 * neither. The output at the frame's full size is made only by applyGuide (or by its
 * WASM SIMD twin in one pass, wasm-guide.ts: a 1280x720 frame's guided stage took 56 ms on one
 * thread as separate tfjs ops).
 */
export interface GuideParts extends GuideFit { keep: tf.Tensor4D | null }

/** The luma [1,h,w,1] of the fit applied to a frame xs [1,h,w,3]: what the outlines are drawn from. */
export type GuidedLuma = (fit: GuideFit, xs: tf.Tensor4D) => tf.Tensor4D;

/** BT.601 luma as a 1x1 convolution: 2 ms for 640x480 on tfjs-wasm, a multiply and channel sum 18. */
const lumaOfPicture = (y: tf.Tensor4D): tf.Tensor4D => tf.conv2d(y, tf.tensor4d([0.299, 0.587, 0.114], [1, 1, 3, 1]), 1, 'valid');

export const guidedLuma: GuidedLuma = (fit, xs) => lumaOfPicture(applyGuide({ a: fit.a, b: fit.b, keep: null }, xs));

/**
 * The frame x [1,H,W,3] downsized to `scale` (a box prefilter by the whole factor, then bilinear:
 * no aliasing from skipped pixels), filtered by `run`, and fitted: GuideParts.
 */
export function guideParts(run: (x: tf.Tensor4D) => tf.Tensor4D, x: tf.Tensor4D, scale: number, look: GuideLook = {}, lumaOf = guidedLuma): GuideParts {
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
  const a = tf.div(cov, tf.add(v, GUIDE_EPS)) as tf.Tensor4D;
  const b = tf.sub(my, tf.mul(a, mx)) as tf.Tensor4D;
  const fit = { a: box(a), b: box(b) };
  const { lines, bands } = look;
  if (!lines && !bands) return { ...fit, keep: null };
  // Drawn at no more than LINE_SIDE rows (a larger frame's lines from its downsized picture, the
  // map enlarged back): the same outlines for the same face whatever the camera's size, and a
  // 1280x720 frame's in 25 ms instead of 42 on one thread (Node, tfjs-wasm).
  const f = Math.min(H, W) / LINE_SIDE;
  const xs = f > 1 ? tf.image.resizeBilinear(x, [Math.round(H / f), Math.round(W / f)], false, true) : x;
  const luma = lumaOf(fit, xs);
  const dark = lines ? tf.sub(1, tf.mul(lineMap(luma, lineOps(), lines), lines.strength)) as tf.Tensor4D : null;
  // The bands are taken at the outlines' size too, from the outlined luma: a factor like theirs,
  // so the full-size pass costs nothing more (banding each pixel there added 35 ms to a 1280x720
  // frame's SIMD pass).
  if (!bands) return { ...fit, keep: dark };
  const band = bandFactors(dark ? tf.mul(luma, dark) as tf.Tensor4D : luma, bands);
  return { ...fit, keep: dark ? tf.mul(dark, band) as tf.Tensor4D : band };
}

/** The fit applied to the frame x at its own size: a·x + b, times the keep factor (outlines, bands). */
export function applyGuide(p: GuideParts, x: tf.Tensor4D): tf.Tensor4D {
  const [, H, W] = x.shape;
  const up = (t: tf.Tensor4D) => (t.shape[1] === H && t.shape[2] === W ? t : tf.image.resizeBilinear(t, [H, W], false, true));
  const out = tf.add(tf.mul(up(p.a), x), up(p.b)) as tf.Tensor4D;
  return p.keep ? tf.mul(out, up(p.keep)) as tf.Tensor4D : out;
}

/** Each pixel's band factor (outlines.ts BandParams) for a luma plane [1,h,w,1]. */
function bandFactors(luma: tf.Tensor4D, p: BandParams): tf.Tensor4D {
  const l = tf.add(luma, BAND_FLOOR);
  const t = tf.mul(l, p.levels), f = tf.floor(t);
  const s = tf.clipByValue(tf.add(tf.div(tf.sub(tf.sub(t, f), 0.5), p.width), 0.5), 0, 1);
  const q = tf.add(f, tf.mul(tf.square(s), tf.sub(3, tf.mul(s, 2))));
  return tf.add(tf.div(tf.mul(q, p.strength / p.levels), l), 1 - p.strength) as tf.Tensor4D;
}

/**
 * The frame x [1,H,W,3] downsized to `scale`, filtered by `run`, and guided back up to H x W,
 * with the look's outlines and bands drawn again at the frame's size when it has them (from the
 * guided picture's own luma: the frame's luma drew every freckle and hair as a dot; the guided
 * picture's is flat where the look is).
 */
export function guidedWork(run: (x: tf.Tensor4D) => tf.Tensor4D, x: tf.Tensor4D, scale: number, look: GuideLook = {}): tf.Tensor4D {
  return tf.tidy(() => {
    // A frame of 480 rows or fewer has its outlines drawn from the guided picture at its own
    // size, which is the output before the keep factor: made once, not again by applyGuide.
    const seen: { guided?: tf.Tensor4D } = {};
    const p = guideParts(run, x, scale, look, (fit, xs) => {
      if (xs !== x) return guidedLuma(fit, xs);
      seen.guided = applyGuide({ a: fit.a, b: fit.b, keep: null }, x);
      return lumaOfPicture(seen.guided);
    });
    return seen.guided && p.keep ? tf.mul(seen.guided, p.keep) as tf.Tensor4D : applyGuide(p, x);
  });
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
 * Box means of k down the columns of a [1,A,1,B] plane, whose B columns are the pooling's
 * channels: tfjs-wasm pools channels together, and one channel pixel by pixel (one 640x480
 * channel, Node: a 3x3 mean 3.2 ms as [1,H,W,1], a 3x1 one 0.3 this way, a turn 0.2 or less).
 */
const boxDown = (t: tf.Tensor4D, k: number): tf.Tensor4D => tf.avgPool(t, [k, 1], 1, 'same');

/** [1,A,1,B] -> [1,B,1,A]: the rows become the columns. */
const turn = (t: tf.Tensor4D): tf.Tensor4D => {
  const [, a, , b] = t.shape;
  return tf.reshape(tf.transpose(tf.reshape(t, [a, b])), [1, b, 1, a]);
};

/**
 * The outlines' tensor ops for one frame. Blurs of one channel are box cascades (a 13-tap
 * convolution of one 640x480 channel took 24 ms on tfjs-wasm), each box separable (boxDown),
 * and a cascade that begins as an earlier one did (sigma 1.2: 3, 3; 1.92: 3, 3, 5) continues
 * from it. The outlines of a 640x480 frame: 21 ms on one thread (Node), now 9.
 */
export function lineOps(): LineOps<tf.Tensor4D> {
  const done: { from: tf.Tensor4D; boxes: number[]; out: tf.Tensor4D }[] = [];
  const blur = (y: tf.Tensor4D, sigma: number): tf.Tensor4D => {
    const boxes = boxCascade(sigma);
    const start = done.filter((d) => d.from === y && d.boxes.every((k, i) => boxes[i] === k)).sort((a, b) => b.boxes.length - a.boxes.length)[0];
    const rest = boxes.slice(start?.boxes.length ?? 0);
    const [, h, w] = y.shape;
    const down = (t: tf.Tensor4D) => rest.reduce(boxDown, t);
    const out = rest.length ? tf.reshape(turn(down(turn(down(tf.reshape(start?.out ?? y, [1, h, 1, w]))))), [1, h, w, 1]) as tf.Tensor4D : start!.out;
    done.push({ from: y, boxes, out });
    return out;
  };
  return {
    blur, sigmoid: (t) => tf.sigmoid(t), mul: (a, b) => tf.mul(a, b), add: (a, b) => tf.add(a, b), sub: (a, b) => tf.sub(a, b),
    constant: (v) => tf.scalar(v) as unknown as tf.Tensor4D,
  };
}
