// How style filters are judged, with no paired ground truth: structure kept (SSIM of luma
// against the input), closeness of simple image statistics to the style set, and stability
// (a shifted input gives the shifted output; frame-to-frame change on a panning clip).
import * as tf from '@tensorflow/tfjs';
import { crop, type Image } from '../imaging/image.js';
import { lumaY, ssimY } from '../imaging/metrics.js';
import { toTensor } from '../sr/evaluate.js';
import { styleScore, type Classifier, type StyleClass } from './score.js';

export type Stylize = (x: tf.Tensor4D) => tf.Tensor4D;

export function stylize(run: Stylize, img: Image): Image {
  const out = tf.tidy(() => tf.clipByValue(run(toTensor(img)), 0, 1));
  const data = out.dataSync() as Float32Array;
  out.dispose();
  return { width: img.width, height: img.height, data };
}

export const centerCrop = (img: Image, size: number): Image => {
  const s = Math.min(size, img.width, img.height);
  return crop(img, (img.width - s) >> 1, (img.height - s) >> 1, s, s);
};

/**
 * Statistics a style is recognisable by: colour means and spreads, saturation, and how the
 * luma's gradients are distributed (flat areas, strong edges). Ten numbers per image.
 */
export function styleFeatures(img: Image): number[] {
  const n = img.width * img.height, y = lumaY(img).map((v) => (v - 16) / 219);
  const mean = [0, 0, 0], sq = [0, 0, 0];
  let sat = 0;
  for (let i = 0; i < n; i++) {
    const px = [0, 1, 2].map((c) => img.data[i * 3 + c]);
    px.forEach((v, c) => { mean[c] += v; sq[c] += v * v; });
    const hi = Math.max(...px), lo = Math.min(...px);
    sat += hi > 0 ? (hi - lo) / hi : 0;
  }
  let grad = 0, flat = 0, edge = 0, m = 0;
  for (let r = 0; r < img.height - 1; r++) for (let c = 0; c < img.width - 1; c++) {
    const i = r * img.width + c;
    const g = Math.hypot(y[i + 1] - y[i], y[i + img.width] - y[i]);
    grad += g; flat += g < 0.01 ? 1 : 0; edge += g > 0.1 ? 1 : 0; m++;
  }
  const mu = mean.map((s) => s / n);
  return [...mu, ...sq.map((s, c) => Math.sqrt(Math.max(0, s / n - mu[c] ** 2))), sat / n, grad / m, flat / m, edge / m];
}

const meanOf = (rows: number[][]) => rows[0].map((_, k) => rows.reduce((s, r) => s + r[k], 0) / rows.length);

/**
 * How far a set's statistics moved from the photos' toward the style images': the mean
 * projection onto the line from the photos' mean to the style set's mean, each statistic first
 * divided by its spread over both sets. 0 = photo statistics, 1 = the style set's.
 */
export function styleShift(set: number[][], photos: number[][], styleSet: number[][]): number {
  const mp = meanOf(photos), ms = meanOf(styleSet), both = [...photos, ...styleSet];
  const mb = meanOf(both);
  const sd = mb.map((mu, k) => Math.sqrt(both.reduce((s, r) => s + (r[k] - mu) ** 2, 0) / both.length) || 1);
  const axis = ms.map((v, k) => (v - mp[k]) / sd[k]);
  const len2 = axis.reduce((s, v) => s + v * v, 0) || 1;
  return meanOf(set.map((r) => [r.reduce((s, v, k) => s + ((v - mp[k]) / sd[k]) * axis[k], 0) / len2]))[0];
}

/** Mean absolute difference (0-255 levels) between the output of a shifted input and the shifted output. */
export function shiftError(run: Stylize, img: Image, dy = 1, dx = 1, margin = 8): number {
  const w = img.width - 4, h = img.height - 4;
  const full = stylize(run, img), moved = stylize(run, crop(img, dx, dy, w, h));
  let s = 0, n = 0;
  for (let r = margin; r < h - margin; r++) for (let c = margin; c < w - margin; c++) {
    for (let k = 0; k < 3; k++) s += Math.abs(moved.data[(r * w + c) * 3 + k] - full.data[((r + dy) * img.width + c + dx) * 3 + k]);
    n += 3;
  }
  return (255 * s) / n;
}

