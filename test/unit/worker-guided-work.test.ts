import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFilterFromDisk, readRegistry } from '../../models/train/core/disk-model';
import { executeFilter, frameRun } from '../../workers/execute';
import { guideAlign, guidedWork, lineAlign } from '../../workers/guided-work';
import { boxCascade, planeOps } from '../../workers/plane-ops';
import { BAND_FLOOR, softKuwahara, type BandParams } from '../../workers/outlines';
import { scaledSize } from '../../workers/pixels';
import { TILE_OVERLAP, lcm, planBands } from '../../workers/tile-plan';

const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** A face-sized test card: discs and bars with hard edges over a soft gradient, 1-2 px lines. */
function card(width: number, height: number): tf.Tensor4D {
  const d = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const disc = Math.hypot(x - width / 3, y - height / 2) < height / 4;
    const eye = Math.hypot(x - (2 * width) / 3, y - height / 3) < height / 16;
    const line = x % 37 < 2 && y > height / 2;
    const base = 0.3 + (0.3 * x) / width;
    for (let c = 0; c < 3; c++) d[(y * width + x) * 3 + c] = line ? 0.05 : eye ? 0.1 : disc ? 0.85 - 0.2 * c : base + 0.05 * c;
  }
  return tf.tensor4d(d, [1, height, width, 3]);
}

/** Mean squared luma step between neighbours: how much edge a picture has (a blur keeps the steps' sum, not their squares). */
const edgeEnergy = (x: tf.Tensor4D): number => tf.tidy(() => {
  const l = tf.mean(x, 3, true);
  const dx = tf.square(tf.sub(tf.slice(l, [0, 0, 1, 0], [-1, -1, -1, -1]), tf.slice(l, [0, 0, 0, 0], [-1, -1, l.shape[2]! - 1, -1])));
  const dy = tf.square(tf.sub(tf.slice(l, [0, 1, 0, 0], [-1, -1, -1, -1]), tf.slice(l, [0, 0, 0, 0], [-1, l.shape[1]! - 1, -1, -1])));
  return tf.add(tf.mean(dx), tf.mean(dy)).dataSync()[0];
});

const meanAbs = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.mean(tf.abs(tf.sub(a, b))).dataSync()[0]);

/** What the old live path showed: the filter's output at the working size, enlarged. */
function enlarged(run: (x: tf.Tensor4D) => tf.Tensor4D, x: tf.Tensor4D, scale: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [, H, W] = x.shape;
    const { width, height } = scaledSize(W, H, scale);
    return tf.image.resizeBilinear(run(tf.image.resizeBilinear(x, [height, width], false, true)), [H, W], false, true);
  });
}

