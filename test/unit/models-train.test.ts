import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGraphModel } from '../../models/train/core/export';
import { updateEma } from '../../models/train/core/ema';
import { readPng, writePng, type Image } from '../../models/train/imaging/image';
import { CODEC_BLOCK, Rng, sampleBatch } from '../../models/train/core/data';
import { GAN_LOSSES, discriminatorLoss, generatorAdvLoss } from '../../models/train/core/losses';
import { createDiscriminator, generate, spectralNormalized } from '../../models/train/core/nets';
import { train, type TrainConfig } from '../../models/train/sr/train';

/** Four small synthetic "photos": smooth gradients with edges and texture. */
function makePhotos(): string {
  const dir = mkdtempSync(join(tmpdir(), 'photos-'));
  for (let k = 0; k < 4; k++) {
    const w = 64, h = 56, data = new Float32Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
      data[(y * w + x) * 3 + c] = 0.5 + 0.3 * Math.sin((x * (k + 1) + y * c) * 0.3) * (x > 20 + k * 5 ? 1 : 0.4) + 0.1 * Math.cos(y * 0.9 + c);
    }
    writePng(join(dir, `p${k}.png`), { width: w, height: h, data });
  }
  return dir;
}

const silent = () => {};

describe('GAN trainer (few steps on tiny images)', () => {
  let data: string;
  const cfg = (run: string, l1Steps: number, ganSteps: number, more: Partial<TrainConfig> = {}): TrainConfig => ({
    data, run, scale: 2, channels: 8, blocks: 1, l1Steps, ganSteps, batch: 2, lrCrop: 12,
    lrG: 1e-3, lrGanG: 1e-4, lrD: 2e-4, advWeight: 2e-3, ganLoss: 'ns', gradWeight: 0, dView: 'image', emaDecay: 0, spectralNorm: false, r1Weight: 0, gpWeight: 10,
    seed: 7, holdOutEvery: 4, webMix: 0, codecMix: 0, codecVariants: 1, source: '', pixelLoss: 'l1', blockWeight: 0, init: '', threads: 1, checkpointEvery: 2, sampleEvery: 3, evalSize: 32, ...more,
  });
  const tmpRun = () => mkdtempSync(join(tmpdir(), 'run-'));
  const weightsOf = (r: Awaited<ReturnType<typeof train>>) => r.generator.layers.flatMap((l) => [...l.w.dataSync(), ...l.b.dataSync()]);

  beforeAll(async () => {
    await tf.setBackend('wasm');
    data = makePhotos();
  });

  it('runs L1 and adversarial steps, holds out photos, and leaks no tensors', async () => {
    const lines: string[] = [];
    const run = mkdtempSync(join(tmpdir(), 'run-'));
    const before = tf.memory().numTensors;
    const r = await train(cfg(run, 3, 3), (l) => lines.push(l));
    // All that remains is the returned generator: its conv weights and biases plus the fixed skip kernel.
    expect(tf.memory().numTensors - before).toBe(2 * r.generator.layers.length + 1);
    expect(r.heldOut).toEqual(['p3.png']);
    expect(r.evalAfterL1?.[0].model.psnr).toBeGreaterThan(0);
    expect(r.evalAfterL1?.[0].model.ssim).toBeGreaterThan(0);
    const steps = lines.filter((l) => l.includes('step '));
    expect(steps.at(-1)).toMatch(/step 6\/6 gan l1=\d\.\d+ adv=\d\.\d+ d=\d\.\d+ .*ETA/);
    // Sample sheets at steps 3 and 6 (one held-out photo: bicubic | generator | truth) and the loss plot.
    expect(readdirSync(join(run, 'samples'))).toEqual(['step-000003.png', 'step-000006.png']);
    const sheet = readPng(join(run, 'samples', 'step-000006.png'));
    expect([sheet.width, sheet.height]).toEqual([3 * 32 + 4, 32]);
    const plot = readPng(join(run, 'losses.png'));
    expect(plot.data.some((v) => v < 0.5)).toBe(true); // curves were drawn on the white background
    const mid = tf.memory().numTensors;
    const resumed = await train(cfg(run, 3, 5), silent); // resume: two more GAN steps
    expect(resumed.steps).toBe(2);
    expect(tf.memory().numTensors - mid).toBe(2 * r.generator.layers.length + 1);
  });

  for (const ganLoss of GAN_LOSSES) {
    const dView = ganLoss === 'ragan' || ganLoss === 'wgan-gp' ? 'residual' : 'image';
    it(`${ganLoss} GAN loss${ganLoss === 'ns' ? ' with R1' : ''}, D on the ${dView}, with gradient loss and web degradations trains: finite losses, weights move`, async () => {
      const lines: string[] = [];
      const more = { ganLoss, dView, gradWeight: 0.5, webMix: 0.5, spectralNorm: ganLoss === 'hinge', r1Weight: ganLoss === 'ns' ? 1 : 0, checkpointEvery: 100 } as const;
      const r = await train(cfg(tmpRun(), 1, 3, more), (l) => lines.push(l));
      const last = lines.filter((l) => l.includes('step 4/4'))[0];
      const [, adv, dl] = last.match(/adv=(-?\d+\.\d+) d=(-?\d+\.\d+)/) ?? [];
      expect(Number.isFinite(Number(adv)) && Number.isFinite(Number(dl))).toBe(true);
      const l1Only = await train(cfg(tmpRun(), 1, 0, more), silent);
      expect(weightsOf(r)).not.toEqual(weightsOf(l1Only));
    });
  }

  it('exports the EMA copy of the generator, checkpointed with the rest', async () => {
    const raw = await train(cfg(tmpRun(), 3, 1), silent);
    const before = tf.memory().numTensors;
    const withEma = await train(cfg(tmpRun(), 3, 1, { emaDecay: 0.9 }), silent);
    expect(tf.memory().numTensors - before).toBe(2 * withEma.generator.layers.length + 1); // raw G and D freed
    const a = weightsOf(raw), b = weightsOf(withEma);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeGreaterThan(1e-6);
    const split = tmpRun();
    await train(cfg(split, 2, 0, { emaDecay: 0.9 }), silent);
    const resumed = await train(cfg(split, 3, 1, { emaDecay: 0.9 }), silent);
    expect(Math.max(...weightsOf(resumed).map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-6);
  });

  it('two cores (half a batch each) give the one-core result and leak nothing', async () => {
    const one = await train(cfg(tmpRun(), 2, 2), silent);
    const before = tf.memory().numTensors;
    const two = await train(cfg(tmpRun(), 2, 2, { threads: 2 }), silent);
    expect(tf.memory().numTensors - before).toBe(2 * two.generator.layers.length + 1);
    const a = weightsOf(one), b = weightsOf(two);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-4);
    expect(Math.max(...b.map(Math.abs))).toBeGreaterThan(0.01);
  });

  it('resuming from a checkpoint gives the same weights as an uninterrupted run', async () => {
    const straight = await train(cfg(tmpRun(), 2, 2), silent);
    const split = tmpRun();
    await train(cfg(split, 2, 0), silent);
    const resumed = await train(cfg(split, 2, 2), silent);
    expect(resumed.steps).toBe(2);
    const a = weightsOf(straight), b = weightsOf(resumed);
    expect(a.length).toBe(b.length);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-6);
  });

  it('a run can start from an exported model, and mix in pairs that went through a real video codec (with the block-border term)', async () => {
    const first = await train(cfg(mkdtempSync(join(tmpdir(), 'run-')), 2, 0), silent);
    const dir = mkdtempSync(join(tmpdir(), 'exported-'));
    const exported = buildGraphModel(first.generator, 'float16');
    writeFileSync(join(dir, 'model.json'), JSON.stringify(exported.modelJson));
    writeFileSync(join(dir, 'weights.bin'), exported.weights);
    const lines: string[] = [];
    const second = await train(cfg(mkdtempSync(join(tmpdir(), 'run-')), 0, 0, { init: join(dir, 'model.json'), codecMix: 0.5, lrCrop: 16 }), (l) => lines.push(l));
    expect(lines.some((l) => l.includes('codec pairs: 3'))).toBe(true);
    const x = tf.randomUniform([1, 16, 16, 3]) as tf.Tensor4D;
    expect(tf.max(tf.abs(tf.sub(generate(second.generator, x), generate(first.generator, x)))).dataSync()[0]).toBeLessThan(2e-3); // float16
    const stepped = await train(cfg(mkdtempSync(join(tmpdir(), 'run-')), 2, 0, { init: join(dir, 'model.json'), codecMix: 0.5, lrCrop: 16, blockWeight: 1 }), silent);
    expect(stepped.steps).toBe(2);
  });

  it('the exported quantized graph model computes what the trained generator computes', async () => {
    const r = await train(cfg(mkdtempSync(join(tmpdir(), 'run-')), 2, 0), silent);
    const x = tf.randomUniform([1, 19, 23, 3]) as tf.Tensor4D;
    const ref = generate(r.generator, x);
    for (const [q, tol] of [['float16', 2e-3], ['uint8', 5e-2]] as const) {
      const model = await tf.loadGraphModel(tf.io.fromMemory(buildGraphModel(r.generator, q).artifacts));
      const y = model.execute(x) as tf.Tensor;
      expect(y.shape).toEqual([1, 38, 46, 3]);
      expect(tf.max(tf.abs(tf.sub(y, ref))).dataSync()[0]).toBeLessThan(tol);
    }
  });
});

