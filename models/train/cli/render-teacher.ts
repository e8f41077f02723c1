// Renders paired distillation targets with the CartoonGAN teacher (style/cartoongan.ts), or with
// a shipped style filter at full size (--filter ID: its look, for a cheaper student): photo in,
// the teacher's rendering of that same photo out, cached for a student to train on.
//   npm run teacher -- [--style hosoda | --filter ID] [--faces DIR] [--photos DIR] [--clips FILE,...] [--order round-robin|kind] [--limit N]
//     [--face-side 256] [--photo-side 288] [--photo-max 384] [--clip-side 240] [--clip-every 2] [--out DIR]
// Writes OUT/<name>.in.png (the input exactly as the teacher saw it) and OUT/<name>.out.png, and
// one "name size ms" line per pair to OUT/log.tsv. Pairs already there are skipped, so a killed
// run resumes where it stopped. An empty value (--photos '') leaves a source out. Sizes: the
// shorter side at the given side (never enlarged: an upscaled blur teaches nothing), both sides
// multiples of 4; the teacher's look depends on scale, so faces are rendered at the size it draws
// them well and clip frames at webcam scale.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';
import { crop, readPng, writePng, type Image } from '../imaging/image.js';
import { resize } from '../imaging/resample.js';
import { stylize } from '../style/eval.js';
import { probeVideo, readClip } from '../imaging/video.js';
import { loadFilterFromDisk } from '../core/disk-model.js';
import { executeFilter } from '../../../workers/execute.js';
import { CARTOONGAN_STYLES, renderTeacher, type CartoonStyle } from '../style/cartoongan.js';
import { readFlags } from './flags.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');
const fromRoot = (p: string) => resolve(repoRoot, p);

interface Source { name: string; load: () => Image }

function readJpeg(path: string): Image {
  const d = jpeg.decode(readFileSync(path), { useTArray: true });
  const data = new Float32Array(d.width * d.height * 3);
  for (let i = 0; i < d.width * d.height; i++) for (let c = 0; c < 3; c++) data[i * 3 + c] = d.data[i * 4 + c] / 255;
  return { width: d.width, height: d.height, data };
}

const down4 = (v: number) => Math.max(4, Math.floor(v / 4) * 4);

/** Shorter side to `side` (never enlarged; bicubic, antialiased), both sides multiples of 4, long side at most `maxLong` (centre crop). */
function fit(img: Image, side: number, maxLong = Infinity): Image {
  const s = Math.min(1, side / Math.min(img.width, img.height));
  const w = Math.max(4, Math.round((img.width * s) / 4) * 4), h = Math.max(4, Math.round((img.height * s) / 4) * 4);
  const scaled = w === img.width && h === img.height ? img : resize(img, w, h, 'bicubic');
  const cw = down4(Math.min(w, w >= h ? maxLong : w)), ch = down4(Math.min(h, h > w ? maxLong : h));
  return cw === w && ch === h ? scaled : crop(scaled, (w - cw) >> 1, (h - ch) >> 1, cw, ch);
}

const filesIn = (dir: string, ext: string) => (dir ? readdirSync(dir).filter((f) => f.toLowerCase().endsWith(ext)).sort().map((f) => join(dir, f)) : []);

/** One frame every `every` seconds of a clip, decoded at its own size (then fitted like the rest). */
function clipFrames(path: string, every: number, side: number): Source[] {
  const { width: w, height: h, duration } = probeVideo(path);
  const base = basename(path, extname(path));
  return Array.from({ length: Math.ceil(duration / every - 1e-6) }, (_, k) => k * every).map((t) => ({
    name: `clip-${base}-${t.toFixed(1).padStart(5, '0')}s`,
    load: () => fit(readClip(path, w, h, 1, t)[0], side),
  }));
}

