// Style images for training and evaluation: grouped by the package they came from (the set's
// MANIFEST.tsv), sampled group first so that a large source (282 clip-art images of 372
// cartoons) does not drown a small one, and cropped where there is content: clip art sits on
// white, and a crop of white teaches D that the style is white paper.
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Rng, augmented } from '../core/data.js';
import { crop, pngsIn, readPng, type Image } from '../imaging/image.js';

export interface StyleSet {
  /** Images by source; every group has at least one. */
  groups: { source: string; images: Image[] }[];
  count: number;
}

/** Sources of one family count as one (Wesnoth's campaigns ship as a dozen packages). */
const family = (source: string) => (source.startsWith('wesnoth') ? 'wesnoth' : source);

/** The source of each file of `dir`, from the MANIFEST.tsv beside it or one folder up (`file\tsource\t...`). */
function sources(dir: string): Map<string, string> {
  const manifest = [join(dir, 'MANIFEST.tsv'), join(dirname(dir), 'MANIFEST.tsv')].find(existsSync);
  const map = new Map<string, string>();
  if (!manifest) return map;
  for (const line of readFileSync(manifest, 'utf8').split('\n').slice(1)) {
    const [file, source] = line.split('\t');
    if (file && source) map.set(basename(file), family(source));
  }
  return map;
}

/** The PNGs of `dir` of at least `minSide` pixels, grouped by source (one group "all" without a manifest). */
export function loadStyleSet(dir: string, minSide: number): StyleSet {
  const bySource = sources(dir);
  const groups = new Map<string, Image[]>();
  for (const path of pngsIn(dir)) {
    const img = readPng(path);
    if (Math.min(img.width, img.height) < minSide) continue;
    const source = bySource.get(basename(path)) ?? 'all';
    groups.set(source, [...(groups.get(source) ?? []), img]);
  }
  const list = [...groups].map(([source, images]) => ({ source, images })).sort((a, b) => a.source.localeCompare(b.source));
  return { groups: list, count: list.reduce((n, g) => n + g.images.length, 0) };
}

/**
 * Whether a crop shows content: at most 30% near-white (paper, clip-art background) and a luma
 * spread of at least 0.04 (not one flat colour).
 */
export function hasContent(img: Image): boolean {
  const n = img.width * img.height;
  let white = 0, sum = 0, sq = 0;
  for (let i = 0; i < n; i++) {
    const r = img.data[i * 3], g = img.data[i * 3 + 1], b = img.data[i * 3 + 2];
    if (r > 0.92 && g > 0.92 && b > 0.92) white++;
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    sum += y;
    sq += y * y;
  }
  const mean = sum / n;
  return white <= 0.3 * n && Math.sqrt(Math.max(0, sq / n - mean * mean)) >= 0.04;
}

/** One crop with content from a random image of a random source (up to 50 tries; the last try is kept otherwise). */
export function contentCrop(set: StyleSet, rng: Rng, size: number): Image {
  let c: Image | null = null;
  for (let attempt = 0; attempt < 50; attempt++) {
    const group = set.groups[rng.int(set.groups.length)].images;
    const im = group[rng.int(group.length)];
    c = crop(im, rng.int(im.width - size + 1), rng.int(im.height - size + 1), size, size);
    if (hasContent(c)) break;
  }
  return c!;
}

/** A batch of content crops, each with its own flip/transpose. */
export function styleCrops(set: StyleSet, rng: Rng, batch: number, size: number): tf.Tensor4D {
  const crops = Array.from({ length: batch }, () => augmented(rng.int(8), [tf.tensor4d(contentCrop(set, rng, size).data, [1, size, size, 3])])[0]);
  const out = tf.concat(crops) as tf.Tensor4D;
  tf.dispose(crops);
  return out;
}

/** A photo and a teacher's rendering of it at the same size (`npm run teacher`: NAME.in.png, NAME.out.png). */
export interface TeacherPair { name: string; input: Image; target: Image }

/** The pairs in `dir` of at least `minSide` pixels, sorted by name; every `holdOutEvery`-th is held out (never trained on). */
export function loadTeacherPairs(dir: string, minSide: number, holdOutEvery: number): { train: TeacherPair[]; heldOut: TeacherPair[] } {
  const names = readdirSync(dir).filter((f) => f.endsWith('.in.png') && existsSync(join(dir, f.replace(/\.in\.png$/, '.out.png')))).sort();
  const pairs = names.map((f) => {
    const name = f.replace(/\.in\.png$/, '');
    return { name, input: readPng(join(dir, f)), target: readPng(join(dir, `${name}.out.png`)) };
  }).filter((p) => Math.min(p.input.width, p.input.height) >= minSide);
  return { train: pairs.filter((_, i) => (i + 1) % holdOutEvery !== 0), heldOut: pairs.filter((_, i) => (i + 1) % holdOutEvery === 0) };
}

/**
 * A batch of aligned crops of photos and their targets, each pair upright, mirrored or not: the
 * teacher draws faces (eyes, brows, a nose's line), and a student also shown them upside down
 * and on their side has eight orientations of each to learn.
 */
export function pairCrops(pairs: TeacherPair[], rng: Rng, batch: number, size: number): { photo: tf.Tensor4D; target: tf.Tensor4D } {
  const cut = Array.from({ length: batch }, () => {
    const p = pairs[rng.int(pairs.length)];
    const x = rng.int(p.input.width - size + 1), y = rng.int(p.input.height - size + 1);
    return augmented(rng.int(2), [p.input, p.target].map((im) => tf.tensor4d(crop(im, x, y, size, size).data, [1, size, size, 3])));
  });
  const photo = tf.concat(cut.map((c) => c[0])) as tf.Tensor4D, target = tf.concat(cut.map((c) => c[1])) as tf.Tensor4D;
  tf.dispose(cut.flat());
  return { photo, target };
}
