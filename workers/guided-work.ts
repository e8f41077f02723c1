// A style filter run at a working size below the frame's (Auto's live tiers), brought back to the
// frame's own size with the frame's own edges: fast guided upsampling (Wu et al., "Fast
// End-to-End Trainable Guided Filter", CVPR 2018; He & Sun, "Fast Guided Filter", 2015). Per
// channel, in each small window of the downsized frame x and the filter's output y there, y is
// fitted as a·x + b; a and b are averaged, resized to the frame's size, and applied to the frame
// itself. Where the look follows the photo (an outline on an edge, a cel-shaded cheek) the result
// has the photo's full-resolution edge; where the look is flat (a ≈ 0) photo texture stays out.
// Enlarging y alone (the old path) gave a 640x480 camera a 240x180 picture, 2.7x blurred.
import * as tf from '@tensorflow/tfjs';
import { gcd, lcm } from './tile-plan.js';
import { scaledSize } from './pixels.js';
import { BAND_FLOOR, lineMap, softKuwahara, type BandParams, type PaintParams } from './outlines.js';
import { lumaOfPicture, planeOps } from './plane-ops.js';
import type { FilterEntry } from './types.js';

/** Radius of the fitting windows, in working-size pixels: 3x3 windows keep eyes and glasses (a few pixels at 240x180). */
export const GUIDE_RADIUS = 1;
/** Most rows (of the shorter side) the outlines are drawn at (outlined): a 640x480 camera's own. */
export const LINE_SIDE = 480;
/** Regularizer of each fit (colour units squared): texture under a 1-level spread gets no slope. */
export const GUIDE_EPS = 1e-4;

/**
 * Rows on which a band of a frame run at `scale` must start (and end) to sample the whole
 * frame's working grid: its prefilter's blocks whole, and the row a whole working-size row
 * (3/8 of a 640x480 camera: 8), and the brushwork's and the ink's blocks whole (paintBlock, INK_BLOCK). Without the
 * working grid (no row up to 64 has it), the brushwork's blocks alone: bands then differ at the
 * seams by the grid's phase (style-anime on two bands: 27 levels at most, at a seam).
 */
export function guideAlign(scale: number): number {
  const d = Array.from({ length: 64 }, (_, i) => i + 1).find((n) => Math.abs(n * scale - Math.round(n * scale)) < 1e-6);
  const k = Math.max(1, Math.floor(1 / scale));
  return lcm(lcm(d ? (d * k) / gcd(d, k) : 1, paintBlock(scale)), INK_BLOCK);
}

/**
 * The brushwork is drawn at about 8/3 of the working size: 240 rows for a 640x480 camera at
 * 3/16 and for a 1280x720 one at 1/8 (drawn at 480 rows it added 26 ms to a 640x480 frame on one
 * thread, Node; at 240, 8). A whole block of the frame's pixels, the same for a frame and for
 * each band of it (a band's own size had joined two bands 33 levels apart).
 */
const PAINT_PER_WORK = 8 / 3;

/** The side of the frame's pixel blocks the brushwork is drawn from at working scale `scale`. */
export const paintBlock = (scale: number): number => Math.max(1, Math.floor(1 / (scale * PAINT_PER_WORK) + 1e-6));

/**
 * Ink lines (LineParams.flatten) are drawn from 2x2 blocks of the picture the outlines are drawn
 * at (LINE_SIDE): 240 rows for any camera and working size. From the brushwork's blocks of the
 * frame (paintBlock: 160 rows for a 640x480 camera at 1/8, the extension's working size) the anime
 * drew fewer, softer lines, and 6 blind raters named it painting 86 of 108; from these, anime 88.
 */
const INK_BLOCK = 2;

/**
 * The picture a frame of rows x cols has its outlines drawn at when larger than LINE_SIDE (null:
 * at its own size): rows x cols shrunk by the box prefilter k (pooledRows left), then bilinear.
 * A band of the frame is shrunk by the same factors (its rows in proportion), so it samples the
 * whole frame's grid: from its own size, two bands of a 1920x1080 anime frame met 87-96 levels
 * apart at the seam.
 */