describe('GAN losses and EMA', () => {
  it('each loss rewards D for telling real from fake and G for fooling it', () => {
    // Logits where D is right (real near LSGAN's target 1, fake near 0) and where it is fooled.
    const confident = { real: tf.tensor([1, 1.2, 0.9]), fake: tf.tensor([-0.1, 0, 0.1]) };
    const fooled = { real: tf.tensor([-1, 0, -0.5]), fake: tf.tensor([1, 1.1, 0.9]) };
    for (const kind of GAN_LOSSES) {
      const d = (x: typeof confident) => discriminatorLoss(kind, x.real, x.fake).dataSync()[0];
      const g = (x: typeof confident) => generatorAdvLoss(kind, x.real, x.fake).dataSync()[0];
      expect(d(confident)).toBeLessThan(d(fooled));
      expect(g(fooled)).toBeLessThan(g(confident));
    }
  });

  it('updateEma moves the average toward the weights by (1 - decay), ramped early', () => {
    const layer = (v: number) => ({ name: 'l', stride: 1, act: 'linear' as const, w: tf.variable(tf.fill([1, 1, 1, 1], v)) as tf.Variable<tf.Rank.R4>, b: tf.variable(tf.fill([1], v)) as tf.Variable<tf.Rank.R1> });
    const gen = (v: number) => ({ config: { scale: 2, channels: 1, blocks: 0 }, layers: [layer(v)], skipKernel: tf.zeros([1, 1, 1, 1]) as tf.Tensor4D });
    const ema = gen(0), g = gen(1);
    updateEma(ema, g, 0.99, 1000); // late: decay 0.99 itself
    expect(ema.layers[0].w.dataSync()[0]).toBeCloseTo(0.01, 6);
    updateEma(ema, g, 0.99, 0); // first step: min(0.99, 1/10)
    expect(ema.layers[0].b.dataSync()[0]).toBeCloseTo(0.01 * 0.1 + 0.9, 6);
  });
});

