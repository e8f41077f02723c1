import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { executeFilter } from '../../workers/execute';
import { buildGraphModel, saveFilter } from '../../models/train/core/export';
import { LINES } from '../../models/train/imaging/looks';
import { readPng, writePng, type Image } from '../../models/train/imaging/image';
import { guidedFilter } from '../../models/train/imaging/guided';
import { chromaL2, flatten, l1, multiScaleGradientL1, shiftL2 } from '../../models/train/core/losses';
import { Rng } from '../../models/train/core/data';
import { contentCrop, hasContent, loadStyleSet } from '../../models/train/style/data';
import { createTextureNet, styleGrams, textureL2 } from '../../models/train/style/texture';
import { TEACHERS, teach } from '../../models/train/style/teachers';
import { LOOKS } from '../../models/train/imaging/looks';
import { createGenerator, generate, inputMultiple, macsPerInputPixel, render, variablesOf } from '../../models/train/core/nets';
import { borderStep, changedShare, flicker, shiftError, stillShimmer, styleShift, styleFeatures, evaluateStyle } from '../../models/train/style/eval';
import { trainStyle, type StyleTrainConfig } from '../../models/train/style/train';
import { tally } from '../../models/train/style/blind';
import { liveView } from '../../models/train/style/live-view';
import { guidedWork } from '../../workers/guided-work';

const synthetic = (w: number, h: number, k: number): Image => {
  const data = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    data[(y * w + x) * 3 + c] = 0.5 + 0.35 * Math.sin((x * (k + 1) + y * (c + 1)) * 0.21) * (x > 10 + k ? 1 : 0.3);
  }
  return { width: w, height: h, data };
};

function folder(prefix: string, n: number, flat: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (let k = 0; k < n; k++) {
    const im = synthetic(48, 40, k);
    // "Style" images: posterized, so the two sets differ in their statistics.
    if (flat) im.data.forEach((v, i) => { im.data[i] = Math.round(v * 3) / 3; });
    writePng(join(dir, `i${k}.png`), im);
  }
  return dir;
}

const tensor = (im: Image) => tf.tensor4d(im.data, [1, im.height, im.width, 3]);
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];

/** A style generator whose last layer is no longer zero (as after training), with the given style options (nets.ts). */
function trainedLikeGenerator(fine = 0, smoothSkip = false, guided = 0, head = 0) {
  const g = createGenerator({ arch: 'style', scale: 1, channels: 8, blocks: 1, fine, smoothSkip, guided, head }, 3);
  const out = g.layers.at(-1)!;
  out.w.assign(tf.randomNormal(out.w.shape, 0, 0.2, 'float32', 5));
  return g;
}

