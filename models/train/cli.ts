// npm run train -- [--key value ...]: trains a super-resolution GAN generator, exports it
// quantized to models/weights/<id>/ with its registry entry, and reports PSNR-Y on held-out photos.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, summarize } from './evaluate.js';
import { buildGraphModel, saveFilter } from './export.js';
import { readPng } from './image.js';
import { GAN_LOSSES, type GanLoss } from './losses.js';
import { generate } from './nets.js';
import type { Quantization } from './quantize.js';
import { train, type TrainConfig } from './train.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../..');

const defaults: TrainConfig & { id: string; title: string; quantization: Quantization } = {
  id: 'sr-x2', title: 'Super-resolution x2', quantization: 'float16',
  data: resolve(repoRoot, '../shared/data/photos'), run: resolve(repoRoot, 'models/runs/sr-x2'),
  scale: 2, channels: 32, blocks: 3, l1Steps: 3000, ganSteps: 500, batch: 16, lrCrop: 48,
  lrG: 1e-3, lrGanG: 1e-4, lrD: 2e-4, advWeight: 2e-3, ganLoss: 'ns', gradWeight: 0, emaDecay: 0, spectralNorm: false, seed: 1, holdOutEvery: 12, webMix: 0, threads: 1, checkpointEvery: 100, sampleEvery: 500, evalSize: 256,
};

function parseArgs(argv: string[]): typeof defaults {
  const cfg: Record<string, unknown> = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (!(key in defaults) || argv[i + 1] === undefined) throw new Error(`unknown or incomplete option ${argv[i]}; options: ${Object.keys(defaults).join(', ')}`);
    const kind = typeof defaults[key as keyof typeof defaults];
    cfg[key] = kind === 'number' ? Number(argv[i + 1]) : kind === 'boolean' ? ['1', 'true', 'yes'].includes(argv[i + 1]) : argv[i + 1];
  }
  if (!GAN_LOSSES.includes(cfg.ganLoss as GanLoss)) throw new Error(`--gan-loss must be one of ${GAN_LOSSES.join(', ')}`);
  return cfg as unknown as typeof defaults;
}

async function main() {
  const cfg = parseArgs(process.argv.slice(2));
  await tf.setBackend('wasm');
  const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
  log(`training ${cfg.id}: ${JSON.stringify(cfg)}`);
  const result = await train(cfg, log);

  const entry = saveFilter(repoRoot, { id: cfg.id, kind: 'super-resolution', scale: cfg.scale, title: cfg.title }, result.generator, cfg.quantization);
  log(`exported ${entry.modelUrl} (${entry.macsPerInputPixel} MACs per input pixel, ${cfg.quantization})`);

  // Judge the shipped (quantized) graph model, not just the float weights it came from.
  const images = result.heldOut.map((name) => ({ name, img: readPng(join(cfg.data, name)) }));
  const floatRows = evaluate(images, cfg.scale, cfg.evalSize, (x) => generate(result.generator, x));
  const model = await tf.loadGraphModel(tf.io.fromMemory(buildGraphModel(result.generator, cfg.quantization).artifacts));
  const quantRows = evaluate(images, cfg.scale, cfg.evalSize, (x) => model.execute(x) as tf.Tensor4D);
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

main().catch((e) => { console.error(e); process.exit(1); });
