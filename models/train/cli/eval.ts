// npm run eval -- --id sr-x2-quality[,sr-x4,style-anime...] --images DIR [--size 256]
//   [--peers esrgan-slim,esrgan-medium] [--compressed true [--compressed-videos FILE[,FILE]]] [--style DIR] [--style-root DIR --photos DIR] [--clip FILE [--clip-size 320x180] [--clip-start SECONDS]] [--work S] [--out DIR]
// Super-resolution filters, and optionally the UpscalerJS peers at the same scales: against
// bicubic on center crops of the PNGs in DIR (downscaled by antialiased bicubic first), PSNR-Y,
// SSIM-Y, detail ratio; with --compressed, the x2 filters also on those photos (and the videos
// given) as H.264 clips at CRF 32-40 and VP9 and AV1 ones at the same bitrates (sr/compressed.ts:
// PSNR-Y, blocking, ringing, speckles against the truth). Style filters: structure (SSIM-Y vs input), distance of image
// statistics to the style images in --style, shift error, flicker and still-region shimmer on 30 frames of --clip (all with
// --work S through the live path: at that fraction of each frame, guided back up), and with
// --style-root (anime/, cartoon/, painting/) the share of outputs a style classifier trained on
// those sets and on the training photos of --photos names as the filter's style. Both: ms per
// 640x360 frame on wasm. With --out: results.json and contact sheets (rows: images; columns:
// bicubic, each model, truth per scale; input, each style filter).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFilterFromDisk } from '../core/disk-model.js';
import { evaluate, summarize, upscaleCrop, type Scores } from '../sr/evaluate.js';
import { readFlags } from './flags.js';
import { pngsIn, readPng, writePng, type Image } from '../imaging/image.js';
import { PEERS, loadPeer, type PeerName } from '../sr/peers.js';
import { tile } from '../imaging/sheet.js';
import { centerCrop, evaluateStyle, stylize } from '../style/eval.js';
import { probeVideo, readClip } from '../imaging/video.js';
import { CLASSES, trainClassifier, type Classifier, type StyleClass } from '../style/score.js';
import { splitPhotos } from '../core/data.js';
import { compressedCrops, encodeClips, evaluateCompressed, photoClips, videoClips, type CompressedRow } from '../sr/compressed.js';
import { CODEC_LABELS } from '../sr/codecs.js';
import { frameRun } from '../../../workers/execute.js';
import { useTransposeDepthToSpaceOnWasm } from '../../../workers/wasm-depth-to-space.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');

type Upscale = (x: tf.Tensor4D) => tf.Tensor4D;

function msPerFrame(upscale: Upscale, w: number, h: number): number {
  const x = tf.randomUniform([1, h, w, 3]) as tf.Tensor4D;
  const times = Array.from({ length: 4 }, () => {
    const t0 = performance.now();
    const y = tf.tidy(() => upscale(x));
    y.dataSync();
    y.dispose();
    return performance.now() - t0;
  }).slice(1).sort((a, b) => a - b); // the first run compiles
  x.dispose();
  return times[1];
}

function printCompressed(set: string, c: CompressedRow) {
  const setting = c.codec === 'h264' ? `H.264 CRF ${c.crf}` : `${CODEC_LABELS[c.codec]} at H.264 CRF ${c.crf}'s rate`;
  const gain = c.model.psnr - c.bicubic.psnr;
  console.log(`  ${set}, ${setting} (${c.bitsPerPixel.toFixed(3)} bits/pixel): PSNR-Y ${c.model.psnr.toFixed(2)} (${gain >= 0 ? '+' : ''}${gain.toFixed(2)} over bicubic), blocking ${c.model.blocking.toFixed(3)} (bicubic ${c.bicubic.blocking.toFixed(3)}, truth 1), ringing ${c.model.ringing.toFixed(2)} levels (bicubic ${c.bicubic.ringing.toFixed(2)}), speckles ${c.model.speckles.toFixed(1)}/MP (bicubic ${c.bicubic.speckles.toFixed(1)})`);
}

const fmt = (s: Scores) => `${s.psnr.toFixed(2)} dB  SSIM ${s.ssim.toFixed(4)}  detail ${s.detail.toFixed(2)}`;