describe('style generator', () => {
  beforeAll(() => tf.setBackend('wasm'));

  it('downsamples inside: the shipped size costs at most 20,000 MACs per pixel, and starts as the identity', () => {
    const g = createGenerator({ arch: 'style', scale: 1, channels: 48, blocks: 4 }, 1);
    expect(macsPerInputPixel(g)).toBe(12204);
    expect(inputMultiple(g.config)).toBe(4);
    const x = tensor(synthetic(32, 24, 1));
    expect(maxDiff(generate(g, x), x)).toBe(0);
    // The full-resolution branch: 3x3 3->8 on the image, and 8 more inputs to the last layer.
    const fine = createGenerator({ arch: 'style', scale: 1, channels: 48, blocks: 4, fine: 8 }, 1);
    expect(macsPerInputPixel(fine)).toBe(12204 + 216 + 216);
    expect(maxDiff(generate(fine, x), x)).toBe(0);
    // A full-resolution head: one 3x3 convolution as wide as the concatenation (16 + 8) before the output.
    const head = createGenerator({ arch: 'style', scale: 1, channels: 48, blocks: 4, fine: 8, head: 1 }, 1);
    expect(macsPerInputPixel(head)).toBe(12204 + 216 + 216 + 9 * 24 * 24);
    expect(maxDiff(generate(head, x), x)).toBe(0);
    // The smoothed skip: a 4x4 average and a bilinear x4 (3x3, 3->48) at 1/16 of the pixels.
    const smooth = createGenerator({ arch: 'style', scale: 1, channels: 48, blocks: 4, fine: 8, smoothSkip: true }, 1);
    expect(macsPerInputPixel(smooth)).toBe(12204 + 216 + 216 + 81);
    const blurred = generate(smooth, x);
    expect(maxDiff(blurred, x)).toBeGreaterThan(0.05); // starts as the smoothed input, not the input
    expect(maxDiff(tf.mean(blurred), tf.mean(x))).toBeLessThan(0.02);
    // The guided stage: 4 separable 7-tap boxes and 9 elementwise ops per channel.
    const guided = createGenerator({ arch: 'style', scale: 1, channels: 48, blocks: 4, fine: 8, smoothSkip: true, guided: 3 }, 1);
    expect(macsPerInputPixel(guided)).toBe(12204 + 216 + 216 + 81 + 3 * (4 * 14 + 9));
  });

  it('the guided stage flattens noise inside regions, keeps a step edge, and has exact gradients at the border', () => {
    const w = 24, h = 16;
    const noise = tf.randomUniform([1, h, w, 3], -0.03, 0.03, 'float32', 9);
    const step = tf.tensor4d(Array.from({ length: h * w * 3 }, (_, i) => (Math.floor(i / 3) % w < w / 2 ? 0.2 : 0.8)), [1, h, w, 3]);
    const x = tf.add(step, noise) as tf.Tensor4D;
    const y = guidedFilter(x, 3);
    const col = (t: tf.Tensor4D, c: number) => tf.slice(t, [0, 0, c, 0], [1, h, 1, 3]);
    const spread = (t: tf.Tensor) => tf.sub(tf.max(t), tf.min(t)).dataSync()[0];
    expect(spread(col(y, 4))).toBeLessThan(spread(col(x, 4)) / 2);
    expect(tf.sub(tf.mean(col(y, w / 2)), tf.mean(col(y, w / 2 - 1))).dataSync()[0]).toBeGreaterThan(0.5);
    // d/dx of a weighted sum against central differences (float32: to 2 decimals), at corners and
    // edges too, where tf.mirrorPad's own gradient would drop the reflected taps.
    const wts = tf.randomNormal([1, h, w, 3], 0, 1, 'float32', 4);
    const f = (t: tf.Tensor) => tf.sum(tf.mul(guidedFilter(t as tf.Tensor4D, 3), wts)) as tf.Scalar;
    const g = tf.grad(f)(x);
    for (const [yy, xx] of [[0, 0], [1, 2], [8, 12], [15, 23]]) {
      const e = tf.tensor4d(Array.from({ length: h * w * 3 }, (_, i) => (i === (yy * w + xx) * 3 ? 1e-2 : 0)), [1, h, w, 3]);
      const numeric = (f(tf.add(x, e)).dataSync()[0] - f(tf.sub(x, e)).dataSync()[0]) / 2e-2;
      expect(g.bufferSync().get(0, yy, xx, 0)).toBeCloseTo(numeric, 2);
    }
  });

  it.each([[0, false, 0, 0], [8, false, 0, 0], [8, true, 0, 0], [8, true, 3, 0], [8, false, 0, 2]])('the exported graph model (full-resolution branch: %i channels, smoothed skip: %s, guided radius %i, head %i) computes the generator, at any frame size through executeFilter', async (fine, smoothSkip, guided, head) => {
    const g = trainedLikeGenerator(fine, smoothSkip, guided, head);
    const entry = { scale: 1, inputMultiple: inputMultiple(g.config) };
    const model = await tf.loadGraphModel(tf.io.fromMemory(buildGraphModel(g, 'float16').artifacts));
    const x = tensor(synthetic(28, 20, 2));
    const ref = generate(g, x);
    expect(maxDiff(ref, x)).toBeGreaterThan(0.05); // not the identity any more
    expect(maxDiff(model.execute(x) as tf.Tensor, ref)).toBeLessThan(2e-3);
    // 19x23 gets an 8-pixel mirrored margin (and one more row and column, to 36x40) and is cropped back.
    const odd = tensor(synthetic(23, 19, 2));
    const y = executeFilter(model, entry, odd);
    expect(y.shape).toEqual([1, 19, 23, 3]);
    const padded = generate(g, tf.mirrorPad(odd, [[0, 0], [8, 9], [8, 9], [0, 0]], 'symmetric'));
    expect(maxDiff(y, tf.slice(padded, [0, 8, 8, 0], [1, 19, 23, 3]))).toBeLessThan(2e-3);
    expect(maxDiff(y, tf.slice(generate(g, tf.mirrorPad(odd, [[0, 0], [0, 1], [0, 1], [0, 0]], 'symmetric')), [0, 0, 0, 0], [1, 19, 23, 3]))).toBeGreaterThan(1e-3);
  });

  it('a look drawn at half resolution: the export computes render (2x2 average, the network, guided upsampling), flat where the look is flat and with the input\'s edges', async () => {
    const g = createGenerator({ arch: 'style', scale: 1, channels: 8, blocks: 1, fine: 4, guided: 1, lookScale: 2 }, 3);
    const out = g.layers.at(-1)!;
    out.w.assign(tf.randomNormal(out.w.shape, 0, 0.2, 'float32', 5));
    expect(inputMultiple(g.config)).toBe(8);
    const x = tensor(synthetic(48, 32, 2));
    const ref = render(g, x);
    expect(ref.shape).toEqual([1, 32, 48, 3]);
    const model = await tf.loadGraphModel(tf.io.fromMemory(buildGraphModel(g, 'float16').artifacts));
    expect(maxDiff(model.execute(x) as tf.Tensor, ref)).toBeLessThan(2e-3);
    const y = executeFilter(model, { scale: 1, inputMultiple: 8 }, tensor(synthetic(37, 29, 2)));
    expect(y.shape).toEqual([1, 29, 37, 3]);
    // The identity network (untrained): the input comes back, its full-resolution detail too.
    const identity = createGenerator({ arch: 'style', scale: 1, channels: 8, blocks: 1, lookScale: 2 }, 3);
    expect(maxDiff(render(identity, x), x)).toBeLessThan(0.02);
    // Half the cost per output pixel of the same network at full resolution, a quarter of its body.
    const full = createGenerator({ arch: 'style', scale: 1, channels: 48, blocks: 4 }, 1);
    const half = createGenerator({ arch: 'style', scale: 1, channels: 48, blocks: 4, lookScale: 2 }, 1);
    expect(macsPerInputPixel(half)).toBeLessThan(macsPerInputPixel(full) / 3);
    tf.dispose([x, ref, y]);
  });

  it('the live view trains on what the worker shows: G at 1/k, guided back up, and gradients reach G', () => {
    const g = trainedLikeGenerator(4);
    const x = tensor(synthetic(80, 64, 1));
    const trained = liveView(g, x, 4);
    const shown = guidedWork((t) => generate(g, t), x, 0.25);
    expect(trained.shape).toEqual([1, 64, 80, 3]);
    // Inside the frame the same picture (the borders differ by mirrored against zero-padded windows).
    const inner = (t: tf.Tensor4D) => tf.slice(t, [0, 12, 12, 0], [1, 40, 56, 3]);
    expect(maxDiff(inner(trained), inner(shown))).toBeLessThan(0.02);
    // Not the input, not G's own full-size picture: the look as the live path makes it.
    expect(maxDiff(trained, x)).toBeGreaterThan(0.05);
    expect(maxDiff(trained, generate(g, x))).toBeGreaterThan(0.05);
    const { grads } = tf.variableGrads(() => l1(liveView(g, x, 4), tf.zerosLike(x)), variablesOf(g.layers));
    expect(Object.values(grads).every((d) => tf.max(tf.abs(d)).dataSync()[0] > 0)).toBe(true);
    tf.dispose([x, trained, shown, ...Object.values(grads)]);
  });

  it('each look exports as graph nodes that compute what training computes, and costs its ops per pixel', async () => {
    for (const look of LOOKS) {
      const g = createGenerator({ arch: 'style', scale: 1, channels: 8, blocks: 1, guided: 2, look }, 3);
      const out = g.layers.at(-1)!;
      out.w.assign(tf.randomNormal(out.w.shape, 0, 0.05, 'float32', 5));
      const x = tensor(synthetic(40, 36, 2));
      const model = await tf.loadGraphModel(tf.io.fromMemory(buildGraphModel(g, 'float16').artifacts));
      const y = model.execute(x) as tf.Tensor4D, ref = generate(g, x);
      expect(y.shape).toEqual(ref.shape);
      expect(maxDiff(y, ref), look).toBeLessThan(0.01);
      expect(maxDiff(ref, x), `${look} changes the picture`).toBeGreaterThan(0.05);
      expect(macsPerInputPixel(g)).toBeLessThan(20_000);
      tf.dispose([x, y, ref]);
    }
  });

  it('a retrained filter keeps the stages only the worker draws (its tuned outlines, bands, brushwork, cel palette); a new one gets its look\'s outlines', () => {
    const root = mkdtempSync(join(tmpdir(), 'save-'));
    mkdirSync(join(root, 'models'));
    const tuned = { lines: { sigma: 1.4, dip: 0.015, phi: 300, strength: 0.7, flatten: 2 }, bands: { levels: 4, width: 0.36, strength: 0.85 }, paint: { radius: 2, detail: 0.5, relief: 0.3 },
      tone: { steps: [0.22, 0.5], width: 0.3, levels: [0.12, 0.6, 0.9], strength: 0.6, shade: [1, 0.86, 0.88], saturation: 0.9 } };
    writeFileSync(join(root, 'models/registry.json'), JSON.stringify({ version: 1, filters: [{ id: 'style-x', kind: 'style', scale: 1, title: 'X', modelUrl: 'old', ...tuned }] }));
    const g = createGenerator({ arch: 'style', scale: 1, channels: 8, blocks: 1, look: 'anime' }, 1);
    const kept = saveFilter(root, { id: 'style-x', kind: 'style', scale: 1, title: 'X' }, g, 'float16');
    expect({ lines: kept.lines, bands: kept.bands, paint: kept.paint, tone: kept.tone }).toEqual(tuned);
    const fresh = saveFilter(root, { id: 'style-y', kind: 'style', scale: 1, title: 'Y' }, g, 'float16');
    expect(fresh.lines).toEqual(LINES.anime);
    expect(fresh.tone).toBeUndefined();
    tf.dispose(variablesOf(g.layers));
  });

  it('the shift loss is zero for the identity and not for a strided network', () => {
    const x = tensor(synthetic(40, 40, 3));
    const id = createGenerator({ arch: 'style', scale: 1, channels: 8, blocks: 1 }, 1);
    expect(shiftL2((t) => generate(id, t), x, generate(id, x), 1, 2).dataSync()[0]).toBe(0);
    const g = trainedLikeGenerator();
    expect(shiftL2((t) => generate(g, t), x, generate(g, x), 1, 2).dataSync()[0]).toBeGreaterThan(1e-5);
    // A fraction of a pixel: bilinear on both sides, so the identity still scores (about) zero.
    expect(shiftL2((t) => generate(id, t), x, generate(id, x), 1, 2, [0.3, 0.6]).dataSync()[0]).toBeLessThan(1e-12);
    expect(shiftL2((t) => generate(g, t), x, generate(g, x), 0, 0, [0.5, 0]).dataSync()[0]).toBeGreaterThan(1e-5);
  });
});