function linePicture(rows: number, cols: number): { rows: number; cols: number; k: number; pooledRows: number } | null {
  const f = Math.min(rows, cols) / LINE_SIDE;
  if (f <= 1) return null;
  const w = Math.round(cols / f);
  const at = (h: number) => {
    const k = Math.max(1, Math.floor(Math.min(rows / h, cols / w))), pooledRows = Math.floor(rows / k);
    return { rows: h, cols: w, k, pooledRows, period: (k * pooledRows) / gcd(pooledRows, h) };
  };
  // Of the row counts within 2% of rows / f, the one whose sampling grid repeats soonest, so that
  // bands can split the frame: 853 rows for a 1080x1920 portrait frame repeat only every 1920
  // rows, 840 every 16. 1920x1080 and 1280x720 keep 480 (every 18 and 3 rows).
  const near = Array.from({ length: 2 * Math.floor(0.02 * rows / f) + 1 }, (_, i) => at(Math.round(rows / f) + (i % 2 ? (i + 1) / 2 : -i / 2)));
  const { period, ...best } = near.reduce((a, b) => (b.period < a.period ? b : a));
  return best;
}

/**
 * Rows on which a band of a frame of rows x cols must start for its outlines' picture to be the
 * whole frame's rows (linePicture): whole prefilter blocks, on a whole and even (INK_BLOCK) row
 * of the picture. `rows` (no bands) where none up to it is (a height the prefilter leaves rows of).
 */
export function lineAlign(rows: number, cols: number): number {
  const p = linePicture(rows, cols);
  if (!p) return 1;
  if (rows % p.k) return rows;
  for (let a = p.k; a < rows; a += p.k) {
    const at = (a / p.k) * p.rows / p.pooledRows;
    if (Number.isInteger(at) && at % INK_BLOCK === 0) return a;
  }
  return rows;
}

/** The fit's a and b at the working size, already averaged over each window. */
export interface GuideFit { a: tf.Tensor4D; b: tf.Tensor4D }

/** What of a style's look the guided stage draws itself at the frame's size (FilterEntry.lines, bands and paint). */
export type GuideLook = Pick<FilterEntry, 'lines' | 'bands' | 'paint'>;

/**
 * What a guided frame needs besides the frame itself: the fit, and the keep factor (one
 * channel) at the size the outlines are drawn at: 1 - strength x line map for the outlines,
 * times each pixel's band factor for the bands (outlines.ts BandParams) and brushwork factor for
 * the paint (PaintParams), or null for a look with none of them. The output at the frame's full
 * size is made only by applyGuide (or by its WASM SIMD twin in one pass, wasm-guide.ts: a
 * 1280x720 frame's guided stage took 56 ms on one thread as separate tfjs ops).
 */
export interface GuideParts extends GuideFit { keep: tf.Tensor4D | null }

/** The luma [1,h,w,1] of the fit applied to a frame xs [1,h,w,3]: what the outlines are drawn from. */
export type GuidedLuma = (fit: GuideFit, xs: tf.Tensor4D) => tf.Tensor4D;

export const guidedLuma: GuidedLuma = (fit, xs) => lumaOfPicture(applyGuide({ a: fit.a, b: fit.b, keep: null }, xs));

/**
 * The frame x [1,H,W,3] downsized to `scale` (a box prefilter by the whole factor, then bilinear:
 * no aliasing from skipped pixels), filtered by `run`, and fitted: GuideParts. `wholeRows`: the
 * whole frame's rows when x is a band of it (host/filter-session.ts), for its outlines' picture.
 */
