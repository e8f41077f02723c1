// A blind naming test: "someone shown an output names the style without being told".
//   npm run blind -- --id style-anime,style-cartoon,style-painting --images DIR[,DIR...] [--videos FILE,...] [--sets DIR,... --per-set N] [--frame 640x480 --work S] [--teacher hosoda [--teacher-lines FILTER]] --out DIR [--seed N]
//   npm run blind -- --score DIR
// The first form writes DIR/images/001.png... (the inputs themselves, as controls, and each
// filter's output on them, shuffled; frame scale: shorter side 256, centre 256x256, or with
// --frame a camera's frame, filtered at --work of its size as the live path does), DIR/brief.md
// (what each rater is told) and DIR/key.json (which file is what; raters never see it). Raters
// (people, or vision models that see nothing else) write DIR/answers/<rater>.txt, one
// "NNN word" line per image. `--sets` adds N images of each style set (source "set-<folder>"):
// whether raters name the style when it is really there, so that a filter's miss is the filter's,
// not the raters'. `--teacher` adds the CartoonGAN teacher's own rendering of each input at the
// frame's size (source "teacher-<style>"; about 90 s per 640x480 frame here): whether the look a
// student distils reads as its style at that scale at all; with --work below 1 also that picture
// averaged to the working size and guided back up with --teacher-lines (a registry filter's
// outlines, or none): the most a student run at that size could show. The second form tallies
// the answers per source into DIR/scores.json.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crop, pngsIn, readPng, writePng, type Image } from '../imaging/image.js';
import { resize } from '../imaging/resample.js';
import { loadFilterFromDisk } from '../core/disk-model.js';
import { Rng } from '../core/data.js';
import { stylize } from '../style/eval.js';
import { probeVideo, readClip } from '../imaging/video.js';
import { readFlags } from './flags.js';
import { tally } from '../style/blind.js';
import { CARTOONGAN_STYLES, renderTeacher, type CartoonStyle } from '../style/cartoongan.js';
import { frameRun, type FrameModel } from '../../../workers/execute.js';
import { guidedWork } from '../../../workers/guided-work.js';
import type { FilterEntry } from '../../../workers/types.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');
const SIDE = 256;

/** The frame raters see: a centred 256 square (the default), or a camera's frame (`--frame 640x480`). */
let frame = { width: SIDE, height: SIDE };

/** As a video frame: scaled to cover the frame (never enlarged for the square), then its centre. */
function atFrameScale(img: Image): Image {
  const s = Math.max(frame.width / img.width, frame.height / img.height);
  const scaled = s === 1 || (s > 1 && frame.width === SIDE && frame.height === SIDE) ? img : resize(img, Math.max(frame.width, Math.round(img.width * s)), Math.max(frame.height, Math.round(img.height * s)), 'bicubic');
  return crop(scaled, (scaled.width - Math.min(frame.width, scaled.width)) >> 1, (scaled.height - Math.min(frame.height, scaled.height)) >> 1, Math.min(frame.width, scaled.width), Math.min(frame.height, scaled.height));
}

/** `count` frames spread over a video (at the middles of equal parts), at frame scale. */
function videoFrames(path: string, count: number): Image[] {
  const { width: w, height: h, duration } = probeVideo(path);
  return Array.from({ length: count }, (_, k) => atFrameScale(readClip(path, w - (w % 2), h - (h % 2), 1, (duration * (k + 0.5)) / count)[0]));
}

/**
 * A filter as the live path runs it at working scale `work` (`--work`, what Auto picks for
 * that camera on the device): the worker's own code, which filters the frame at the working
 * size and guides the look back up to the frame's size (workers/guided-work.ts).
 */
function live(model: FrameModel, entry: FilterEntry, img: Image, work: number): Image {
  return stylize((x) => frameRun(model, entry, false, work).execute(x), img);
}

const brief = (count: number) => `You are one rater in a blind image-naming test. The folder images/ holds ${count} PNG images, 001.png to ${String(count).padStart(3, '0')}.png.

Look at every image, one at a time. For each, say what you would call it at a glance, choosing exactly one of:
- photo: an ordinary, unedited photograph or video frame
- anime: in the style of Japanese anime
- cartoon: in the style of a (Western) cartoon or clip art
- painting: in the style of a painting

Judge each image only by how it looks; do not open any other file or try to work out how the images were made. If unsure, still pick the word that fits best.

Write answers/<your name>.txt: one line per image, "NNN word" (for example "001 photo").
`;