describe('style scores', () => {
  beforeAll(() => tf.setBackend('wasm'));
  const identity = (x: tf.Tensor4D) => tf.clone(x);
  const frames = [0, 1, 2].map((k) => synthetic(32, 24, k));

  it("shimmer on the still part of a clip: the identity keeps the input's own; bands that flip on sensor noise do not", () => {
    // A grey wall with one level of noise, and a bright square moving along the left third.
    let seed = 7;
    const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) / 255;
    const clip = [0, 1, 2, 3].map((t) => {
      const w = 48, h = 32, data = new Float32Array(w * h * 3);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
        data[(y * w + x) * 3 + c] = x >= 2 + 2 * t && x < 8 + 2 * t && y >= 10 && y < 16 ? 0.9 : 0.5 + noise();
      }
      return { width: w, height: h, data };
    });
    const same = stillShimmer(clip, clip);
    expect(same.output).toBeCloseTo(same.input, 9);
    expect(same.input).toBeGreaterThan(0.1); // the noise is there...
    expect(same.input).toBeLessThan(1); // ...and nothing else
    expect(same.share).toBeGreaterThan(0.6); // the square and its surroundings are not still
    expect(same.share).toBeLessThan(0.95);
    const banded = clip.map((f) => ({ ...f, data: f.data.map((v) => (v > 0.5 ? 1 : 0)) }));
    expect(stillShimmer(banded, clip).output).toBeGreaterThan(50);
  });

  it('the identity is perfectly stable and keeps all structure; a strided network is not shift-equivariant', () => {
    expect(flicker(frames, frames)).toBeCloseTo(1, 6);
    const still = [frames[0], frames[0], frames[0]];
    expect(changedShare(still)).toBe(0);
    expect(changedShare(frames, 3, 2)).toBeGreaterThan(0.1);
    expect(changedShare(frames, 3, 2)).toBeLessThanOrEqual(1);
    expect(shiftError(identity, frames[0])).toBe(0);
    const g = trainedLikeGenerator();
    expect(shiftError((x) => generate(g, x), synthetic(40, 40, 1))).toBeGreaterThan(0.1);
    const posterized = frames.map((f) => ({ ...f, data: f.data.map((v) => Math.round(v * 3) / 3) }));
    const s = evaluateStyle(frames, posterized, 24, identity);
    expect(s.structure).toBeCloseTo(1, 6);
    expect(s.change).toBe(0);
    expect(s.styleShift).toBeCloseTo(0, 6); // unchanged inputs sit at the photos' statistics
  });

  it('borderStep is about 1 for a change as strong at the border as inside, and large for a coloured line down one side', () => {
    const input = synthetic(32, 24, 1);
    const graded = { ...input, data: input.data.map((v) => v * 0.8) };
    expect(borderStep(input, graded)).toBeGreaterThan(0.7);
    expect(borderStep(input, graded)).toBeLessThan(1.3);
    const lined = { ...graded, data: graded.data.slice() };
    for (let y = 0; y < 24; y++) lined.data[(y * 32 + 31) * 3 + 2] = 1; // a blue line down the right border
    expect(borderStep(input, lined)).toBeGreaterThan(1.5);
  });

  it('styleShift is 0 at the photos, 1 at the style set, and in between for a blend', () => {
    const photos = frames.map(styleFeatures);
    const dark = frames.map((f) => ({ ...f, data: f.data.map((v) => v * 0.5) }));
    const style = dark.map(styleFeatures);
    expect(styleShift(photos, photos, style)).toBeCloseTo(0, 9);
    expect(styleShift(style, photos, style)).toBeCloseTo(1, 9);
    const half = frames.map((f) => styleFeatures({ ...f, data: f.data.map((v) => v * 0.75) }));
    const t = styleShift(half, photos, style);
    expect(t).toBeGreaterThan(0.2);
    expect(t).toBeLessThan(0.8);
  });
});

