// Where tiles and bands of a frame start and end, with the context each needs so that filtering
// them apart gives the same output as filtering the whole frame (see tiling.ts). Plain
// arithmetic: the worker tiles large frames with it, and the host splits a frame into bands
// for several workers (host/filter-session.ts).

/** Frames with more input pixels than this are tiled (1280x720 runs whole). */
export const TILE_ABOVE_PIXELS = 1280 * 720;
export const TILE_SIZE = 512;
/** Context around each tile, in input pixels: above the style networks' receptive radius (about 26). */
export const TILE_OVERLAP = 32;

export const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
export const lcm = (a: number, b: number): number => (a * b) / gcd(a, b);

export interface Tile {
  /** The core this tile contributes, in input pixels. */
  x: number; y: number; w: number; h: number;
  /** The window actually run through the model (core plus context, clamped to the frame). */
  wx: number; wy: number; ww: number; wh: number;
}

export function planTiles(width: number, height: number, size: number, overlap: number, multiple = 1): Tile[] {
  const step = Math.max(multiple, size - (size % multiple));
  const tiles: Tile[] = [];
  for (let y = 0; y < height; y += step) for (let x = 0; x < width; x += step) {
    const w = Math.min(step, width - x), h = Math.min(step, height - y);
    const wx = Math.max(0, Math.floor((x - overlap) / multiple) * multiple), wy = Math.max(0, Math.floor((y - overlap) / multiple) * multiple);
    const ww = Math.min(width, x + w + overlap) - wx, wh = Math.min(height, y + h + overlap) - wy;
    tiles.push({ x, y, w, h, wx, wy, ww, wh });
  }
  return tiles;
}

export interface Band {
  /** The rows this band contributes, in input pixels. */
  y: number; h: number;
  /** The rows actually run through the model (core plus context, clamped to the frame). */
  wy: number; wh: number;
}

/** `n` horizontal bands of about equal height, cores and windows starting and ending on multiples of `multiple` (or the frame's edge). */
export function planBands(height: number, n: number, overlap: number, multiple = 1): Band[] {
  const step = Math.max(multiple, Math.ceil(height / n / multiple) * multiple);
  const bands: Band[] = [];
  for (let y = 0; y < height; y += step) {
    const h = Math.min(step, height - y);
    const wy = Math.max(0, Math.floor((y - overlap) / multiple) * multiple);
    bands.push({ y, h, wy, wh: Math.min(height, Math.ceil((y + h + overlap) / multiple) * multiple) - wy });
  }
  return bands;
}