export function guideParts(run: (x: tf.Tensor4D) => tf.Tensor4D, x: tf.Tensor4D, scale: number, look: GuideLook = {}, lumaOf = guidedLuma, wholeRows?: number): GuideParts {
  const [, H, W] = x.shape;
  const { width: w, height: h } = scaledSize(W, H, scale);
  const low = shrink(x, h, w);
  const y = run(low);
  const box = (t: tf.Tensor4D) => tf.avgPool(t, 2 * GUIDE_RADIUS + 1, 1, 'same');
  const mx = box(low), my = box(y);
  const cov = tf.sub(box(tf.mul(low, y)), tf.mul(mx, my));
  const v = tf.sub(box(tf.mul(low, low)), tf.mul(mx, mx));
  const a = tf.div(cov, tf.add(v, GUIDE_EPS)) as tf.Tensor4D;
  const b = tf.sub(my, tf.mul(a, mx)) as tf.Tensor4D;
  const fit = { a: box(a), b: box(b) };
  const { lines, bands, paint } = look;
  if (!lines && !bands && !paint) return { ...fit, keep: null };
  const ops = planeOps();
  // Drawn at no more than LINE_SIDE rows (a larger frame's lines from its downsized picture, the
  // map enlarged back): the same outlines for the same face whatever the camera's size, and a
  // 1280x720 frame's in 25 ms instead of 42 on one thread (Node, tfjs-wasm). Each stage a factor,
  // so the full-size pass costs nothing more (banding each pixel there added 35 ms to a 1280x720
  // frame's SIMD pass): the bands taken from the outlined luma, the brushwork (and ink lines) from the frame's.
  const pic = linePicture(wholeRows ?? H, W);
  const xs = lines || bands ? (pic ? shrink(x, Math.round((Math.floor(H / pic.k) * pic.rows) / pic.pooledRows), pic.cols, pic.k) : x) : null;
  // The frame (for the brushwork) or the outlines' picture (for ink lines) in whole blocks, its luma
  // flattened by the soft Kuwahara: what the brushwork and ink lines are drawn from. A strip too
  // thin for the Kuwahara's windows (never a camera's frame) keeps the guided picture's lines and no brushwork.
  const inBlocks = (t: tf.Tensor4D, k: number) => (k === 1 ? t : Math.min(t.shape[1], t.shape[2]) >= k ? tf.avgPool(t, k, k, 'valid') as tf.Tensor4D : null);
  const flat = (px: tf.Tensor4D | null, r: number) => {
    if (!px || Math.min(px.shape[1], px.shape[2]) <= r) return null;
    const l = lumaOfPicture(px);
    return softKuwahara(l, l, r, ops);
  };
  const ink = lines?.flatten ? flat(inBlocks(xs!, INK_BLOCK), lines.flatten) : null;
  const luma = xs && (bands || (lines && !ink)) ? lumaOf(fit, xs) : null;
  const lineLuma = ink ? sized(ink, xs!.shape[1], xs!.shape[2]) : luma;
  const dark = lines ? tf.sub(1, tf.mul(lineMap(lineLuma!, ops, lines), lines.strength)) as tf.Tensor4D : null;
  const band = bands ? bandFactors(dark ? tf.mul(luma!, dark) as tf.Tensor4D : luma!, bands) : null;
  let brush: tf.Tensor4D | null = null;
  const px = paint ? inBlocks(x, paintBlock(scale)) : null;
  const painted = paint ? flat(px, paint.radius) : null;
  if (painted) {
    // Brought to the outlines' size when there are outlines or bands, so the factors multiply.
    brush = brushFactors(px!, painted, px === xs && luma ? luma : lumaOf(fit, px!), lumaOfPicture(low), paint!, ops);
    if (xs) brush = sized(brush, xs.shape[1], xs.shape[2]);
  }
  const keep = [dark, band, brush].filter((t): t is tf.Tensor4D => t !== null);
  return { ...fit, keep: keep.length ? keep.reduce((a, b) => tf.mul(a, b)) : null };
}