describe('blind naming test', () => {
  it('tallies every rater\'s names per source; a missing or unknown word counts as none', () => {
    const key = [{ file: '001.png', source: 'input' }, { file: '002.png', source: 'style-anime' }, { file: '003.png', source: 'style-anime' }];
    const table = tally(key, ['001 photo\n002 Anime\n003 cartoon\n', '001 photo\n002 anime\n003 manga\n', '002 painting\n']);
    expect(table.input).toEqual({ photo: 2, anime: 0, cartoon: 0, painting: 0, none: 1 });
    expect(table['style-anime']).toEqual({ photo: 0, anime: 2, cartoon: 1, painting: 1, none: 2 });
  });

  it('shuffles with a seed: the same order for the same seed, every item kept', () => {
    const items = Array.from({ length: 40 }, (_, i) => i);
    const a = new Rng(7).shuffle([...items]), b = new Rng(7).shuffle([...items]), c = new Rng(8).shuffle([...items]);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).not.toEqual(items);
    expect([...a].sort((x, y) => x - y)).toEqual(items);
  });
});

describe('flattening target (cel shading)', () => {
  beforeAll(() => tf.setBackend('wasm'));

  it('smooths noise inside regions but keeps a step edge sharp', () => {
    // Left half dark, right half bright, both with +-0.03 noise.
    const w = 24, h = 16;
    const data = Float32Array.from({ length: w * h * 3 }, (_, i) => ((i / 3) % w < w / 2 ? 0.2 : 0.8) + (((i * 7919) % 13) / 13 - 0.5) * 0.06);
    const x = tf.tensor4d(data, [1, h, w, 3]);
    const y = flatten(x);
    expect(y.shape).toEqual(x.shape);
    const col = (t: tf.Tensor4D, c: number) => tf.slice(t, [0, 4, c, 0], [1, h - 8, 1, 3]);
    const spread = (t: tf.Tensor) => tf.sub(tf.max(t), tf.min(t)).dataSync()[0];
    expect(spread(col(y, 5))).toBeLessThan(spread(col(x, 5)) / 2); // noise flattened
    const step = (t: tf.Tensor4D) => tf.sub(tf.mean(col(t, w / 2)), tf.mean(col(t, w / 2 - 1))).dataSync()[0];
    expect(step(y)).toBeGreaterThan(0.5); // the 0.6 edge survives within one pixel
    tf.dispose([x, y]);
  });
});