/** Mean absolute difference of two images in 0-255 levels. */
export const meanAbsDiff = (a: Image, b: Image): number => (255 * a.data.reduce((s, v, i) => s + Math.abs(v - b.data[i]), 0)) / a.data.length;

/**
 * Flicker on a clip: mean frame-to-frame change of the output over that of the input. About 1
 * for a stable filter; shimmering texture that the source does not have pushes it above 1, and
 * so do stronger edges that move with the content.
 */
export function flicker(outs: Image[], frames: Image[]): number {
  let o = 0, i = 0;
  for (let t = 1; t < frames.length; t++) { o += meanAbsDiff(outs[t], outs[t - 1]); i += meanAbsDiff(frames[t], frames[t - 1]); }
  return o / i;
}

/**
 * Share of pixels (a margin excluded) whose largest channel changes by more than `levels`
 * from one frame to the next, averaged over the clip: how much of the picture visibly moves.
 */
export function changedShare(frames: Image[], levels = 3, margin = 8): number {
  let changed = 0, n = 0;
  for (let t = 1; t < frames.length; t++) {
    const { width: w, height: h, data: a } = frames[t], b = frames[t - 1].data;
    for (let r = margin; r < h - margin; r++) for (let c = margin; c < w - margin; c++) {
      const i = (r * w + c) * 3;
      const d = Math.max(Math.abs(a[i] - b[i]), Math.abs(a[i + 1] - b[i + 1]), Math.abs(a[i + 2] - b[i + 2]));
      if (255 * d > levels) changed++;
      n++;
    }
  }
  return changed / n;
}

/**
 * Shimmer on the still parts of a clip (the wall behind a talking face): the mean frame-to-frame
 * change in 0-255 levels, over the pixels where neither the input nor any input pixel within
 * `radius` changed by more than `still` levels, for the output and for the input itself (its
 * sensor noise and codec), and the share of the picture that was still. Outlines and cel bands
 * that flip on noise raise the output's figure above the input's.
 */
export function stillShimmer(outs: Image[], frames: Image[], still = 2, radius = 2): { output: number; input: number; share: number } {
  const { width: w, height: h } = frames[0];
  let o = 0, i = 0, n = 0, total = 0;
  const moved = new Uint8Array(w * h), near = new Uint8Array(w * h);
  const change = (a: Float32Array, b: Float32Array, p: number) => 255 * Math.max(Math.abs(a[p] - b[p]), Math.abs(a[p + 1] - b[p + 1]), Math.abs(a[p + 2] - b[p + 2]));
  for (let t = 1; t < frames.length; t++) {
    const a = frames[t].data, b = frames[t - 1].data;
    for (let p = 0; p < w * h; p++) moved[p] = change(a, b, p * 3) > still ? 1 : 0;
    // Dilated by `radius` (rows, then columns): a pixel next to motion is not still.
    near.fill(0);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (moved[y * w + x]) for (let k = Math.max(0, x - radius); k <= Math.min(w - 1, x + radius); k++) near[y * w + k] = 1;
    for (let x = 0; x < w; x++) for (let y = 0; y < h; y++) if (near[y * w + x] === 1) for (let k = Math.max(0, y - radius); k <= Math.min(h - 1, y + radius); k++) if (!near[k * w + x]) near[k * w + x] = 2;
    for (let p = 0; p < w * h; p++) {
      total++;
      if (near[p]) continue;
      o += meanAbsDiff3(outs[t].data, outs[t - 1].data, p * 3);
      i += meanAbsDiff3(a, b, p * 3);
      n++;
    }
  }
  return { output: n ? o / n : 0, input: n ? i / n : 0, share: n / total };
}

/** Mean absolute difference of one RGB pixel, 0-255 levels. */
const meanAbsDiff3 = (a: Float32Array, b: Float32Array, p: number) => (255 * (Math.abs(a[p] - b[p]) + Math.abs(a[p + 1] - b[p + 1]) + Math.abs(a[p + 2] - b[p + 2]))) / 3;