/** The fit applied to the frame x at its own size: a·x + b, times the keep factor (outlines, bands, brushwork). */
export function applyGuide(p: GuideParts, x: tf.Tensor4D): tf.Tensor4D {
  const [, H, W] = x.shape;
  const up = (t: tf.Tensor4D) => sized(t, H, W);
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

/** The smallest luma the brushwork's ratio divides by: near black it adds, not multiplies (hair stays dark, not tinted). */
const BRUSH_FLOOR = 0.02;
/** The most the brushwork brightens a pixel: a dark pixel's colour scaled further turned a speck of its hue. */
const BRUSH_MAX = 4;

/**
 * Each pixel's brushwork factor (outlines.ts PaintParams) at the size of px (the frame in
 * paintBlock blocks): the guided picture's luma there (`guided`) moved by `paint`, the soft
 * Kuwahara of the frame's own luma (its detail above the working-size frame's luma `low`,
 * enlarged, and its relief), as a ratio.
 */
function brushFactors(px: tf.Tensor4D, paint: tf.Tensor4D, guided: tf.Tensor4D, low: tf.Tensor4D, p: PaintParams, ops: ReturnType<typeof planeOps>): tf.Tensor4D {
  const [, h, w] = px.shape;
  const detail = tf.sub(paint, sized(low, h, w));
  const relief = tf.sub(paint, ops.blur(paint, 1));
  // The guided luma below 0 (a·x + b overshoots at a dark edge) divided by about nothing: 120
  // bright specks in dark hair over 18 live frames at 3/16, 6 with the clamp and the cap.
  const g = tf.relu(guided);
  const target = tf.relu(tf.add(g, tf.add(tf.mul(detail, p.detail), tf.mul(relief, p.relief))));
  return tf.minimum(tf.div(tf.add(target, BRUSH_FLOOR), tf.add(g, BRUSH_FLOOR)), BRUSH_MAX) as tf.Tensor4D;
}

/** x [1,H,W,C] at h x w: a box prefilter by the whole factor k (no aliasing from skipped pixels), then bilinear. */
function shrink(x: tf.Tensor4D, h: number, w: number, k = Math.floor(Math.min(x.shape[1] / h, x.shape[2] / w))): tf.Tensor4D {
  const pre = k >= 2 ? tf.avgPool(x, k, k, 'valid') : x;
  return sized(pre, h, w);
}

/** t [1,h',w',C] at h x w (bilinear, half-pixel centres: the grid every stage here samples), or t itself at that size. */
function sized(t: tf.Tensor4D, h: number, w: number): tf.Tensor4D {
  return t.shape[1] === h && t.shape[2] === w ? t : tf.image.resizeBilinear(t, [h, w], false, true);
}

/**
 * The frame x [1,H,W,3] downsized to `scale`, filtered by `run`, and guided back up to H x W,
 * with the look's outlines and bands drawn again at the frame's size when it has them (from the
 * guided picture's own luma: the frame's luma drew every freckle and hair as a dot; the guided
 * picture's is flat where the look is), and its brushwork (from the frame's luma, through paint).
 */
export function guidedWork(run: (x: tf.Tensor4D) => tf.Tensor4D, x: tf.Tensor4D, scale: number, look: GuideLook = {}, wholeRows?: number): tf.Tensor4D {
  return tf.tidy(() => {
    // A frame of 480 rows or fewer has its outlines drawn from the guided picture at its own
    // size, which is the output before the keep factor: made once, not again by applyGuide.
    const seen: { guided?: tf.Tensor4D } = {};
    const p = guideParts(run, x, scale, look, (fit, xs) => {
      if (xs !== x) return guidedLuma(fit, xs);
      seen.guided = applyGuide({ a: fit.a, b: fit.b, keep: null }, x);
      return lumaOfPicture(seen.guided);
    }, wholeRows);
    return seen.guided && p.keep ? tf.mul(seen.guided, p.keep) as tf.Tensor4D : applyGuide(p, x);
  });
}