async function make(args: Record<string, string>): Promise<void> {
  if (!args.out || (!args.images && !args.videos && !args.sets)) throw new Error('usage: npm run blind -- [--id FILTER,...] --images DIR[,DIR...] [--videos FILE,...] [--sets DIR,... --per-set N] --out DIR [--seed N]');
  const ids = (args.id ?? '').split(',').filter(Boolean);
  if (args.frame) {
    const [width, height] = args.frame.split('x').map(Number);
    frame = { width, height };
  }
  const work = Number(args.work ?? 1);
  await tf.setBackend('wasm');
  const inputs = [
    ...(args.images ?? '').split(',').filter(Boolean).flatMap((d) => pngsIn(d)).map((p) => atFrameScale(readPng(p))),
    ...(args.videos ?? '').split(',').filter(Boolean).flatMap((v) => videoFrames(v, 3)),
  ];
  const items = inputs.map((im, input) => ({ im, source: 'input', input }));
  for (const id of ids) {
    const { entry, model } = await loadFilterFromDisk(repoRoot, id);
    inputs.forEach((im, input) => items.push({ im: live(model, entry, im, work), source: id, input }));
  }
  const teachers = (args.teacher ?? '').split(',').filter(Boolean) as CartoonStyle[];
  const outlines = args['teacher-lines'] ? (await loadFilterFromDisk(repoRoot, args['teacher-lines'])).entry.lines : undefined;
  for (const style of teachers) {
    if (!CARTOONGAN_STYLES.includes(style)) throw new Error(`--teacher must be among ${CARTOONGAN_STYLES.join(', ')}`);
    for (const [input, im] of inputs.entries()) {
      const drawn = await renderTeacher(style, im);
      items.push({ im: drawn, source: `teacher-${style}`, input });
      // The most a student run at --work could show: the teacher's picture at the working size, guided back up.
      if (work < 1) items.push({ im: stylize((x) => guidedWork((low) => tf.image.resizeBilinear(tf.tensor4d(drawn.data, [1, drawn.height, drawn.width, 3]), [low.shape[1], low.shape[2]], false, true), x, work, { lines: outlines }), im), source: `teacher-${style}-at-work`, input });
    }
  }
  const pick = new Rng(Number(args.seed ?? 1) + 1);
  for (const dir of (args.sets ?? '').split(',').filter(Boolean)) {
    pick.shuffle(pngsIn(dir)).slice(0, Number(args['per-set'] ?? 22)).forEach((p, input) => items.push({ im: atFrameScale(readPng(p)), source: `set-${basename(dir)}`, input }));
  }
  new Rng(Number(args.seed ?? 1)).shuffle(items);
  mkdirSync(join(args.out, 'images'), { recursive: true });
  mkdirSync(join(args.out, 'answers'), { recursive: true });
  const file = (k: number) => `${String(k + 1).padStart(3, '0')}.png`;
  items.forEach((it, k) => writePng(join(args.out, 'images', file(k)), it.im));
  writeFileSync(join(args.out, 'brief.md'), brief(items.length));
  writeFileSync(join(args.out, 'key.json'), JSON.stringify(items.map((it, k) => ({ file: file(k), source: it.source, input: it.input }))));
  const perInput = ids.length + 1 + teachers.length * (work < 1 ? 2 : 1);
  const setImages = items.length - inputs.length * perInput;
  console.log(`${items.length} images (${inputs.length} inputs x ${perInput} sources${setImages ? `, ${setImages} style-set images` : ''}) in ${join(args.out, 'images')}; raters read ${join(args.out, 'brief.md')}`);
}

function score(dir: string): void {
  const key = JSON.parse(readFileSync(join(dir, 'key.json'), 'utf8')) as { file: string; source: string }[];
  const raters = readdirSync(join(dir, 'answers')).filter((f) => f.endsWith('.txt')).sort();
  if (!raters.length) throw new Error(`no answers in ${join(dir, 'answers')}`);
  const table = tally(key, raters.map((f) => readFileSync(join(dir, 'answers', f), 'utf8')));
  writeFileSync(join(dir, 'scores.json'), JSON.stringify({ raters: raters.length, table }, null, 2));
  console.log(`${raters.length} raters; names given, per source:`);
  for (const [source, counts] of Object.entries(table)) console.log(`  ${source.padEnd(16)} ${Object.entries(counts).filter(([n, c]) => n !== 'none' || c).map(([n, c]) => `${n} ${c}`).join(', ')}`);
}

const args = readFlags(process.argv.slice(2));
(args.score ? Promise.resolve(score(args.score)) : make(args)).catch((e) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
