// "Would someone name the style?": a small classifier that tells photos, anime, cartoons and
// paintings apart from statistics no training loss optimises (hue, saturation and value
// histograms, a gradient-magnitude histogram, local binary patterns, how dark the strong edges
// are, how few colours there are), trained on crops of the style sets and of the training
// photos. A style filter's score is the share of its outputs (on held-out photos) that the
// classifier names as its style.
import { type Image } from '../imaging/image.js';
import { Rng } from '../core/data.js';
import { contentCrop, type StyleSet } from './data.js';

export const CLASSES = ['photo', 'anime', 'cartoon', 'painting'] as const;
export type StyleClass = (typeof CLASSES)[number];

/** 42 statistics of an image (RGB in [0,1]). */
export function styleStatistics(img: Image): number[] {
  const { width: w, height: h, data } = img;
  const n = w * h;
  const hue = new Array(12).fill(0), sat = new Array(4).fill(0), val = new Array(4).fill(0);
  const y = new Float32Array(n);
  const colours = new Set<number>();
  for (let i = 0; i < n; i++) {
    const r = data[i * 3], g = data[i * 3 + 1], b = data[i * 3 + 2];
    const hi = Math.max(r, g, b), lo = Math.min(r, g, b), c = hi - lo;
    const s = hi > 0 ? c / hi : 0;
    if (c > 1e-6) {
      const hh = hi === r ? ((g - b) / c + 6) % 6 : hi === g ? (b - r) / c + 2 : (r - g) / c + 4;
      hue[Math.min(11, Math.floor(hh * 2))] += s;
    }
    sat[Math.min(3, Math.floor(s * 4))]++;
    val[Math.min(3, Math.floor(hi * 4))]++;
    y[i] = 0.299 * r + 0.587 * g + 0.114 * b;
    colours.add((Math.round(r * 15) << 8) | (Math.round(g * 15) << 4) | Math.round(b * 15));
  }
  const hueSum = hue.reduce((a, v) => a + v, 0) || 1;
  const grads = new Array(8).fill(0), lbp = new Array(10).fill(0);
  let edgeLuma = 0, edges = 0, m = 0, grain = 0, smooth = 0;
  for (let r = 1; r < h - 1; r++) for (let c = 1; c < w - 1; c++) {
    const i = r * w + c;
    const gm = Math.hypot(y[i + 1] - y[i - 1], y[i + w] - y[i - w]) / 2;
    grads[Math.min(7, Math.max(0, Math.floor(Math.log2(gm * 256 + 1))))]++;
    if (gm > 0.08) { edgeLuma += y[i]; edges++; }
    // Grain: the Laplacian where the picture is smooth (sensor noise and film grain; renders and flat paint have none).
    if (gm < 0.02) { grain += Math.abs(4 * y[i] - y[i - 1] - y[i + 1] - y[i - w] - y[i + w]); smooth++; }
    // Uniform local binary pattern (8 neighbours, a 2-level threshold): bins 0-8 by the number of
    // brighter neighbours when the pattern has at most two transitions, 9 otherwise.
    const nb = [i - w - 1, i - w, i - w + 1, i + 1, i + w + 1, i + w, i + w - 1, i - 1].map((j) => (y[j] > y[i] + 0.02 ? 1 : 0));
    let transitions = 0;
    for (let k = 0; k < 8; k++) transitions += nb[k] !== nb[(k + 1) % 8] ? 1 : 0;
    lbp[transitions <= 2 ? nb.reduce((a: number, v) => a + v, 0) : 9]++;
    m++;
  }
  const meanY = y.reduce((a, v) => a + v, 0) / n;
  return [
    ...hue.map((v) => v / hueSum), ...sat.map((v) => v / n), ...val.map((v) => v / n),
    ...grads.map((v) => v / m), ...lbp.map((v) => v / m),
    edges ? edgeLuma / edges - meanY : 0, edges / m, Math.log(colours.size) / Math.log(4096),
    smooth ? Math.log(1e-4 + grain / smooth) : Math.log(1e-4), smooth / m,
  ];
}

