// Large frames go through the model tile by tile, so a 4K frame never needs the activations of
// the whole frame at once. Each tile is run with `overlap` input pixels of real neighbouring
// context on every side (more than the network's receptive radius) and only its core is kept,
// so the assembled output equals the untiled output: no seams. Tiles start on multiples of the
// filter's inputMultiple, so downsampling networks see the same pixel phase as untiled.
import * as tf from '@tensorflow/tfjs';
import type { RunSpec } from './chain.js';
import type { FrameRun } from './execute.js';
import { readRgba } from './read-rgba.js';
import { TILE_ABOVE_PIXELS, TILE_OVERLAP, TILE_SIZE, planTiles } from './tile-plan.js';
import type { RgbaPixels } from './types.js';

/**
 * Whether a frame of `pixels` input pixels runs tile by tile (executeTiled). Never a guided run:
 * its network tiles itself at the working size (tiledTensor) and the guided stage takes the whole frame.
 */
export const tilesFrame = (run: FrameRun, pixels: number): boolean => !run.parts && pixels > TILE_ABOVE_PIXELS;

/**
 * Runs the filter on [1,H,W,3] tile by tile into `out` (H*scale x W*scale RGBA), reading each
 * tile's output back once and converting it straight into place.
 */
export async function executeTiled(
  run: FrameRun, spec: RunSpec, x: tf.Tensor4D, out: RgbaPixels, tiles = { size: TILE_SIZE, overlap: TILE_OVERLAP },
): Promise<void> {
  const [, height, width] = x.shape;
  // The network's own output scale: less than the filter's when the packing does the last DepthToSpace.
  const s = spec.scale, ns = s / run.block;
  for (const t of planTiles(width, height, tiles.size, tiles.overlap, spec.tileAlign ?? spec.inputMultiple ?? 1)) {
    const core = tf.tidy(() => {
      const y = run.execute(tf.slice(x, [0, t.wy, t.wx, 0], [1, t.wh, t.ww, 3]));
      return tf.slice(y, [0, (t.y - t.wy) * ns, (t.x - t.wx) * ns, 0], [1, t.h * ns, t.w * ns, -1]); // clamped when packed
    });
    try {
      await readRgba(core, run.block, out, t.x * s, t.y * s);
    } finally {
      core.dispose();
    }
  }
}

/**
 * A network that keeps the size (a style's, at its working size) run tile by tile into one
 * tensor, for a guided run whose working size is over TILE_ABOVE_PIXELS (execute.ts): its guided
 * stage then runs once on the whole frame. Tiled as a whole, each tile drew its own working grid
 * and outlines: a 1280x720 anime frame at 1/2 in 256-px tiles met up to 133 levels apart.
 */
export function tiledTensor(net: (x: tf.Tensor4D) => tf.Tensor4D, x: tf.Tensor4D, multiple: number, tiles = { size: TILE_SIZE, overlap: TILE_OVERLAP }): tf.Tensor4D {
  const [, height, width] = x.shape;
  const rows = new Map<number, tf.Tensor4D[]>();
  for (const t of planTiles(width, height, tiles.size, tiles.overlap, multiple)) {
    const core = tf.tidy(() => tf.slice(net(tf.slice(x, [0, t.wy, t.wx, 0], [1, t.wh, t.ww, 3])), [0, t.y - t.wy, t.x - t.wx, 0], [1, t.h, t.w, -1]));
    rows.set(t.y, [...(rows.get(t.y) ?? []), core]);
  }
  const parts = [...rows.values()];
  const out = tf.tidy(() => tf.concat(parts.map((r) => tf.concat(r, 2)), 1) as tf.Tensor4D);
  tf.dispose(parts.flat());
  return out;
}
