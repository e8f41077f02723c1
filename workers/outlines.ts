// What the style looks draw that a guided upsampling would soften, one formula for the three
// places that draw it: training and the exported graph (models/train/imaging/looks.ts, at the size
// the network runs at), and the worker (guided-work.ts), which draws it again at the frame's own
// size when a style runs at a smaller working size. There the look's own lines come back
// softened: a 640x480 camera's cartoon at 3/8 lost its outlines (blind raters called it a
// painting), and at 3/16 the painting smeared a face's eyes and mouth into its patches.

/**
 * Blur sigma, the dip of the luma's difference of Gaussians where a line starts, its steepness,
 * and how dark a line is. `flatten` (the worker's, at a working size): ink lines, drawn from the
 * frame's own luma flattened by a soft Kuwahara of that radius (skin texture and freckles gone,
 * eyes, brows, nose and mouth kept) instead of from the guided picture, which is flat where the
 * network smears a soft webcam face's eyes.
 */
export interface LineParams { sigma: number; dip: number; phi: number; strength: number; flatten?: number }

/**
 * Flat bands of luma (a cartoon's cel fills): each pixel scaled by l' / l, where l is its luma
 * and l' = strength·(floor(t) + smoothstep(t - floor(t))) / levels + (1 - strength)·l with
 * t = l·levels: luma pulled toward `levels` steps, each rising over `width` of a level (so the
 * picture stays continuous). guided-work.ts draws them with the outlines.
 */
export interface BandParams { levels: number; width: number; strength: number }

/**
 * The painting's brushwork at the frame's size: the frame's own luma through a soft Kuwahara of
 * `radius` (softKuwahara), whose detail above the working-size picture (times `detail`) and
 * relief (its detail above a blur of sigma 1, times `relief`) are added to the guided picture's
 * luma. The working size keeps the look's colour and patches; this brings back, as paint, the
 * eyes, brows and mouth it smears.
 */
export interface PaintParams { radius: number; detail: number; relief: number }

/** Added to luma before banding: black stays black, not a division by zero. */
export const BAND_FLOOR = 1e-3;

/** The operations a line map is written in; `T` is a tensor, or a graph node name in export. */
export interface LineOps<T> {
  /** Gaussian blur of one channel, mirrored borders. */
  blur(y: T, sigma: number): T;
  sigmoid(t: T): T;
  mul(a: T, b: T): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  constant(v: number): T;
}

/** Where the luma's difference of Gaussians dips (the dark side of an edge), in [0,1]; about 0 on flat areas. */
export function lineMap<T>(luma: T, o: LineOps<T>, p: Omit<LineParams, 'strength'>): T {
  const dog = o.sub(o.blur(luma, p.sigma), o.blur(luma, 1.6 * p.sigma));
  return o.sigmoid(o.mul(o.add(dog, o.constant(p.dip)), o.constant(-p.phi)));
}

/** The operations a soft Kuwahara is written in (a look's ops, or the worker's planes). */
export interface KuwaharaOps<T> {
  /** Mean over the (r+1)^2 window whose corner is the pixel, toward quadrant q (0: up-left, 1: up-right, 2: down-left, 3: down-right), mirrored borders. */
  quadrant(x: T, r: number, q: number): T;
  /** Gaussian blur of one channel, mirrored borders. */
  blur(y: T, sigma: number): T;
  mul(a: T, b: T): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  div(a: T, b: T): T;
  constant(v: number): T;
}

/**
 * Each quadrant weighs (eps / (variance + eps))² (luma variance in [0,1] units squared), so the
 * flattest quadrant mostly wins, as in the hard filter, but smoothly (trainable) and without
 * underflow (the ratio of weights is what counts); each weight map is blurred by weightSigma
 * before the weights are normalised, so the patches' borders round off instead of following
 * the square quadrants in steps (models/train/imaging/looks.ts gives the measurements).
 */
export const KUWAHARA_WEIGHTS = { eps: 1e-4, weightSigma: 1 };

/**
 * Soft Kuwahara of radius r: each pixel the weighted mean of `values` (the luma l itself, or
 * the colours) over the four quadrants around it, weighted by how flat l is in each: flat
 * patches of paint with crisp borders.
 */
export function softKuwahara<T>(l: T, values: T, r: number, o: KuwaharaOps<T>): T {
  const { eps, weightSigma } = KUWAHARA_WEIGHTS;
  const l2 = o.mul(l, l);
  let num = o.constant(0), den = o.constant(1e-12);
  for (let q = 0; q < 4; q++) {
    const m = o.quadrant(l, r, q);
    const w1 = o.div(o.constant(eps), o.add(o.sub(o.quadrant(l2, r, q), o.mul(m, m)), o.constant(eps)));
    const w = o.blur(o.mul(w1, w1), weightSigma);
    num = o.add(num, o.mul(values === l ? m : o.quadrant(values, r, q), w));
    den = o.add(den, w);
  }
  return o.div(num, den);
}

/** A normalized Gaussian kernel of radius ceil(3 sigma). */
export function gaussianTaps(sigma: number): number[] {
  const r = Math.ceil(3 * sigma);
  const w = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / sum);
}