describe('style losses and data', () => {
  it('multi-scale gradient L1 rewards a soft outline in the right place; full resolution alone does not', () => {
    // A teacher's 2-px dark line on grey; a student's first, blurred guess at it, or no line.
    const picture = (cols: [number, number][]) => tf.tidy(() => {
      const d = new Float32Array(32 * 32 * 3).fill(0.6);
      for (let y = 0; y < 32; y++) for (const [x, v] of cols) for (let c = 0; c < 3; c++) d[(y * 32 + x) * 3 + c] = v;
      return tf.tensor4d(d, [1, 32, 32, 3]);
    });
    const [teacher, soft, none] = [picture([[15, 0.1], [16, 0.1]]), picture([[14, 0.45], [15, 0.3], [16, 0.3], [17, 0.45]]), picture([])];
    const cost = (x: tf.Tensor4D, scales: number) => multiScaleGradientL1(x, teacher, scales).dataSync()[0];
    expect(cost(soft, 1)).toBeGreaterThan(0.95 * cost(none, 1));
    expect(cost(soft, 3)).toBeLessThan(0.5 * cost(none, 3));
    tf.dispose([teacher, soft, none]);
  });

  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('the random-feature Gram loss tells a texture from another, and its gradient reaches the image', () => {
    const net = createTextureNet(11);
    const stripes = tf.tensor4d(Float32Array.from({ length: 2 * 64 * 64 * 3 }, (_, i) => (Math.floor(i / 3 / 4) % 2 ? 0.9 : 0.1)), [2, 64, 64, 3]);
    const smooth = tf.tensor4d(Float32Array.from({ length: 2 * 64 * 64 * 3 }, (_, i) => ((i / 3) % 64) / 64), [2, 64, 64, 3]);
    const targets = styleGrams(net, stripes);
    const same = textureL2(net, stripes, targets).dataSync()[0], other = textureL2(net, smooth, targets).dataSync()[0];
    expect(same).toBeLessThan(1e-6);
    expect(other).toBeGreaterThan(0.1);
    const g = tf.grad((x: tf.Tensor) => textureL2(net, x as tf.Tensor4D, targets))(smooth);
    expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([stripes, smooth, g, ...targets, ...net.kernels]);
  });

  it('the teachers: flat fills (noise gone), dark outlines for cartoon along an edge, values in [0,1]', () => {
    // (behind the shipped cartoon's radius-2 guided stage)
    const w = 48, h = 32;
    // A noisy two-region picture: a bright left half and a mid-grey right half.
    const data = Float32Array.from({ length: w * h * 3 }, (_, i) => ((i / 3) % w < w / 2 ? 0.8 : 0.45) + (((i * 7919) % 17) / 17 - 0.5) * 0.08);
    const x = tf.tensor4d(data, [1, h, w, 3]);
    const spread = (t: tf.Tensor4D, col: number) => { const c = tf.slice(t, [0, 6, col, 0], [1, h - 12, 1, 3]); return tf.sub(tf.max(c), tf.min(c)).dataSync()[0]; };
    for (const kind of TEACHERS) {
      const y = teach(kind, x, 2);
      expect(y.shape).toEqual(x.shape);
      expect(tf.min(y).dataSync()[0]).toBeGreaterThanOrEqual(0);
      expect(tf.max(y).dataSync()[0]).toBeLessThanOrEqual(1);
      expect(spread(y, 8), `${kind} flattens noise`).toBeLessThan(spread(x, 8) / 2);
      y.dispose();
    }
    // Cartoon draws a dark line on the edge, darker than either side.
    const c = teach('cartoon', x, 2);
    const rowMean = (col: number) => tf.mean(tf.slice(c, [0, 6, col, 0], [1, h - 12, 1, 3])).dataSync()[0];
    const darkest = Math.min(...[w / 2 - 2, w / 2 - 1, w / 2, w / 2 + 1].map(rowMean));
    expect(darkest).toBeLessThan(Math.min(rowMean(8), rowMean(w - 8)) - 0.1);
    tf.dispose([x, c]);
  });

  it('the chroma term ignores shading and sees a change of hue', () => {
    const x = tf.tensor4d(Float32Array.from({ length: 8 * 8 * 3 }, (_, i) => [0.2, 0.6, 0.2][i % 3]), [1, 8, 8, 3]);
    expect(chromaL2(tf.mul(x, 1) as tf.Tensor4D, x).dataSync()[0]).toBe(0);
    const purple = tf.tensor4d(Float32Array.from({ length: 8 * 8 * 3 }, (_, i) => [0.6, 0.2, 0.6][i % 3]), [1, 8, 8, 3]);
    expect(chromaL2(purple, x).dataSync()[0]).toBeGreaterThan(0.01);
  });

  it('crops have content: clip art on white is cropped where the drawing is', () => {
    const w = 96, h = 96;
    const clipArt: Image = { width: w, height: h, data: new Float32Array(w * h * 3).fill(1) };
    for (let y = 40; y < 90; y++) for (let x = 40; x < 90; x++) for (let c = 0; c < 3; c++) clipArt.data[(y * w + x) * 3 + c] = c === 0 ? 0.9 : (x + y) % 7 < 2 ? 0.05 : 0.3;
    expect(hasContent({ width: 8, height: 8, data: new Float32Array(192).fill(1) })).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'clipart-'));
    writePng(join(dir, 'a.png'), clipArt);
    const set = loadStyleSet(dir, 32);
    const rng = new Rng(5);
    for (let i = 0; i < 10; i++) expect(hasContent(contentCrop(set, rng, 32))).toBe(true);
  });

  it('sources are sampled evenly, whatever their size', () => {
    const root = mkdtempSync(join(tmpdir(), 'sources-'));
    const dir = join(root, 'cartoon');
    mkdirSync(dir);
    const lines = ['file\tsource\tsize\tlicence'];
    for (let k = 0; k < 9; k++) {
      const im = synthetic(48, 40, k);
      if (k === 8) im.data.fill(0.3).forEach((_, i) => { im.data[i] = 0.3 + (i % 5) * 0.05; });
      writePng(join(dir, `i${k}.png`), im);
      lines.push(`cartoon/i${k}.png\t${k < 8 ? 'big-source' : 'small-source'}\t48x40\tx`);
    }
    writeFileSync(join(root, 'MANIFEST.tsv'), lines.join('\n'));
    const set = loadStyleSet(dir, 32);
    expect(set.groups.map((g) => [g.source, g.images.length])).toEqual([['big-source', 8], ['small-source', 1]]);
  });
});