export interface StyleScores {
  /** SSIM of luma, output vs input: 1 = structure untouched. */
  structure: number;
  /** Mean absolute change the filter makes (0-255 levels). */
  change: number;
  /** styleShift of the outputs: 0 = the inputs' statistics, 1 = the style images'. */
  styleShift: number;
  /** shiftError averaged over the images (0-255 levels). */
  shiftError: number;
  /** borderStep averaged over the images: 1 = the outermost rows and columns change like the rest. */
  border: number;
  flicker?: number;
  /** changedShare of the output clip and of the clip itself. */
  changed?: { output: number; source: number };
  /** stillShimmer on the clip. */
  shimmer?: { output: number; input: number; share: number };
  /**
   * The style classifier's judgement (style-score.ts) on the quadrants of the outputs: the share
   * named as the filter's style and its mean probability, and the same for the inputs.
   */
  named?: { output: number; input: number; probability: number; names: Record<StyleClass, number> };
}

/**
 * How much more the output changes from the input along its worst side (outermost row or
 * column) than one pixel further in: a seam or a coloured line along a border shows up here;
 * about 1 when the border is treated like the inside.
 */
export function borderStep(input: Image, output: Image): number {
  const { width: w, height: h } = input;
  const change = (x: number, y: number) => {
    const i = (y * w + x) * 3;
    return Math.abs(output.data[i] - input.data[i]) + Math.abs(output.data[i + 1] - input.data[i + 1]) + Math.abs(output.data[i + 2] - input.data[i + 2]);
  };
  const side = (at: (k: number, depth: number) => [number, number], n: number) => {
    let edge = 1e-6, inner = 1e-6;
    for (let k = 1; k < n - 1; k++) { edge += change(...at(k, 0)); inner += change(...at(k, 1)); }
    return edge / inner;
  };
  return Math.max(
    side((k, d) => [d, k], h), side((k, d) => [w - 1 - d, k], h),
    side((k, d) => [k, d], w), side((k, d) => [k, h - 1 - d], w),
  );
}

/** The four quadrants of an image, the crops the style classifier judges. */
const quadrants = (im: Image): Image[] => {
  const w = im.width >> 1, h = im.height >> 1;
  return [[0, 0], [w, 0], [0, h], [w, h]].map(([x, y]) => crop(im, x, y, w, h));
};

function clipScores(run: Stylize, clip: Image[]): Pick<StyleScores, 'flicker' | 'changed' | 'shimmer'> {
  const outs = clip.map((f) => stylize(run, f));
  return { flicker: flicker(outs, clip), changed: { output: changedShare(outs), source: changedShare(clip) }, shimmer: stillShimmer(outs, clip) };
}

export function evaluateStyle(images: Image[], styleImages: Image[], size: number, run: Stylize, clip?: Image[], judge?: { classifier: Classifier; target: StyleClass }): StyleScores {
  const inputs = images.map((im) => centerCrop(im, size));
  const outs = inputs.map((im) => stylize(run, im));
  const styleSet = styleImages.map((im) => styleFeatures(centerCrop(im, size)));
  const inputSet = inputs.map(styleFeatures);
  const avg = (f: (i: number) => number) => inputs.reduce((s, _, i) => s + f(i), 0) / inputs.length;
  return {
    structure: avg((i) => ssimY(inputs[i], outs[i], 0)),
    change: avg((i) => meanAbsDiff(inputs[i], outs[i])),
    styleShift: styleShift(outs.map(styleFeatures), inputSet, styleSet),
    shiftError: avg((i) => shiftError(run, inputs[i])),
    border: avg((i) => borderStep(inputs[i], outs[i])),
    ...(clip ? clipScores(run, clip) : {}),
    ...(judge ? { named: namedScores(judge.classifier, judge.target, inputs, outs) } : {}),
  };
}

function namedScores(c: Classifier, target: StyleClass, inputs: Image[], outs: Image[]): StyleScores['named'] {
  const o = styleScore(c, outs.flatMap(quadrants), target), i = styleScore(c, inputs.flatMap(quadrants), target);
  return { output: o.named, input: i.named, probability: o.probability, names: o.names };
}