/** Takes one from each list in turn, so that any prefix covers every list. */
function interleave<T>(lists: T[][]): T[] {
  const out: T[] = [];
  for (let k = 0; out.length < lists.reduce((n, l) => n + l.length, 0); k++) for (const l of lists) if (k < l.length) out.push(l[k]);
  return out;
}

/** A registry style filter as the teacher: the whole filter at the photo's own size. */
async function filterTeacher(id: string): Promise<(img: Image) => Image> {
  const { entry, model } = await loadFilterFromDisk(repoRoot, id);
  if (entry.kind !== 'style') throw new Error(`--filter ${id}: not a style filter`);
  return (img) => stylize((x) => executeFilter(model, entry, x), img);
}

async function main(): Promise<void> {
  const args = readFlags(process.argv.slice(2));
  await tf.setBackend('wasm');
  const style = (args.style ?? 'hosoda') as CartoonStyle;
  if (!CARTOONGAN_STYLES.includes(style)) throw new Error(`--style must be one of ${CARTOONGAN_STYLES.join(', ')}`);
  const num = (key: string, def: number) => Number(args[key] ?? def);
  const faces = filesIn(fromRoot(args.faces ?? '../shared/data/faces'), '.jpg')
    .map((p): Source => ({ name: `face-${basename(p, extname(p))}`, load: () => fit(readJpeg(p), num('face-side', 256)) }));
  const photos = filesIn(fromRoot(args.photos ?? '../shared/data/photos'), '.png')
    .map((p): Source => ({ name: `photo-${basename(p, extname(p))}`, load: () => fit(readPng(p), num('photo-side', 288), num('photo-max', 384)) }));
  const clipPaths = (args.clips ?? '../shared/data/videos/webcam_talking_400x300.mp4,../shared/data/videos/talking_heads_360x288.mp4').split(',').filter(Boolean).map(fromRoot);
  const clips = interleave(clipPaths.map((p) => clipFrames(p, num('clip-every', 2), num('clip-side', 240))));
  const order = args.order ?? 'round-robin';
  if (order !== 'round-robin' && order !== 'kind') throw new Error('--order must be round-robin or kind');
  const all = order === 'kind' ? [...faces, ...clips, ...photos] : interleave([faces, clips, photos]);
  const todo = all.slice(0, num('limit', all.length));

  const render = args.filter ? await filterTeacher(args.filter) : (img: Image) => renderTeacher(style, img);
  const out = fromRoot(args.out ?? `models/runs/teacher/${args.filter ?? style}`);
  mkdirSync(out, { recursive: true });
  const log = join(out, 'log.tsv');
  if (!existsSync(log)) appendFileSync(log, 'name\tsize\tms\n');
  console.log(`${args.filter ?? style}: ${todo.length} pairs (${faces.length} faces, ${clips.length} clip frames, ${photos.length} photos) into ${out}`);

  let done = 0, skipped = 0, spent = 0;
  for (const src of todo) {
    const inPath = join(out, `${src.name}.in.png`), outPath = join(out, `${src.name}.out.png`);
    if (existsSync(inPath) && existsSync(outPath)) { skipped++; continue; }
    const img = src.load();
    const t0 = Date.now();
    const rendered = await render(img);
    const ms = Date.now() - t0;
    // Each file written whole, then renamed, so a kill never leaves a truncated PNG behind.
    writePng(`${inPath}.tmp`, img);
    renameSync(`${inPath}.tmp`, inPath);
    writePng(`${outPath}.tmp`, rendered);
    renameSync(`${outPath}.tmp`, outPath);
    appendFileSync(log, `${src.name}\t${img.width}x${img.height}\t${ms}\n`);
    done++;
    spent += ms;
    const left = todo.length - skipped - done;
    console.log(`${done + skipped}/${todo.length} ${src.name} ${img.width}x${img.height} ${(ms / 1000).toFixed(1)} s; ${left} left, about ${((left * spent) / done / 3.6e6).toFixed(1)} h`);
  }
  console.log(`done: ${done} rendered, ${skipped} already there`);
}

await main();