describe('style trainer (few steps on tiny images)', () => {
  const cfg = (run: string, steps: number, more: Partial<StyleTrainConfig> = {}): StyleTrainConfig => ({
    data: photos, style, run, channels: 8, blocks: 1, fine: 0, head: 0, smoothSkip: false, guided: 0, look: '', dScales: 1, steps, batch: 2, crop: 32, lrG: 1e-3, lrD: 2e-4,
    ganLoss: 'lsgan', advWeight: 1, structureWeight: 10, structureScale: 2, colorWeight: 10, shiftWeight: 100, shiftSubpixel: true, softFakesWeight: 0, flatWeight: 0, webMix: 0, greyFakesWeight: 0, textureWeight: 0, chromaWeight: 0, neutralWeight: 0, teacher: '', teacherWeight: 0, teacherScales: 1, emaDecay: 0.9, spectralNorm: true,
    r1Weight: 0, gpWeight: 10, seed: 3, holdOutEvery: 4, checkpointEvery: 2, sampleEvery: 2, pairs: '', lookScale: 1, liveWork: 0, liveWeight: 0, ...more,
  });
  let photos: string, style: string;
  const weightsOf = (g: { layers: { w: tf.Tensor; b: tf.Tensor }[] }) => g.layers.flatMap((l) => [...l.w.dataSync(), ...l.b.dataSync()]);
  const tmpRun = () => mkdtempSync(join(tmpdir(), 'style-run-'));

  beforeAll(async () => {
    await tf.setBackend('wasm');
    photos = folder('photos-', 4, false);
    style = folder('style-', 3, true);
  });

  it('trains away from the identity, writes samples and loss curves, and leaks nothing', async () => {
    const run = tmpRun();
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const r = await trainStyle(cfg(run, 4, { r1Weight: 1, fine: 4, structureScale: 4, softFakesWeight: 0.5, flatWeight: 1, webMix: 0.5, guided: 2, dScales: 2, textureWeight: 1, greyFakesWeight: 0.5, chromaWeight: 1, neutralWeight: 1, teacher: 'cartoon', teacherWeight: 1 }), (l) => lines.push(l));
    expect(tf.memory().numTensors - before).toBe(2 * r.generator.layers.length); // only the returned EMA generator
    expect(r.heldOut).toEqual([join(photos, 'i3.png')]);
    expect(readdirSync(join(run, 'samples'))).toEqual(['step-000002.png', 'step-000004.png']);
    expect(readPng(join(run, 'losses.png')).data.some((v) => v < 0.5)).toBe(true);
    const x = tensor(synthetic(32, 32, 0));
    expect(maxDiff(generate(r.generator, x), x)).toBeGreaterThan(1e-4);
  });

  it('distils a teacher\'s pairs (no D), with the look drawn at half resolution: the teacher term falls', async () => {
    const pairs = mkdtempSync(join(tmpdir(), 'pairs-'));
    for (let k = 0; k < 5; k++) {
      const im = synthetic(48, 40, k), drawn = synthetic(48, 40, k);
      drawn.data.forEach((v, i) => { drawn.data[i] = 0.6 * v + 0.1; }); // the "teacher" darkens
      writePng(join(pairs, `p${k}.in.png`), im);
      writePng(join(pairs, `p${k}.out.png`), drawn);
    }
    const lines: string[] = [];
    const r = await trainStyle(cfg(tmpRun(), 12, { pairs, lookScale: 2, advWeight: 0, teacherWeight: 10, teacherScales: 3, structureWeight: 0, colorWeight: 0, shiftWeight: 0, lrG: 3e-3, emaDecay: 0, sampleEvery: 12 }), (l) => lines.push(l));
    expect(r.heldOut).toEqual([join(pairs, 'p3.in.png')]);
    expect(r.generator.config.lookScale).toBe(2);
    expect(lines.some((l) => /\bd=/.test(l)), 'no discriminator without an adversarial term').toBe(false);
    // Closer to the teacher's pictures than the photos themselves are (the untrained network is the identity).
    const [x, t] = [readPng(join(pairs, 'p0.in.png')), readPng(join(pairs, 'p0.out.png'))].map(tensor);
    const l1 = (a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.abs(tf.sub(a, b))).dataSync()[0];
    expect(l1(generate(r.generator, x), t)).toBeLessThan(0.9 * l1(x, t));
  });

  it('distils a teacher\'s pairs through the live view (--live-work): what the worker would show nears the teacher', async () => {
    const pairs = mkdtempSync(join(tmpdir(), 'pairs-'));
    for (let k = 0; k < 5; k++) {
      const im = synthetic(48, 40, k), drawn = synthetic(48, 40, k);
      drawn.data.forEach((v, i) => { drawn.data[i] = 0.6 * v + 0.1; });
      writePng(join(pairs, `p${k}.in.png`), im);
      writePng(join(pairs, `p${k}.out.png`), drawn);
    }
    await expect(trainStyle(cfg(tmpRun(), 1, { pairs, liveWork: 3, advWeight: 0 }), () => {})).rejects.toThrow(/multiple of 12/);
    const r = await trainStyle(cfg(tmpRun(), 12, { pairs, liveWork: 2, liveWeight: 1, advWeight: 0, teacherWeight: 10, teacherScales: 3, structureWeight: 0, colorWeight: 0, shiftWeight: 0, lrG: 3e-3, emaDecay: 0, sampleEvery: 12 }), () => {});
    expect(r.generator.config.lookScale).toBeUndefined();
    const [x, t] = [readPng(join(pairs, 'p0.in.png')), readPng(join(pairs, 'p0.out.png'))].map(tensor);
    expect(l1(liveView(r.generator, x, 2), t).dataSync()[0]).toBeLessThan(0.9 * l1(x, t).dataSync()[0]);
  });

  it('wgan-gp with R1 trains with finite losses', async () => {
    const lines: string[] = [];
    await trainStyle(cfg(tmpRun(), 2, { ganLoss: 'wgan-gp', r1Weight: 1, checkpointEvery: 10 }), (l) => lines.push(l));
    const last = lines.filter((l) => l.includes('step 2/2'))[0];
    expect(last).toMatch(/d=-?\d/);
    for (const m of last.matchAll(/(\w+)=(-?[\d.e+-]+)/g)) if (m[1] !== 'tensors') expect(Number.isFinite(Number(m[2]))).toBe(true);
  });

  it('resuming from a checkpoint gives the same weights as an uninterrupted run', async () => {
    const straight = await trainStyle(cfg(tmpRun(), 4), () => {});
    const split = tmpRun();
    mkdirSync(split, { recursive: true });
    await trainStyle(cfg(split, 2), () => {});
    const resumed = await trainStyle(cfg(split, 4), () => {});
    expect(resumed.steps).toBe(2);
    const a = weightsOf(straight.generator), b = weightsOf(resumed.generator);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-6);
  });
});