describe('a style filter at a working size, guided back up (workers/guided-work.ts)', () => {
  beforeAll(() => tf.setBackend('wasm'));

  it('brings a look back at the frame size with the frame\'s own edges', () => {
    const x = card(640, 480);
    const invert = (t: tf.Tensor4D) => tf.sub(1, t) as tf.Tensor4D;
    for (const run of [(t: tf.Tensor4D) => tf.clone(t), invert]) {
      const out = guidedWork(run, x, 0.375), old = enlarged(run, x, 0.375), want = run(x);
      expect(out.shape).toEqual([1, 480, 640, 3]);
      // The look at full size (the identity gives the frame back, the inversion its negative) ...
      expect(meanAbs(out, want)).toBeLessThan(0.02);
      // ... with the frame's edges: the enlarged working-size picture keeps well under as many.
      expect(edgeEnergy(out) / edgeEnergy(want)).toBeGreaterThan(0.85);
      expect(edgeEnergy(old) / edgeEnergy(want)).toBeLessThan(0.6);
      tf.dispose([out, old, want]);
    }
    x.dispose();
  });

  it('pulls a look\'s luma into flat bands (FilterEntry.bands), as BandParams says', () => {
    const bandFactor = (l: number, p: BandParams) => {
      const lum = l + BAND_FLOOR, t = lum * p.levels, f = Math.floor(t);
      const s = Math.min(1, Math.max(0, (t - f - 0.5) / p.width + 0.5));
      return (p.strength * (f + s * s * (3 - 2 * s))) / p.levels / lum + 1 - p.strength;
    };
    // A horizontal grey ramp, 0.05 to 0.95, through a look that keeps it.
    const W = 320, H = 32;
    const ramp = tf.tidy(() => tf.tile(tf.reshape(tf.linspace(0.05, 0.95, W), [1, 1, W, 1]), [1, H, 1, 3])) as tf.Tensor4D;
    const bands = { levels: 4, width: 0.36, strength: 0.85 };
    const keep = (t: tf.Tensor4D) => tf.clone(t);
    const [plain, banded] = [guidedWork(keep, ramp, 0.5), guidedWork(keep, ramp, 0.5, { bands })];
    const row = (t: tf.Tensor4D) => Array.from(tf.tidy(() => tf.slice(t, [0, H / 2, 0, 0], [1, 1, W, 1])).dataSync());
    const [p, b] = [row(plain), row(banded)];
    for (const i of [10, 100, 200, 300]) expect(b[i], `pixel ${i}`).toBeCloseTo(p[i] * bandFactor(p[i], bands), 3);
    // Flat inside bands: most steps along the ramp shrink (a few at the band edges grow).
    const steps = (r: number[]) => r.slice(1).map((v, i) => Math.abs(v - r[i])).sort((x, y) => x - y)[W >> 1];
    console.log(`a grey ramp's median step: ${(255 * steps(p)).toFixed(2)} levels plain, ${(255 * steps(b)).toFixed(2)} banded`);
    expect(steps(b)).toBeLessThan(steps(p) / 2);
    tf.dispose([ramp, plain, banded]);
  });

  it('two bands of a frame (the extension\'s two one-thread workers) join into the whole frame\'s picture', async () => {
    expect(guideAlign(0.375)).toBe(8);
    expect(guideAlign(0.5)).toBe(2);
    expect(guideAlign(0.1875)).toBe(80);
    const x = card(640, 480);
    // The anime's ink at 3/8 and 3/16, the painting's brushwork at 3/16: drawn from 2x2 blocks of the frame at 3/16.
    for (const [id, scale] of [['style-anime', 0.375], ['style-anime', 0.1875], ['style-painting', 0.1875]] as const) {
      const { entry, model } = await loadFilterFromDisk(repoRoot, id);
      const run = frameRun(model, entry, true, scale);
      const whole = tf.tidy(() => run.execute(x));
      const bands = planBands(480, 2, Math.ceil(TILE_OVERLAP / scale), lcm(entry.inputMultiple ?? 1, guideAlign(scale)));
      const joined = tf.tidy(() => tf.concat(bands.map((b) => tf.slice(run.execute(tf.slice(x, [0, b.wy, 0, 0], [1, b.wh, -1, -1])), [0, b.y - b.wy, 0, 0], [1, b.h, -1, -1])), 1));
      const maxDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(whole, joined))).dataSync()[0] * 255);
      console.log(`${id} at ${scale} on two bands vs whole: max ${maxDiff.toFixed(2)} levels`);
      expect(maxDiff, id).toBeLessThan(2);
      tf.dispose([whole, joined]);
      model.dispose();
    }
    x.dispose();
  });

  it('two bands of a frame larger than the outlines\' picture draw its outlines at the whole frame\'s scale', async () => {
    expect([lineAlign(480, 640), lineAlign(720, 1280), lineAlign(1080, 1920), lineAlign(1920, 1080), lineAlign(1081, 1921)]).toEqual([1, 3, 18, 32, 1081]);
    const scale = 0.125;
    const { entry, model } = await loadFilterFromDisk(repoRoot, 'style-anime');
    for (const [W, H] of [[1920, 1080], [1080, 1920]]) {
      const x = card(W, H);
      const whole = tf.tidy(() => frameRun(model, entry, true, scale).execute(x));
      const bands = planBands(H, 2, Math.ceil(TILE_OVERLAP / scale), lcm(guideAlign(scale), lineAlign(H, W)));
      const run = frameRun(model, entry, true, scale, H);
      const joined = tf.tidy(() => tf.concat(bands.map((b) => tf.slice(run.execute(tf.slice(x, [0, b.wy, 0, 0], [1, b.wh, -1, -1])), [0, b.y - b.wy, 0, 0], [1, b.h, -1, -1])), 1));
      const maxDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(whole, joined))).dataSync()[0] * 255);
      // Each band's outlines from its own size: 87-96 levels apart at a 1920x1080 seam.
      console.log(`style-anime ${W}x${H} at ${scale} on two bands vs whole: max ${maxDiff.toFixed(2)} levels`);
      expect(maxDiff).toBeLessThan(2);
      tf.dispose([x, whole, joined]);
    }
    model.dispose();
  });

  it('blurs the outlines\' luma as the plain box cascades do, by separable boxes and a shared first part', () => {
    const y = tf.randomUniform([1, 61, 83, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
    const ops = planeOps();
    for (const sigma of [1.2, 1.92, 1, 1.6]) {
      const plain = boxCascade(sigma).reduce((t, k) => tf.avgPool(t, k, 1, 'same'), y);
      const fast = ops.blur(y, sigma);
      expect(fast.shape).toEqual(y.shape);
      expect(tf.max(tf.abs(tf.sub(fast, plain))).dataSync()[0], `sigma ${sigma}`).toBeLessThan(1e-5);
    }
    y.dispose();
  });

  it('takes each pixel\'s four quadrant means as a plain loop does, and a soft Kuwahara keeps a step sharp while it smooths noise', () => {
    const [h, w, r] = [13, 17, 2];
    const y = tf.randomUniform([1, h, w, 1], 0, 1, 'float32', 11) as tf.Tensor4D;
    const v = y.dataSync();
    const at = (i: number, j: number) => v[Math.abs(i >= h ? 2 * h - 2 - i : i) * w + Math.abs(j >= w ? 2 * w - 2 - j : j)];
    const ops = planeOps();
    // Up-left, up-right, down-left, down-right: the (r+1)² window whose corner is the pixel, mirrored borders.
    [[-r, -r], [-r, 0], [0, -r], [0, 0]].forEach(([oy, ox], q) => {
      const got = ops.quadrant(y, r, q).dataSync();
      for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
        let sum = 0;
        for (let a = 0; a <= r; a++) for (let b = 0; b <= r; b++) sum += at(i + oy + a, j + ox + b);
        expect(got[i * w + j]).toBeCloseTo(sum / (r + 1) ** 2, 5);
      }
    });
    // A noisy step from 0.3 to 0.7: the filtered step stays within 2 pixels, the noise on each side halves or better.
    const step = tf.tidy(() => tf.add(tf.where(tf.greater(tf.range(0, 64).reshape([1, 1, 64, 1]).tile([1, 48, 1, 1]), 31.5), 0.7, 0.3), tf.randomNormal([1, 48, 64, 1], 0, 0.02, 'float32', 5))) as tf.Tensor4D;
    const k = softKuwahara(step, step, 2, planeOps());
    const row = Array.from(tf.mean(k, [0, 1, 3]).dataSync());
    expect(row.filter((m) => m > 0.35 && m < 0.65).length).toBeLessThanOrEqual(2);
    const noise = (t: tf.Tensor4D) => tf.tidy(() => tf.moments(tf.slice(t, [0, 4, 4, 0], [1, 40, 20, 1])).variance.dataSync()[0]);
    expect(noise(k)).toBeLessThan(noise(step) / 2);
    tf.dispose([y, step, k]);
  });

  it('paints the frame\'s small dark features back (FilterEntry.paint) where the working size smears them, and leaves flat areas be', async () => {
    const { entry, model } = await loadFilterFromDisk(repoRoot, 'style-painting');
    expect(entry.paint).toBeDefined();
    const run = (t: tf.Tensor4D) => executeFilter(model, entry, t);
    // Eyes: dark 10-pixel discs on a light face-like gradient (at 3/16 each is under 2 working pixels).
    const [W, H] = [640, 480];
    const eyes = [[200, 180], [260, 180], [420, 300], [480, 300]];
    const d = new Float32Array(W * H * 3), isEye = new Uint8Array(W * H), isFlat = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const near = Math.min(...eyes.map(([ex, ey]) => Math.hypot(x - ex, y - ey)));
      isEye[y * W + x] = near < 4 ? 1 : 0;
      isFlat[y * W + x] = near > 60 ? 1 : 0;
      for (let c = 0; c < 3; c++) d[(y * W + x) * 3 + c] = near < 5 ? 0.12 : 0.75 - 0.1 * c + (0.1 * x) / W;
    }
    const x = tf.tensor4d(d, [1, H, W, 3]);
    const [painted, bare] = [guidedWork(run, x, 0.1875, { paint: entry.paint }), guidedWork(run, x, 0.1875)];
    const mask = (m: Uint8Array) => tf.tensor4d(Float32Array.from(m), [1, H, W, 1]);
    const { eyeDepth, flatChange } = tf.tidy(() => {
      const l = (t: tf.Tensor4D) => tf.mean(t, 3, true);
      const meanOn = (t: tf.Tensor, m: tf.Tensor) => tf.div(tf.sum(tf.mul(t, m)), tf.sum(m)).dataSync()[0];
      const depth = (t: tf.Tensor4D) => meanOn(l(t), mask(isFlat)) - meanOn(l(t), mask(isEye));
      return { eyeDepth: [depth(painted), depth(bare)], flatChange: meanOn(tf.abs(tf.sub(l(painted), l(bare))), mask(isFlat)) };
    });
    console.log(`style-painting at 3/16: eyes ${(255 * eyeDepth[0]).toFixed(1)} levels below the face painted, ${(255 * eyeDepth[1]).toFixed(1)} without; flat areas ${(255 * flatChange).toFixed(2)} levels apart`);
    expect(eyeDepth[0]).toBeGreaterThan(2 * eyeDepth[1]);
    expect(flatChange).toBeLessThan(2 / 255);
    // Odd frames keep a picture of their own size: strips too thin to paint go unpainted.
    for (const [h, w] of [[1, 1], [2, 600], [90, 2], [3, 50]]) {
      const odd = tf.tidy(() => guidedWork(run, tf.fill([1, h, w, 3], 0.5) as tf.Tensor4D, 0.5, { paint: entry.paint }));
      expect(odd.shape, `${h}x${w}`).toEqual([1, h, w, 3]);
      expect(Array.from(odd.dataSync()).every(Number.isFinite), `${h}x${w}`).toBe(true);
      odd.dispose();
    }
    tf.dispose([x, painted, bare]);
    model.dispose();
  });

  it('draws ink lines (LineParams.flatten) from the frame where the working size flattens small eyes, and none on skin texture', async () => {
    const { entry } = await loadFilterFromDisk(repoRoot, 'style-anime');
    expect(entry.lines?.flatten).toBeDefined();
    // A network that draws a flat colour: the guided picture has no eyes to outline (as a soft webcam face's at 3/16).
    const run = (t: tf.Tensor4D) => tf.mul(tf.onesLike(t), tf.tensor1d([0.8, 0.7, 0.6])) as tf.Tensor4D;
    // Eyes: dark 12-pixel discs on a pale face with 1-level pixel noise (skin texture).
    const [W, H] = [640, 480];
    const eyes = [[200, 180], [280, 180]];
    const d = new Float32Array(W * H * 3), nearEye = new Uint8Array(W * H), isSkin = new Uint8Array(W * H);
    let seed = 9;
    const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) / 255;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const near = Math.min(...eyes.map(([ex, ey]) => Math.hypot(x - ex, y - ey)));
      nearEye[y * W + x] = near > 4 && near < 9 ? 1 : 0;
      isSkin[y * W + x] = near > 40 ? 1 : 0;
      const n = noise();
      for (let c = 0; c < 3; c++) d[(y * W + x) * 3 + c] = near < 6 ? 0.1 : 0.75 - 0.1 * c + n;
    }
    const x = tf.tensor4d(d, [1, H, W, 3]);
    const lines = entry.lines!;
    const [inked, plain] = [guidedWork(run, x, 0.1875, { lines }), guidedWork(run, x, 0.1875, { lines: { ...lines, flatten: undefined } })];
    const { ring, skin } = tf.tidy(() => {
      const l = (t: tf.Tensor4D) => tf.mean(t, 3, true);
      const meanOn = (t: tf.Tensor, m: Uint8Array) => { const k = tf.tensor4d(Float32Array.from(m), [1, H, W, 1]); return tf.div(tf.sum(tf.mul(t, k)), tf.sum(k)).dataSync()[0]; };
      const darker = (t: tf.Tensor4D) => tf.sub(0.7, l(t));
      return { ring: [meanOn(darker(inked), nearEye), meanOn(darker(plain), nearEye)], skin: meanOn(tf.abs(tf.sub(l(inked), l(plain))), isSkin) };
    });
    console.log(`style-anime's ink at 3/16: around the eyes ${(255 * ring[0]).toFixed(1)} levels below the flat picture, ${(255 * ring[1]).toFixed(1)} from the guided picture; skin ${(255 * skin).toFixed(2)} levels apart`);
    expect(ring[0]).toBeGreaterThan(10 / 255);
    expect(ring[0]).toBeGreaterThan(3 * Math.max(ring[1], 1 / 255));
    expect(skin).toBeLessThan(1 / 255);
    // Odd frames keep a picture of their own size: strips too thin to flatten keep the guided picture's lines.
    for (const [h, w] of [[1, 1], [2, 600], [90, 2], [3, 50]]) {
      const odd = tf.tidy(() => guidedWork(run, tf.fill([1, h, w, 3], 0.5) as tf.Tensor4D, 0.5, { lines }));
      expect(odd.shape, `${h}x${w}`).toEqual([1, h, w, 3]);
      expect(Array.from(odd.dataSync()).every(Number.isFinite), `${h}x${w}`).toBe(true);
      odd.dispose();
    }
    tf.dispose([x, inked, plain]);
  });

  it('draws a style\'s outlines again at the frame\'s size: dark along edges, barely on flat areas', async () => {
    const x = card(640, 480);
    const { entry, model } = await loadFilterFromDisk(repoRoot, 'style-cartoon');
    expect(entry.lines).toBeDefined();
    const run = (t: tf.Tensor4D) => executeFilter(model, entry, t);
    const [drawn, bare] = [guidedWork(run, x, 0.375, { lines: entry.lines }), guidedWork(run, x, 0.375)];
    // Where the frame has an edge (a luma step over 0.1 to the right neighbour) and where it is flat (none within 8 px).
    const { onEdges, onFlat } = tf.tidy(() => {
      const l = tf.mean(x, 3, true);
      const step = tf.abs(tf.sub(tf.slice(l, [0, 0, 1, 0], [-1, -1, 639, -1]), tf.slice(l, [0, 0, 0, 0], [-1, -1, 639, -1])));
      const edge = tf.cast(tf.greater(step, 0.1), 'float32'), flat = tf.cast(tf.less(tf.maxPool(step as tf.Tensor4D, 17, 1, 'same'), 0.005), 'float32');
      const darker = tf.mean(tf.sub(tf.slice(bare, [0, 0, 0, 0], [-1, -1, 639, -1]), tf.slice(drawn, [0, 0, 0, 0], [-1, -1, 639, -1])), 3, true);
      const mean = (m: tf.Tensor) => tf.div(tf.sum(tf.mul(darker, m)), tf.sum(m)).dataSync()[0];
      return { onEdges: mean(edge), onFlat: mean(flat) };
    });
    console.log(`style-cartoon's outlines at 640x480: ${(255 * onEdges).toFixed(1)} levels darker on the frame's edges, ${(255 * onFlat).toFixed(2)} on flat areas`);
    expect(onEdges).toBeGreaterThan(10 / 255);
    // The formula's own floor on flat areas: strength x sigmoid(-dip x phi), 2% for the cartoon.
    expect(onFlat).toBeLessThan(onEdges / 4);
    tf.dispose([x, drawn, bare]);
    model.dispose();
  });

  it('draws a larger camera\'s outlines as the 640x480 camera\'s, enlarged (the same lines for the same face)', async () => {
    const { entry, model } = await loadFilterFromDisk(repoRoot, 'style-cartoon');
    const run = (t: tf.Tensor4D) => executeFilter(model, entry, t);
    // How much the outlines darken each pixel, for a frame at `scale` of its size (a 240x180 working size each time).
    const darkening = (x: tf.Tensor4D, scale: number) => tf.tidy(() => tf.mean(tf.sub(guidedWork(run, x, scale), guidedWork(run, x, scale, { lines: entry.lines })), 3, true));
    const small = card(640, 480), large = tf.image.resizeNearestNeighbor(small, [960, 1280]);
    const [d480, d960] = [darkening(small, 0.375), darkening(large, 0.1875)];
    const { apart, drawn } = tf.tidy(() => ({ apart: meanAbs(tf.avgPool(d960 as tf.Tensor4D, 2, 2, 'valid'), d480), drawn: tf.mean(d480).dataSync()[0] }));
    console.log(`style-cartoon's outlines: 1280x960 halved against 640x480: ${(255 * apart).toFixed(2)} levels apart (the lines darken ${(255 * drawn).toFixed(2)} on average)`);
    expect(drawn).toBeGreaterThan(1 / 255);
    expect(apart).toBeLessThan(drawn / 2);
    tf.dispose([small, large, d480, d960]);
    model.dispose();
  });

  it('runs the shipped style filters at 3/8 of a 640x480 frame into a 640x480 picture sharper than the enlarged one', async () => {
    const x = card(640, 480);
    for (const { id } of readRegistry(repoRoot).filters.filter((f) => f.kind === 'style')) {
      const { entry, model } = await loadFilterFromDisk(repoRoot, id);
      const run = (t: tf.Tensor4D) => executeFilter(model, entry, t);
      const out = tf.tidy(() => frameRun(model, entry, true, 0.375).execute(x)), old = enlarged(run, x, 0.375);
      expect(out.shape).toEqual([1, 480, 640, 3]);
      // A filtered picture: not the frame, not black.
      expect(meanAbs(out, x), entry.id).toBeGreaterThan(0.01);
      expect(tf.mean(out).dataSync()[0], entry.id).toBeGreaterThan(0.1);
      const ratio = edgeEnergy(out) / edgeEnergy(old);
      console.log(`${entry.id}: edge energy at 640x480, guided / enlarged from 240x180: ${ratio.toFixed(2)}`);
      expect(ratio, entry.id).toBeGreaterThan(1.2);
      tf.dispose([out, old]);
      model.dispose();
    }
    x.dispose();
  });
});
