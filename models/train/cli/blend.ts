// npm run blend -- --id ID --title TITLE --l1 RUN/l1 --gan RUN (--sweep 0,0.2,0.4,... | --alpha A)
// Network interpolation of two checkpoints of one super-resolution run (sr/blend.ts); the
// generator's shape comes from the checkpoints. --sweep prints held-out PSNR-Y, SSIM-Y and
// detail per alpha; --alpha exports that blend as the filter and writes blend-report.json into --gan.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { blendLine, exportBlend, openBlend } from '../sr/blend.js';
import { readFlags } from './flags.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');

async function main() {
  const args = readFlags(process.argv.slice(2));
  for (const k of ['id', 'l1', 'gan']) if (!args[k]) throw new Error(`--${k} is required`);
  await tf.setBackend('wasm');
  const photos = args.data ?? resolve(repoRoot, '../shared/data/photos');
  if (args.sweep) {
    const blend = openBlend(args.l1, args.gan, photos);
    for (const alpha of args.sweep.split(',').map(Number)) {
      blend.at(alpha);
      console.log(blendLine(alpha, blend.score()));
    }
    return;
  }
  await exportBlend(repoRoot, { id: args.id, title: args.title ?? args.id, l1: args.l1, gan: args.gan, alpha: Number(args.alpha), photos }, console.log);
}

main().catch((e) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
