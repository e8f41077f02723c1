// Network interpolation (ESRGAN, Wang et al. 2018): the generator with weights
// (1 - alpha) * L1-checkpoint + alpha * GAN-checkpoint trades distortion (PSNR) for texture
// smoothly. The generator's shape comes from the checkpoints themselves.
import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadCheckpoint } from '../core/checkpoint.js';
import { splitPhotos } from '../core/data.js';
import { buildGraphModel, saveFilter } from '../core/export.js';
import { createGenerator, generate, namedVariables, type Generator, type GeneratorConfig } from '../core/nets.js';
import { readPng } from '../imaging/image.js';
import { evaluate, summarize, type EvalRow } from './evaluate.js';
import { executeFilter } from '../../../workers/execute.js';

/** The checkpoint's generator config and its exported weights (its EMA copy when it has one). */
function loadWeights(run: string, g?: Generator): { config: GeneratorConfig; weights: tf.Tensor[] } {
  const ckpt = loadCheckpoint<{ generator?: GeneratorConfig }>(run);
  if (!ckpt) throw new Error(`${run}: no checkpoint`);
  const config = ckpt.state.generator;
  if (!config) throw new Error(`${run}: the checkpoint does not record its generator's shape`);
  const gen = g ?? createGenerator(config, 1);
  const weights = namedVariables(gen.layers).map(({ name }) => ckpt.tensors.get(`ema/${name}`) ?? ckpt.tensors.get(name));
  if (weights.some((w) => !w)) throw new Error(`${run}: checkpoint lacks the generator's weights`);
  return { config, weights: weights as tf.Tensor[] };
}

export interface Blend {
  g: Generator;
  /** Sets the generator's weights to the blend at `alpha`. */
  at(alpha: number): void;
  /** Held-out PSNR-Y, SSIM-Y and detail of the current weights. */
  score(): ReturnType<typeof summarize>;
  images: { name: string; img: ReturnType<typeof readPng> }[];
}

export function openBlend(l1: string, gan: string, photos: string): Blend {
  const a = loadWeights(l1);
  const g = createGenerator(a.config, 1);
  const b = loadWeights(gan, g);
  const vars = namedVariables(g.layers);
  const images = splitPhotos(photos, 12).heldOut.map((p) => ({ name: basename(p), img: readPng(p) }));
  return {
    g, images,
    at: (alpha) => vars.forEach(({ v }, i) => v.assign(tf.tidy(() => tf.add(tf.mul(a.weights[i], 1 - alpha), tf.mul(b.weights[i], alpha))))),
    score: () => summarize(evaluate(images, a.config.scale, 256, (x) => generate(g, x))),
  };
}

export const blendLine = (alpha: number, s: ReturnType<typeof summarize>) =>
  `alpha ${alpha.toFixed(2)}: PSNR-Y ${s.model.psnr.toFixed(2)} (${s.gain >= 0 ? '+' : ''}${s.gain.toFixed(2)} over bicubic), SSIM-Y ${s.model.ssim.toFixed(4)}, detail ${s.model.detail.toFixed(3)}`;

/** Exports the blend at `alpha` as the filter (float16, evaluated again) and writes blend-report.json into the GAN run. */
export async function exportBlend(repoRoot: string, opts: { id: string; title: string; l1: string; gan: string; alpha: number; photos: string }, log: (line: string) => void): Promise<void> {
  const blend = openBlend(opts.l1, opts.gan, opts.photos);
  const scale = blend.g.config.scale;
  blend.at(opts.alpha);
  const float = blend.score();
  const entry = saveFilter(repoRoot, { id: opts.id, kind: 'super-resolution', scale, title: opts.title }, blend.g, 'float16');
  const model = await tf.loadGraphModel(tf.io.fromMemory(buildGraphModel(blend.g, 'float16').artifacts));
  const rows: EvalRow[] = evaluate(blend.images, scale, 256, (x) => executeFilter(model, entry, x));
  const quantized = summarize(rows);
  const l1 = (blend.at(0), blend.score());
  const gan = (blend.at(1), blend.score());
  writeFileSync(join(opts.gan, 'blend-report.json'), JSON.stringify({ id: opts.id, alpha: opts.alpha, l1, gan, float, quantized, perImage: rows }, null, 2));
  log(`L1 checkpoint  ${blendLine(0, l1)}\nGAN checkpoint ${blendLine(1, gan)}\nshipped blend  ${blendLine(opts.alpha, quantized)} (float16, as exported to ${entry.modelUrl})`);
  if (float.model.psnr - quantized.model.psnr > 0.05) throw new Error('float16 export loses more than 0.05 dB');
}
