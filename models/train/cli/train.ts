// npm run train -- --recipe ID: reproduces a shipped filter from its recipe, models/recipes/ID.json
// (its training stages in order, each resumed from or copied after the one before, and for
// super-resolution the blend of two checkpoints, then any fine-tunes of the blend).
// npm run train -- [--kind sr|style] [--key value ...]: one training run with these options over
// the defaults below. Either way the generator is exported quantized to models/weights/<id>/
// with its registry entry, evaluated again as exported on held-out photos, and report.json is
// written into the run folder.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, summarize } from '../sr/evaluate.js';
import { readFlags } from './flags.js';
import { trainDefaults, type Common } from './defaults.js';
import { readRecipe, recipeConfig, type RecipeStage } from './recipe.js';
import { exportBlend } from '../sr/blend.js';
import { buildGraphModel, saveFilter } from '../core/export.js';
import { pngsIn, readPng } from '../imaging/image.js';
import { GAN_LOSSES, type GanLoss } from '../core/losses.js';
import { generate, render, type Generator } from '../core/nets.js';
import type { Quantization } from '../core/quantize.js';
import { evaluateStyle, meanAbsDiff, stylize, centerCrop } from '../style/eval.js';
import { readClip } from '../imaging/video.js';
import { train, type TrainConfig } from '../sr/train.js';
import { trainStyle, type StyleTrainConfig } from '../style/train.js';
import { executeFilter } from '../../../workers/execute.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');
const defaults = trainDefaults(repoRoot);
type Kind = keyof typeof defaults;

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
  if ('pixelLoss' in cfg && !['l1', 'l2'].includes(cfg.pixelLoss as string)) throw new Error('--pixel-loss must be l1 or l2');
  if ('source' in cfg && !['', 'compressed'].includes(cfg.source as string)) throw new Error('--source must be compressed or empty');
  return cfg as T;
}

const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);

/** The shipped graph model, built from memory exactly as the worker builds it. */
async function exportedModel(g: Generator, quantization: Quantization) {
  return tf.loadGraphModel(tf.io.fromMemory(buildGraphModel(g, quantization).artifacts));
}

async function trainSr(cfg: TrainConfig & Common) {
  const result = await train(cfg, log);
  const entry = saveFilter(repoRoot, { id: cfg.id, kind: 'super-resolution', scale: cfg.scale, title: cfg.title, ...(cfg.source ? { source: cfg.source } : {}) }, result.generator, cfg.quantization);
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
  const photos = result.heldOut.map((path) => readPng(path));
  const styles = pngsIn(cfg.style).map(readPng);
  const clip = existsSync(cfg.clip) ? readClip(cfg.clip, 320, 180, 30) : undefined;
  const model = await exportedModel(result.generator, cfg.quantization);
  const run = (x: tf.Tensor4D) => executeFilter(model, entry, x);
  const scores = evaluateStyle(photos, styles, 256, run, clip);
  // Quantization bound for style filters: the shipped output stays within half a level of float32.
  const crops = photos.map((p) => centerCrop(p, 256));
  const floatRun = (x: tf.Tensor4D) => executeFilter({ execute: (t) => render(result.generator, t) }, entry, x);
  const quantDiff = crops.reduce((s, im) => s + meanAbsDiff(stylize(run, im), stylize(floatRun, im)), 0) / crops.length;
  const report = { id: cfg.id, config: cfg, trainSeconds: Math.round(result.seconds), stepsThisRun: result.steps, quantizedVsFloatLevels: quantDiff, scores };
  writeFileSync(join(cfg.run, 'report.json'), JSON.stringify(report, null, 2));
  if (quantDiff > 0.5) throw new Error(`${cfg.quantization} weights change the output by ${quantDiff.toFixed(2)} levels (limit 0.5)`);
  log(`held-out scores (${cfg.id}): ${JSON.stringify(scores)}; quantized vs float ${quantDiff.toFixed(3)} levels`);
}

async function runRecipe(id: string): Promise<void> {
  const recipe = readRecipe(repoRoot, id);
  const stages = [...recipe.stages, ...(recipe.after ?? [])];
  const runStage = async (stage: RecipeStage) => {
    const run = resolve(repoRoot, stage.run);
    if (stage.from && !existsSync(run)) cpSync(resolve(repoRoot, stage.from), run, { recursive: true });
    // Pairs already rendered are skipped: a killed recipe resumes where it stopped.
    if (stage.teacherPairs) execFileSync('npx', ['tsx', join(repoRoot, 'models/train/cli/render-teacher.ts'), '--filter', recipe.id, '--out', stage.teacherPairs], { cwd: repoRoot, stdio: 'inherit' });
    const options = { ...stage.options, id: recipe.id, title: recipe.title, run: stage.run };
    log(`recipe ${id}, stage ${stages.indexOf(stage) + 1} of ${stages.length}: ${stage.run}${stage.from ? ` (from ${stage.from})` : ''}`);
    if (recipe.kind === 'style') await trainStyleFilter(recipeConfig(repoRoot, defaults.style, options));
    else await trainSr(recipeConfig(repoRoot, defaults.sr, options));
  };
  for (const stage of recipe.stages) await runStage(stage);
  if (recipe.blend) {
    await exportBlend(repoRoot, { id: recipe.id, title: recipe.title, l1: resolve(repoRoot, recipe.blend.l1), gan: resolve(repoRoot, recipe.blend.gan), alpha: recipe.blend.alpha, photos: defaults.sr.data }, log);
  }
  for (const stage of recipe.after ?? []) await runStage(stage);
}

async function main() {
  const argv = process.argv.slice(2);
  await tf.setBackend('wasm');
  const r = argv.indexOf('--recipe');
  if (r >= 0) {
    if (argv.length !== 2) throw new Error('--recipe takes no other options: the recipe file holds them');
    return runRecipe(argv[r + 1]);
  }
  const k = argv.indexOf('--kind');
  const kind = (k >= 0 ? argv.splice(k, 2)[1] : 'sr') as Kind;
  if (!(kind in defaults)) throw new Error(`--kind must be one of ${Object.keys(defaults).join(', ')}`);
  if (kind === 'style') {
    const cfg = parseArgs(argv, defaults.style);
    log(`training ${cfg.id}: ${JSON.stringify(cfg)}`);
    await trainStyleFilter(cfg);
  } else {
    const cfg = parseArgs(argv, defaults.sr);
    log(`training ${cfg.id}: ${JSON.stringify(cfg)}`);
    await trainSr(cfg);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
