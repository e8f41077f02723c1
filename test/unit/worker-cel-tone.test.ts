import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFilterFromDisk } from '../../models/train/core/disk-model';
import { celTone } from '../../workers/cel-tone';
import { executeFilter } from '../../workers/execute';

const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '../..');

describe('the anime\'s cel palette (FilterEntry.tone)', () => {
  beforeAll(async () => { await tf.setBackend('wasm'); });

  it('pulls a skin-coloured ramp toward a dark, a pink-mauve shadow and a pale lit tone, and the network\'s picture is drawn in it', async () => {
    const { entry, model } = await loadFilterFromDisk(repoRoot, 'style-anime');
    const tone = entry.tone!;
    expect(tone).toBeDefined();
    // A skin hue (r > g > b) at 64 luma levels from 0.02 to 0.98.
    const n = 64, d = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) { const v = 0.02 + (0.96 * i) / (n - 1); d.set([Math.min(1, v * 1.15), v * 0.95, v * 0.8], i * 3); }
    const ramp = tf.tensor4d(d, [1, 1, n, 3]);
    const out = celTone(ramp, tone).dataSync();
    const luma = (a: ArrayLike<number>, i: number) => 0.299 * a[3 * i] + 0.587 * a[3 * i + 1] + 0.114 * a[3 * i + 2];
    const at = (l: number) => Array.from({ length: n }, (_, i) => i).reduce((b, i) => (Math.abs(luma(d, i) - l) < Math.abs(luma(d, b) - l) ? i : b), 0);
    // Plateaus: a mid-light skin (0.7) goes pale, nearer the lit tone than it was; a dark one (0.05) stays dark.
    const [dark, shadow, lit] = tone.levels;
    expect(Math.abs(luma(out, at(0.7)) - lit)).toBeLessThan(Math.abs(0.7 - lit) / 2);
    expect(luma(out, at(0.05))).toBeLessThan(shadow / 2);
    expect(luma(out, at(0.05))).toBeGreaterThan(dark / 4);
    // Luma never falls as the input's rises: the steps are smooth, no bands swap.
    for (let i = 1; i < n; i++) expect(luma(out, i)).toBeGreaterThanOrEqual(luma(out, i - 1) - 1e-4);
    // The shadow tone is pinker than the input (green over red lower), the lit tone keeps the hue's order.
    const mid = at((tone.steps[0] + tone.steps[1]) / 2);
    expect(out[3 * mid + 1] / out[3 * mid]).toBeLessThan(d[3 * mid + 1] / d[3 * mid] - 0.05);
    expect(out[3 * at(0.8)]).toBeGreaterThan(out[3 * at(0.8) + 2]);
    // executeFilter draws the network's picture in it: not the plain picture, and exactly celTone of it.
    const x = tf.randomUniform([1, 32, 48, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const toned = executeFilter(model, entry, x), plain = executeFilter(model, { ...entry, tone: undefined }, x);
    const again = celTone(plain, tone);
    expect(tf.max(tf.abs(tf.sub(toned, again))).dataSync()[0]).toBeLessThan(1e-5);
    expect(tf.mean(tf.abs(tf.sub(toned, plain))).dataSync()[0]).toBeGreaterThan(5 / 255);
    tf.dispose([ramp, x, toned, plain, again]);
    model.dispose();
  });
});
