// npm run blend -- --id ID --title TITLE --l1 RUN/l1 --gan RUN --scale S --channels C --blocks B
//   (--sweep 0,0.2,0.4,... | --alpha A)
// Network interpolation (ESRGAN, Wang et al. 2018): the generator with weights
// (1 - alpha) * L1-checkpoint + alpha * GAN-checkpoint trades distortion (PSNR) for texture
// smoothly. --sweep prints held-out PSNR-Y, SSIM-Y and detail per alpha; --alpha exports that
// blend as the filter (quantized, evaluated again) and writes blend-report.json into --gan.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCheckpoint } from '../core/checkpoint.js';
import { splitPhotos } from '../core/data.js';
import { evaluate, summarize } from '../sr/evaluate.js';
import { readFlags } from './flags.js';
import { buildGraphModel, saveFilter } from '../core/export.js';
import { readPng } from '../imaging/image.js';
import { createGenerator, generate, namedVariables, type Generator } from '../core/nets.js';
import { executeFilter } from '../../../workers/execute.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');

/** The checkpoint's exported generator weights (its EMA copy when it has one). */
function loadWeights(g: Generator, run: string): tf.Tensor[] {
  const ckpt = loadCheckpoint(run);
  if (!ckpt) throw new Error(`${run}: no checkpoint`);
  const weights = namedVariables(g.layers).map(({ name }) => ckpt.tensors.get(`ema/${name}`) ?? ckpt.tensors.get(name));
  if (weights.some((w) => !w)) throw new Error(`${run}: checkpoint lacks the generator's weights`);
  return weights as tf.Tensor[];
}

async function main() {
  const args = readFlags(process.argv.slice(2));
  for (const k of ['id', 'l1', 'gan', 'scale', 'channels', 'blocks']) if (!args[k]) throw new Error(`--${k} is required`);
  await tf.setBackend('wasm');
  const g = createGenerator({ scale: Number(args.scale), channels: Number(args.channels), blocks: Number(args.blocks) }, 1);
  const vars = namedVariables(g.layers);
  const a = loadWeights(g, args.l1), b = loadWeights(g, args.gan);
  const blend = (alpha: number) => vars.forEach(({ v }, i) => v.assign(tf.tidy(() => tf.add(tf.mul(a[i], 1 - alpha), tf.mul(b[i], alpha)))));
  const data = args.data ?? resolve(repoRoot, '../shared/data/photos');
  const images = splitPhotos(data, 12).heldOut.map((p) => ({ name: basename(p), img: readPng(p) }));
  const scale = Number(args.scale);
  const score = () => summarize(evaluate(images, scale, 256, (x) => generate(g, x)));
  const line = (alpha: number, s: ReturnType<typeof score>) =>
    `alpha ${alpha.toFixed(2)}: PSNR-Y ${s.model.psnr.toFixed(2)} (${s.gain >= 0 ? '+' : ''}${s.gain.toFixed(2)} over bicubic), SSIM-Y ${s.model.ssim.toFixed(4)}, detail ${s.model.detail.toFixed(3)}`;
  if (args.sweep) {
    for (const alpha of args.sweep.split(',').map(Number)) {
      blend(alpha);
      console.log(line(alpha, score()));
    }
    return;
  }
  const alpha = Number(args.alpha);
  blend(alpha);
  const float = score();
  const entry = saveFilter(repoRoot, { id: args.id, kind: 'super-resolution', scale, title: args.title ?? args.id }, g, 'float16');
  const model = await tf.loadGraphModel(tf.io.fromMemory(buildGraphModel(g, 'float16').artifacts));
  const rows = evaluate(images, scale, 256, (x) => executeFilter(model, entry, x));
  const quantized = summarize(rows);
  const l1 = (blend(0), score());
  const gan = (blend(1), score());
  writeFileSync(join(args.gan, 'blend-report.json'), JSON.stringify({ id: args.id, alpha, l1, gan, float, quantized, perImage: rows }, null, 2));
  console.log(`L1 checkpoint  ${line(0, l1)}\nGAN checkpoint ${line(1, gan)}\nshipped blend  ${line(alpha, quantized)} (float16, as exported to ${entry.modelUrl})`);
  if (float.model.psnr - quantized.model.psnr > 0.05) throw new Error('float16 export loses more than 0.05 dB');
}

main().catch((e) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