function evaluateStyleFilters(stylers: { id: string; macsPerInputPixel: number; run: Upscale }[], images: Image[], size: number, args: Record<string, string>) {
  if (!stylers.length) return [];
  const styleImages = args.style ? pngsIn(args.style).map(readPng) : images;
  const [clipW, clipH] = (args['clip-size'] ?? '320x180').split('x').map(Number);
  const clip = args.clip ? readClip(args.clip, clipW, clipH, 30, Number(args['clip-start'] ?? 0)) : undefined;
  const classifier = args['style-root'] ? styleClassifier(args['style-root'], args.photos) : undefined;
  return stylers.map(({ id, macsPerInputPixel, run }) => {
    const target = CLASSES.find((c) => id === `style-${c}`);
    // Each filter against its own style set when the root of the sets is given.
    const own = args['style-root'] && target ? pngsIn(join(args['style-root'], target)).map(readPng) : styleImages;
    const s = evaluateStyle(images, own, size, run, clip, classifier && target ? { classifier, target } : undefined);
    const ms = msPerFrame(run, 640, 360);
    console.log(`\n${id} (${macsPerInputPixel} MACs/px, ${ms.toFixed(0)} ms per 640x360 frame on wasm, 1 thread)`);
    console.log(`  structure (SSIM-Y vs input) ${s.structure.toFixed(3)}, mean change ${s.change.toFixed(1)} levels`);
    console.log(`  style shift ${s.styleShift.toFixed(2)} (0 = the inputs' image statistics, 1 = the style images')${args.style ? '' : ' [no --style: meaningless]'}`);
    console.log(`  border: the outermost pixels change ${s.border.toFixed(2)} times as much as the next ones in (1 = no seam)`);
    console.log(`  1-pixel shift error ${s.shiftError.toFixed(2)} levels${s.flicker !== undefined ? `, flicker on clip ${s.flicker.toFixed(3)} (1 = as stable as the source)` : ''}${s.changed ? `; pixels changing over 3 levels per frame ${(100 * s.changed.output).toFixed(1)}% (the clip itself ${(100 * s.changed.source).toFixed(1)}%)` : ''}${s.shimmer ? `; on its still ${(100 * s.shimmer.share).toFixed(0)}%, ${s.shimmer.output.toFixed(2)} levels per frame (the clip itself ${s.shimmer.input.toFixed(2)})` : ''}`);
    if (s.named) console.log(`  named ${target} by the style classifier: ${(100 * s.named.output).toFixed(0)}% of output quadrants (inputs ${(100 * s.named.input).toFixed(0)}%), mean probability ${s.named.probability.toFixed(2)}; all names ${JSON.stringify(s.named.names)}`);
    return { id, kind: 'style', macsPerInputPixel, msPer640x360: ms, ...s };
  });
}

/** The style classifier (style-score.ts) on the three style sets and the training photos, with its own held-out accuracy. */
function styleClassifier(root: string, photos = resolve(repoRoot, '../shared/data/photos')): Classifier {
  const sets = Object.fromEntries(CLASSES.map((c) => [c, (c === 'photo' ? splitPhotos(photos, 12).train : pngsIn(join(root, c))).map(readPng)])) as Record<StyleClass, Image[]>;
  const c = trainClassifier(sets, 128, 6);
  console.log(`style classifier: ${(100 * c.heldOutAccuracy).toFixed(0)}% right on crops of held-out images; confusion (rows ${CLASSES.join(', ')}): ${JSON.stringify(c.confusion)}`);
  return c;
}

