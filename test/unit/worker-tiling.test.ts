import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFilterFromDisk, readRegistry } from '../../models/train/core/disk-model';
import { chainStages } from '../../workers/chain';
import { executeFilter, frameRun } from '../../workers/execute';
import { rgbFloatsToRgba } from '../../workers/pixels';
import { planTiles } from '../../workers/tile-plan';
import { executeTiled, tilesFrame } from '../../workers/tiling';
import { guidedWork } from '../../workers/guided-work';

const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** Gradients, edges and stripes: content on which a seam would show. */
function frame(width: number, height: number): tf.Tensor4D {
  const d = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) {
    d[(y * width + x) * 3 + c] = ((x * (c + 1) + y * 3) % 97) / 96 * 0.6 + ((x >> 2) + (y >> 2)) % 2 * 0.3;
  }
  return tf.tensor4d(d, [1, height, width, 3]);
}

describe('tiling', () => {
  beforeAll(() => tf.setBackend('wasm'));

  it('plans tiles that cover the frame exactly once, with context aligned to the multiple', () => {
    const tiles = planTiles(130, 75, 48, 16, 4);
    const covered = new Uint8Array(130 * 75);
    for (const t of tiles) {
      expect(t.wx % 4).toBe(0);
      expect(t.wy % 4).toBe(0);
      expect(t.wx).toBeLessThanOrEqual(Math.max(0, t.x - 16));
      expect(t.wx + t.ww).toBe(Math.min(130, t.x + t.w + 16));
      for (let y = t.y; y < t.y + t.h; y++) for (let x = t.x; x < t.x + t.w; x++) covered[y * 130 + x]++;
    }
    expect(covered.every((v) => v === 1)).toBe(true);
  });

  it('a guided style over TILE_ABOVE_PIXELS at its working size tiles only its network, and guides the whole frame', async () => {
    const { entry, model } = await loadFilterFromDisk(repoRoot, 'style-anime');
    const x = frame(2570, 1446); // 1285x723 at 1/2: over 1280x720
    const untiled = guidedWork((t) => executeFilter(model, entry, t), x, 0.5, entry);
    const run = frameRun(model, entry, true, 0.5);
    expect(tilesFrame(run, 2570 * 1446)).toBe(false);
    expect(tilesFrame(frameRun(model, entry, true), 1281 * 720)).toBe(true);
    const before = tf.memory().numTensors;
    const tiled = run.execute(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    // Tiled at the frame's size (executeTiled), each tile drew its own working grid and outlines: 133 levels apart at a seam.
    const max = tf.tidy(() => tf.max(tf.abs(tf.sub(tiled, untiled))).dataSync()[0] * 255);
    expect(max).toBeLessThan(0.5);
    expect(tf.tidy(() => tf.mean(tf.abs(tf.sub(tiled, x))).dataSync()[0] * 255)).toBeGreaterThan(5);
    tf.dispose([x, untiled, tiled]);
    model.dispose();
  });

  // Every shipped filter: the tiled output (small tiles, so a 150x94 frame has 12 of them and
  // many seams) equals the whole-frame output.
  const filters = readRegistry(repoRoot).filters;
  const ids = [...filters.map((f) => f.id), ...filters.filter((f) => f.kind === 'style').map((f) => `${f.id}+sr-x2-fast`)];
  for (const id of ids) {
    it(`${id}: tiled output equals untiled output`, async () => {
      const stages = await Promise.all(id.split('+').map((part) => loadFilterFromDisk(repoRoot, part)));
      const { spec: entry, model } = chainStages(stages);
      const x = frame(150, 94);
      const whole = rgbFloatsToRgba(tf.tidy(() => tf.clipByValue(executeFilter(model, entry, x), 0, 1)).dataSync());
      // As the WASM pipeline runs it: an x2/x4 network stops before its DepthToSpace, and the packing rearranges.
      const run = frameRun(model, entry, true);
      expect(run.block).toBe(stages.length === 1 && entry.scale > 1 ? entry.scale : 1);
      const out = { data: new Uint8ClampedArray(whole.length), width: 150 * entry.scale, height: 94 * entry.scale };
      await executeTiled(run, entry, x, out, { size: 48, overlap: 32 });
      const tiled = out.data;
      let max = 0;
      for (let i = 0; i < whole.length; i++) max = Math.max(max, Math.abs(tiled[i] - whole[i]));
      expect(max).toBeLessThanOrEqual(1); // 8-bit levels; float rounding at .5 may flip one level
      expect(tiled.some((v, i) => i % 4 !== 3 && v > 20)).toBe(true);
      const before = tf.memory().numTensors;
      await executeTiled(run, entry, x, out, { size: 48, overlap: 32 });
      expect(tf.memory().numTensors).toBe(before);
      stages.forEach((s) => s.model.dispose());
    });
  }
});