describe('spectral normalization', () => {
  it('scales each discriminator kernel to a largest singular value of 1', () => {
    const d = createDiscriminator(3, true);
    for (const l of d.slice(0, 2)) {
      let w = tf.zeros([1]) as tf.Tensor;
      for (let i = 0; i < 40; i++) { w.dispose(); w = spectralNormalized(l as Parameters<typeof spectralNormalized>[0]); }
      // Independent estimate: many power iterations on W^T W.
      const m = tf.reshape(w, [-1, l.w.shape[3]]) as tf.Tensor2D;
      let v = tf.ones([l.w.shape[3], 1]) as tf.Tensor2D;
      for (let i = 0; i < 200; i++) v = tf.tidy(() => { const x = tf.matMul(m, tf.matMul(m, v), true); return tf.div(x, tf.norm(x)) as tf.Tensor2D; });
      const sigma = tf.norm(tf.matMul(m, v)).dataSync()[0];
      expect(sigma).toBeCloseTo(1, 2);
      expect(tf.norm(l.w).dataSync()[0]).toBeGreaterThan(1.5); // the raw kernel is not itself normalized
    }
  });
});

describe('codec crops', () => {
  it('start on the codec block grid, so block borders stay on it under every flip', async () => {
    await tf.setBackend('wasm');
    // Each low-res pixel holds its column and row within its 8x8 block; the high-res side is unused here.
    const w = 100, h = 90;
    const lr: Image = { width: w, height: h, data: Float32Array.from({ length: w * h * 3 }, (_, i) => { const p = Math.floor(i / 3), c = i % 3; return c === 0 ? (p % w) % 8 : c === 1 ? Math.floor(p / w) % 8 : 0; }) };
    const hr: Image = { width: 2 * w, height: 2 * h, data: new Float32Array(4 * w * h * 3) };
    const rng = new Rng(3);
    const corners = new Set<string>();
    for (let k = 0; k < 12; k++) {
      const { lr: x, hr: y } = sampleBatch([], rng, 2, 16, 2, 0, { pairs: [{ lr, hr }], share: 1 });
      const d = x.dataSync();
      for (let b = 0; b < 2; b++) {
        const at = b * 16 * 16 * 3;
        corners.add(`${d[at]},${d[at + 1]}`);
      }
      tf.dispose([x, y]);
    }
    // The crop's corner pixel is a block's first or last (a flip) in both directions, never inside one.
    for (const c of corners) for (const v of c.split(',').map(Number)) expect([0, CODEC_BLOCK - 1]).toContain(v);
  });
});
