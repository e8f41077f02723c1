// npm run eval -- --id sr-x2 --images DIR [--size 256]: PSNR-Y of a shipped filter against
// bicubic on center crops of the PNGs in DIR (downscaled by antialiased bicubic first).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFilterFromDisk } from './disk-model.js';
import { evaluate, summarize } from './evaluate.js';
import { readPng } from './image.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../..');

async function main() {
  const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => a.trim().split(/\s+/)));
  if (!args.id || !args.images) throw new Error('usage: npm run eval -- --id FILTER --images DIR [--size 256]');
  await tf.setBackend('wasm');
  const { entry, model } = await loadFilterFromDisk(repoRoot, args.id);
  const images = readdirSync(args.images).filter((f) => f.endsWith('.png')).sort().map((name) => ({ name, img: readPng(join(args.images, name)) }));
  const t0 = performance.now();
  const rows = evaluate(images, entry.scale, Number(args.size ?? 256), (x) => model.execute(x) as tf.Tensor4D);
  const ms = (performance.now() - t0) / rows.length;
  for (const r of rows) console.log(`${r.image.padEnd(56)} bicubic ${r.bicubic.toFixed(2)} dB  ${entry.id} ${r.model.toFixed(2)} dB  (${(r.model - r.bicubic >= 0 ? '+' : '') + (r.model - r.bicubic).toFixed(2)})`);
  const s = summarize(rows);
  console.log(`mean over ${rows.length}: bicubic ${s.bicubic.toFixed(2)} dB, ${entry.id} ${s.model.toFixed(2)} dB, gain ${s.gain.toFixed(2)} dB; ${ms.toFixed(0)} ms per image incl. metrics`);
}

main().catch((e) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