export interface Classifier {
  mean: number[];
  sd: number[];
  /** [class][feature + bias] */
  weights: number[][];
  /** Accuracy on held-out crops of images the classifier was not trained on. */
  heldOutAccuracy: number;
  /** Held-out crops by [true class][named class]. */
  confusion: number[][];
}

function softmax(z: number[]): number[] {
  const top = Math.max(...z);
  const e = z.map((v) => Math.exp(v - top));
  const s = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / s);
}

export function classify(c: Classifier, img: Image): number[] {
  const x = styleStatistics(img).map((v, k) => (v - c.mean[k]) / c.sd[k]);
  return softmax(c.weights.map((w) => w.reduce((a, wk, k) => a + wk * (k < x.length ? x[k] : 1), 0)));
}

/**
 * Multinomial logistic regression (L2 0.01, 400 full-batch gradient steps) on `crops` crops of
 * each set's images; every 4th image of each set is held out to measure the classifier itself.
 */
export function trainClassifier(sets: Record<StyleClass, Image[]>, size: number, crops = 8, seed = 1): Classifier {
  const rng = new Rng(seed);
  const rows: { x: number[]; y: number; heldOut: boolean }[] = [];
  CLASSES.forEach((cls, y) => sets[cls].forEach((img, i) => {
    const single: StyleSet = { groups: [{ source: cls, images: [img] }], count: 1 };
    for (let k = 0; k < crops; k++) rows.push({ x: styleStatistics(contentCrop(single, rng, Math.min(size, img.width, img.height))), y, heldOut: i % 4 === 3 });
  }));
  const train = rows.filter((r) => !r.heldOut), test = rows.filter((r) => r.heldOut);
  const dims = train[0].x.length;
  const mean = Array.from({ length: dims }, (_, k) => train.reduce((a, r) => a + r.x[k], 0) / train.length);
  const sd = mean.map((mu, k) => Math.sqrt(train.reduce((a, r) => a + (r.x[k] - mu) ** 2, 0) / train.length) || 1);
  const norm = (x: number[]) => [...x.map((v, k) => (v - mean[k]) / sd[k]), 1];
  // Each class weighted by the inverse of its count: the sets differ in size tenfold.
  const counts = CLASSES.map((_, y) => train.filter((r) => r.y === y).length);
  const weights = CLASSES.map(() => new Array(dims + 1).fill(0));
  const xs = train.map((r) => norm(r.x));
  for (let step = 0; step < 400; step++) {
    const grad = weights.map((w) => w.map(() => 0));
    xs.forEach((x, i) => {
      const p = softmax(weights.map((w) => w.reduce((a, wk, k) => a + wk * x[k], 0)));
      const wt = 1 / counts[train[i].y];
      p.forEach((pc, c) => { const e = (pc - (c === train[i].y ? 1 : 0)) * wt; x.forEach((xk, k) => { grad[c][k] += e * xk; }); });
    });
    weights.forEach((w, c) => w.forEach((_, k) => { w[k] -= 2 * (grad[c][k] / CLASSES.length + 0.01 * w[k]); }));
  }
  const c: Classifier = { mean, sd, weights, heldOutAccuracy: 0, confusion: [] };
  const predict = (x: number[]) => { const p = softmax(weights.map((w) => w.reduce((a, wk, k) => a + wk * x[k], 0))); return p.indexOf(Math.max(...p)); };
  c.heldOutAccuracy = test.filter((r) => predict(norm(r.x)) === r.y).length / (test.length || 1);
  c.confusion = CLASSES.map((_, y) => CLASSES.map((__, p) => test.filter((r) => r.y === y && predict(norm(r.x)) === p).length));
  return c;
}

/** For outputs of a style filter: the share the classifier names as `target`, and its mean probability. */
export function styleScore(c: Classifier, outputs: Image[], target: StyleClass): { named: number; probability: number; names: Record<StyleClass, number> } {
  const t = CLASSES.indexOf(target);
  const names = Object.fromEntries(CLASSES.map((k) => [k, 0])) as Record<StyleClass, number>;
  let prob = 0;
  for (const img of outputs) {
    const p = classify(c, img);
    names[CLASSES[p.indexOf(Math.max(...p))]]++;
    prob += p[t];
  }
  return { named: names[target] / outputs.length, probability: prob / outputs.length, names };
}
