// The style looks' outlines, one formula for the three places that draw them: training and the
// exported graph (models/train/imaging/looks.ts, at the size the network runs at), and the worker
// (guided-work.ts), which draws them again at the frame's own size when a style runs at a
// smaller working size: there the look's own lines come back softened by the guided upsampling,
// and a 640x480 camera's cartoon at 3/8 lost its outlines (blind raters called it a painting).

/** Blur sigma, the dip of the luma's difference of Gaussians where a line starts, its steepness, and how dark a line is. */
export interface LineParams { sigma: number; dip: number; phi: number; strength: number }

/**
 * Flat bands of luma (a cartoon's cel fills): each pixel scaled by l' / l, where l is its luma
 * and l' = strength·(floor(t) + smoothstep(t - floor(t))) / levels + (1 - strength)·l with
 * t = l·levels: luma pulled toward `levels` steps, each rising over `width` of a level (so the
 * picture stays continuous). guided-work.ts draws them with the outlines.
 */
export interface BandParams { levels: number; width: number; strength: number }

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

/** A normalized Gaussian kernel of radius ceil(3 sigma). */
export function gaussianTaps(sigma: number): number[] {
  const r = Math.ceil(3 * sigma);
  const w = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / sum);
}