async function main() {
  const args = readFlags(process.argv.slice(2));
  if (!args.id || !args.images) throw new Error('usage: npm run eval -- --id FILTER[,FILTER...] --images DIR [--size 256] [--out DIR]');
  const size = Number(args.size ?? 256);
  await tf.setBackend('wasm');
  useTransposeDepthToSpaceOnWasm(); // as the app's worker does
  const images = pngsIn(args.images).map((p) => ({ name: basename(p), img: readPng(p) }));
  const candidates: { id: string; scale: number; macsPerInputPixel?: number; upscale: Upscale }[] = [];
  const stylers: { id: string; macsPerInputPixel: number; run: Upscale }[] = [];
  for (const id of args.id.split(',')) {
    const { entry, model } = await loadFilterFromDisk(repoRoot, id);
    // Style filters with --work: at that fraction of each frame, guided back up, as the live path runs them.
    const run: Upscale = (x) => frameRun(model, entry, false, Number(args.work ?? 1)).execute(x);
    if (entry.kind === 'style') stylers.push({ id, macsPerInputPixel: entry.macsPerInputPixel, run });
    else candidates.push({ id, scale: entry.scale, macsPerInputPixel: entry.macsPerInputPixel, upscale: run });
  }
  const styleResults = evaluateStyleFilters(stylers, images.map((i) => i.img), size, args);
  for (const name of (args.peers ?? '').split(',').filter(Boolean)) {
    if (!PEERS.includes(name as PeerName)) throw new Error(`--peers takes ${PEERS.join(', ')}`);
    for (const scale of new Set(candidates.map((c) => c.scale))) candidates.push(await loadPeer(name as PeerName, scale));
  }
  const results = [];
  // x2 filters on the same photos, and on the videos given, as compressed web video (sr/compressed.ts).
  const wantCompressed = args.compressed === 'true' && candidates.some((c) => c.scale === 2);
  const encoded = wantCompressed ? {
    photos: encodeClips(photoClips(images)),
    videos: encodeClips(videoClips((args['compressed-videos'] ?? '').split(',').filter(Boolean).map((path) => ({ path, ...probeVideo(path, 16), start: 1 })))),
  } : null;
  for (const { id, scale, macsPerInputPixel, upscale } of candidates) {
    const rows = evaluate(images, scale, size, upscale);
    const s = summarize(rows);
    const ms = msPerFrame(upscale, 640, 360);
    console.log(`\n${id} (x${scale}${macsPerInputPixel ? `, ${macsPerInputPixel} MACs/px` : ''}, ${ms.toFixed(0)} ms per 640x360 frame on wasm, 1 thread)`);
    for (const r of rows) console.log(`  ${r.image.padEnd(54)} bicubic ${fmt(r.bicubic)} | ${fmt(r.model)}`);
    console.log(`  mean: bicubic ${fmt(s.bicubic)} | ${id} ${fmt(s.model)} | PSNR gain ${s.gain >= 0 ? '+' : ''}${s.gain.toFixed(2)} dB`);
    const compressed = encoded && scale === 2 ? {
      photos: evaluateCompressed(encoded.photos, upscale),
      videos: encoded.videos.length ? evaluateCompressed(encoded.videos, upscale) : [],
    } : undefined;
    for (const [set, list] of Object.entries(compressed ?? {})) for (const c of list) printCompressed(set, c);
    results.push({ id, scale, macsPerInputPixel, msPer640x360: ms, ...s, compressed, perImage: rows, upscale });
  }
  if (!args.out) return;
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, 'results.json'), JSON.stringify([...results.map(({ upscale: _, ...r }) => r), ...styleResults], null, 2));
  if (stylers.length) {
    const cells = images.flatMap(({ img }) => {
      const input = centerCrop(img, Math.min(size, 192));
      return [input, ...stylers.map((f) => stylize(f.run, input))];
    });
    const file = join(args.out, 'sheet-style.png');
    writePng(file, tile(cells, stylers.length + 1));
    console.log(`\ncontact sheet ${file}: columns input, ${stylers.map((f) => f.id).join(', ')}`);
  }
  if (encoded) {
    const x2 = results.filter((r) => r.scale === 2);
    const file = join(args.out, 'sheet-compressed.png');
    writePng(file, tile(compressedCrops([...encoded.videos, ...encoded.photos], x2.map((r) => r.upscale)), x2.length + 2));
    console.log(`\ncontact sheet ${file}: H.264 at the highest CRF, the middle frame of each clip; columns bicubic, ${x2.map((r) => r.id).join(', ')}, ground truth`);
  }
  for (const scale of new Set(results.map((r) => r.scale))) {
    const group = results.filter((r) => r.scale === scale);
    const cells = images.flatMap(({ img }) => {
      const crops = group.map((r) => upscaleCrop(img, scale, Math.min(size, 192), r.upscale));
      return [crops[0].bicubic, ...crops.map((c) => c.sr), crops[0].hr];
    });
    const file = join(args.out, `sheet-x${scale}.png`);
    writePng(file, tile(cells, group.length + 2));
    console.log(`\ncontact sheet ${file}: columns bicubic, ${group.map((r) => r.id).join(', ')}, ground truth`);
  }
}

main().catch((e) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
