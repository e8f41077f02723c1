// npm run train -- [--kind sr|style] [--key value ...]: trains a generator (super-resolution, or
// an unpaired style filter), exports it quantized to models/weights/<id>/ with its registry
// entry, evaluates the exported model on held-out photos and writes report.json in the run.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, summarize } from '../sr/evaluate.js';
import { readFlags } from './flags.js';
import { buildGraphModel, saveFilter } from '../core/export.js';
import { pngsIn, readPng } from '../imaging/image.js';
import { GAN_LOSSES, type GanLoss } from '../core/losses.js';
import { generate, type Generator } from '../core/nets.js';
import type { Quantization } from '../core/quantize.js';
import { evaluateStyle, meanAbsDiff, readClip, stylize, centerCrop } from '../style/eval.js';
import { train, type TrainConfig } from '../sr/train.js';
import { trainStyle, type StyleTrainConfig } from '../style/train.js';
import { executeFilter } from '../../../workers/execute.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');
const shared = (p: string) => resolve(repoRoot, '../shared/data', p);
type Common = { id: string; title: string; quantization: Quantization };

const recipes = {
  sr: {
    id: 'sr-x2-quality', title: 'Super-resolution x2 (quality)', quantization: 'float16',
    data: shared('photos'), run: resolve(repoRoot, 'models/runs/sr-x2-quality'),
    scale: 2, channels: 32, blocks: 3, skip: 'bicubic', l1Steps: 3000, ganSteps: 500, batch: 16, lrCrop: 48,
    lrG: 1e-3, lrGanG: 1e-4, lrD: 2e-4, advWeight: 2e-3, ganLoss: 'ns', gradWeight: 0, dView: 'image', emaDecay: 0, spectralNorm: false, r1Weight: 0, gpWeight: 10, seed: 1, holdOutEvery: 12, webMix: 0, threads: 1, checkpointEvery: 100, sampleEvery: 500, evalSize: 256,
  } as TrainConfig & Common,
  style: {
    id: 'style-anime', title: 'Anime', quantization: 'float16',
    data: shared('photos'), style: shared('style/anime'), run: resolve(repoRoot, 'models/runs/style-anime'),
    clip: shared('videos/panzoom_valendas_720p.mp4'),
    channels: 48, blocks: 4, fine: 0, smoothSkip: false, guided: 0, dScales: 1, steps: 2500, batch: 4, crop: 96, lrG: 1e-3, lrD: 2e-4, ganLoss: 'lsgan',
    advWeight: 10, structureWeight: 10, structureScale: 2, colorWeight: 2, shiftWeight: 100, shiftSubpixel: false, softFakesWeight: 0, flatWeight: 0, webMix: 0, emaDecay: 0.995, spectralNorm: true, r1Weight: 0, gpWeight: 10,
    greyFakesWeight: 0, textureWeight: 0, chromaWeight: 0, teacher: '', teacherWeight: 0,
    seed: 1, holdOutEvery: 12, checkpointEvery: 100, sampleEvery: 100,
  } as StyleTrainConfig & Common & { clip: string },
};
type Kind = keyof typeof recipes;

function parseArgs<T extends object>(argv: string[], defaults: T): T {
  const cfg: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [flag, value] of Object.entries(readFlags(argv))) {
    const key = flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (!(key in defaults)) throw new Error(`unknown option --${flag}; options: --kind, ${Object.keys(defaults).join(', ')}`);
    const kind = typeof defaults[key as keyof T];
    cfg[key] = kind === 'number' ? Number(value) : kind === 'boolean' ? ['1', 'true', 'yes'].includes(value) : value;
  }
  if ('ganLoss' in cfg && !GAN_LOSSES.includes(cfg.ganLoss as GanLoss)) throw new Error(`--gan-loss must be one of ${GAN_LOSSES.join(', ')}`);
  if ('dView' in cfg && !['image', 'residual'].includes(cfg.dView as string)) throw new Error('--d-view must be image or residual');
  return cfg as T;
}

const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);

/** The shipped graph model, built from memory exactly as the worker builds it. */
async function exportedModel(g: Generator, quantization: Quantization) {
  return tf.loadGraphModel(tf.io.fromMemory(buildGraphModel(g, quantization).artifacts));
}

