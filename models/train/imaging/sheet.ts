// Pictures of a run that people judge GANs by: sample sheets (bicubic | generator | truth)
// and loss curves, written as PNGs into the run folder.
import type { Image } from './image.js';

/** Tiles equally sized images into rows x cols (row-major), with a 2-pixel dark gutter. */
export function tile(images: Image[], cols: number): Image {
  const { width: w, height: h } = images[0];
  const rows = Math.ceil(images.length / cols), gap = 2;
  const W = cols * w + (cols - 1) * gap, H = rows * h + (rows - 1) * gap;
  const data = new Float32Array(W * H * 3).fill(0.1);
  images.forEach((img, k) => {
    const x0 = (k % cols) * (w + gap), y0 = Math.floor(k / cols) * (h + gap);
    for (let y = 0; y < h; y++) data.set(img.data.subarray(y * w * 3, (y + 1) * w * 3), ((y0 + y) * W + x0) * 3);
  });
  return { width: W, height: H, data };
}

const COLORS: [number, number, number][] = [[0.2, 0.4, 0.9], [0.9, 0.3, 0.2], [0.2, 0.7, 0.3], [0.6, 0.3, 0.8]];

/**
 * One panel per series, stacked (l1, adv, d for the trainer), each scaled to its own range,
 * with a lighter raw trace under a moving average. Steps run left to right.
 */
export function plotCurves(series: { values: (number | undefined)[] }[], width = 800, panelHeight = 160): Image {
  const H = panelHeight * series.length;
  const data = new Float32Array(width * H * 3).fill(1);
  const dot = (x: number, y: number, c: [number, number, number], a: number) => {
    if (x < 0 || y < 0 || x >= width || y >= H) return;
    const i = (y * width + x) * 3;
    for (let k = 0; k < 3; k++) data[i + k] = data[i + k] * (1 - a) + c[k] * a;
  };
  series.forEach((s, p) => {
    const top = p * panelHeight, pad = 8;
    for (let x = 0; x < width; x++) dot(x, top, [0.7, 0.7, 0.7], 1);
    const pts = s.values.map((v, i) => [i, v] as const).filter((e): e is readonly [number, number] => e[1] !== undefined && Number.isFinite(e[1]));
    if (pts.length < 2) return;
    // 1st..99th percentile, so the first steps' spike does not flatten the rest of the curve.
    const sorted = pts.map((e) => e[1]).sort((a, b) => a - b);
    const lo = sorted[Math.floor(0.01 * (sorted.length - 1))], hi = sorted[Math.ceil(0.99 * (sorted.length - 1))];
    const first = pts[0][0], last = pts[pts.length - 1][0];
    const px = (i: number) => Math.round(((i - first) / Math.max(1, last - first)) * (width - 1));
    const py = (v: number) => top + pad + Math.round((1 - Math.min(1, Math.max(0, (v - lo) / (hi - lo || 1)))) * (panelHeight - 2 * pad));
    const win = Math.max(1, Math.round(pts.length / 50));
    let sum = 0;
    pts.forEach(([i, v], k) => {
      dot(px(i), py(v), COLORS[p % COLORS.length], 0.25);
      sum += v - (k >= win ? pts[k - win][1] : 0);
      const avg = sum / Math.min(k + 1, win);
      for (let dy = -1; dy <= 1; dy++) dot(px(i), py(avg) + dy, COLORS[p % COLORS.length], 0.9);
    });
  });
  return { width, height: H, data };
}
