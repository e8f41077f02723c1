// Large frames go through the model tile by tile, so a 4K frame never needs the activations of
// the whole frame at once. Each tile is run with `overlap` input pixels of real neighbouring
// context on every side (more than the network's receptive radius) and only its core is kept,
// so the assembled output equals the untiled output: no seams. Tiles start on multiples of the
// filter's inputMultiple, so downsampling networks see the same pixel phase as untiled.
import * as tf from '@tensorflow/tfjs';
import type { RunSpec } from './chain.js';
import type { FrameRun } from './execute.js';
import { readRgba } from './read-rgba.js';
import { TILE_OVERLAP, TILE_SIZE, planTiles } from './tile-plan.js';
import type { RgbaPixels } from './types.js';

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