async function trainSr(cfg: TrainConfig & Common) {
  const result = await train(cfg, log);
  const entry = saveFilter(repoRoot, { id: cfg.id, kind: 'super-resolution', scale: cfg.scale, title: cfg.title }, result.generator, cfg.quantization);
  log(`exported ${entry.modelUrl} (${entry.macsPerInputPixel} MACs per input pixel, ${cfg.quantization})`);
  // Judge the shipped (quantized) graph model, not just the float weights it came from.
  const images = result.heldOut.map((name) => ({ name, img: readPng(join(cfg.data, name)) }));
  const floatRows = evaluate(images, cfg.scale, cfg.evalSize, (x) => generate(result.generator, x));
  const model = await exportedModel(result.generator, cfg.quantization);
  const quantRows = evaluate(images, cfg.scale, cfg.evalSize, (x) => executeFilter(model, entry, x));
  const report = {
    id: cfg.id, config: cfg, trainSeconds: Math.round(result.seconds), stepsThisRun: result.steps,
    afterL1: result.evalAfterL1 && summarize(result.evalAfterL1),
    float: summarize(floatRows), quantized: summarize(quantRows), perImage: quantRows,
  };
  writeFileSync(join(cfg.run, 'report.json'), JSON.stringify(report, null, 2));
  const quantLoss = report.float.model.psnr - report.quantized.model.psnr;
  if (quantLoss > 0.05) throw new Error(`${cfg.quantization} weights lose ${quantLoss.toFixed(3)} dB against float32 (limit 0.05): export with --quantization float16`);
  log(`held-out PSNR-Y (${basename(cfg.run)}): ${JSON.stringify({ afterL1: report.afterL1, float: report.float, quantized: report.quantized })}`);
}

async function trainStyleFilter(cfg: StyleTrainConfig & Common & { clip: string }) {
  const result = await trainStyle(cfg, log);
  const entry = saveFilter(repoRoot, { id: cfg.id, kind: 'style', scale: 1, title: cfg.title }, result.generator, cfg.quantization);
  log(`exported ${entry.modelUrl} (${entry.macsPerInputPixel} MACs per input pixel, ${cfg.quantization})`);
  const photos = result.heldOut.map((name) => readPng(join(cfg.data, name)));
  const styles = pngsIn(cfg.style).map(readPng);
  const clip = existsSync(cfg.clip) ? readClip(cfg.clip, 320, 180, 30) : undefined;
  const model = await exportedModel(result.generator, cfg.quantization);
  const run = (x: tf.Tensor4D) => executeFilter(model, entry, x);
  const scores = evaluateStyle(photos, styles, 256, run, clip);
  // Quantization bound for style filters: the shipped output stays within half a level of float32.
  const crops = photos.map((p) => centerCrop(p, 256));
  const floatRun = (x: tf.Tensor4D) => executeFilter({ execute: (t) => generate(result.generator, t) }, entry, x);
  const quantDiff = crops.reduce((s, im) => s + meanAbsDiff(stylize(run, im), stylize(floatRun, im)), 0) / crops.length;
  const report = { id: cfg.id, config: cfg, trainSeconds: Math.round(result.seconds), stepsThisRun: result.steps, quantizedVsFloatLevels: quantDiff, scores };
  writeFileSync(join(cfg.run, 'report.json'), JSON.stringify(report, null, 2));
  if (quantDiff > 0.5) throw new Error(`${cfg.quantization} weights change the output by ${quantDiff.toFixed(2)} levels (limit 0.5)`);
  log(`held-out scores (${cfg.id}): ${JSON.stringify(scores)}; quantized vs float ${quantDiff.toFixed(3)} levels`);
}

async function main() {
  const argv = process.argv.slice(2);
  const k = argv.indexOf('--kind');
  const kind = (k >= 0 ? argv.splice(k, 2)[1] : 'sr') as Kind;
  if (!(kind in recipes)) throw new Error(`--kind must be one of ${Object.keys(recipes).join(', ')}`);
  await tf.setBackend('wasm');
  if (kind === 'style') {
    const cfg = parseArgs(argv, recipes.style);
    log(`training ${cfg.id}: ${JSON.stringify(cfg)}`);
    await trainStyleFilter(cfg);
  } else {
    const cfg = parseArgs(argv, recipes.sr);
    log(`training ${cfg.id}: ${JSON.stringify(cfg)}`);
    await trainSr(cfg);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
