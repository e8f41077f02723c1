// The unpaired style trainer (photo -> anime or painting look): G starts as the identity and
// learns, against a PatchGAN that has seen only style images, while content losses keep the
// photo readable. Runs on one core, so the two style filters can train side by side.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, loadImages, randomCrops, splitPhotos } from '../core/data.js';
import { loadStyleSet, loadTeacherPairs, pairCrops, styleCrops } from './data.js';
import { createTextureNet, styleGrams } from './texture.js';
import { TEACHERS, teach } from './teachers.js';
import { LOOKS, type Look } from '../imaging/looks.js';
import { degradeWeb } from '../imaging/degrade.js';
import { createEma, updateEma } from '../core/ema.js';
import { readPng, writePng, type Image } from '../imaging/image.js';
import { createDiscriminator, createGenerator, namedVariables, variablesOf, type Generator, type GeneratorConfig } from '../core/nets.js';
import { runLoop, type LoopState } from '../core/run-loop.js';
import { restoreRun, saveRun, type GanRunConfig } from '../core/run-state.js';
import { plotCurves, tile } from '../imaging/sheet.js';
import { centerCrop, stylize } from './eval.js';
import { shownBy } from './live-view.js';
import { styleStep, type StyleLossConfig, type StyleLosses, type TextureTarget } from './steps.js';

/** A style run: the loop's settings, the loss weights of one step (steps.ts), and the generator and its crops. */
export interface StyleTrainConfig extends GanRunConfig, StyleLossConfig {
  /** Style images folder (PNG). */
  style: string;
  /** Channels of the quarter-resolution body and its number of 3x3 convolutions. */
  channels: number;
  blocks: number;
  /** Channels of the full-resolution branch (nets.ts GeneratorConfig.fine); 0 = none. */
  fine: number;
  /** Full-resolution convolutions after the branch joins the body (nets.ts GeneratorConfig.head); 0 = none. */
  head: number;
  /** The skip carries the input smoothed (4x4 average, bilinear up) instead of the input (nets.ts). */
  smoothSkip: boolean;
  /** Radius of the fixed guided-filter stage on the output (guided.ts); 0 = none. */
  guided: number;
  /** The fixed drawing stage after it (imaging/looks.ts), '' = none. */
  look: Look | '';
  /**
   * Discriminators, one per scale: the first sees the crops, each next one the crops averaged
   * over 2x2 more (twice the receptive field: the style's regions and palette, not 31-pixel patches).
   */
  dScales: number;
  steps: number;
  batch: number;
  /** Side of the square training crops (a multiple of 8). */
  crop: number;
  lrG: number;
  /** The shift loss also moves by a random fraction of a pixel (as a slow pan does), not whole pixels only. */
  shiftSubpixel: boolean;
  /**
   * Share of photo crops put through the web-video degradation first (degrade.ts at scale 1:
   * blur, resampler, noise, JPEG), so G also sees the compressed video it will be run on.
   */
  webMix: number;
  /**
   * A folder of teacher pairs (`npm run teacher`): their photos (faces, call-like frames and
   * photos at the look's scale) replace `data`'s, and G learns each crop toward the teacher's
   * rendering of it (the teacher term, `teacherWeight`), or toward a procedural `teacher`'s
   * picture of it when one is set. '' = none.
   */
  pairs: string;
  /** 2: the look is drawn at half resolution and guided back up (nets.ts); training runs at the pairs' scale. */
  lookScale: number;
}

/** Style crops the texture target averages over (fixed at the start of each run, from the seed). */
const TEXTURE_CROPS = 256;

/** The checkpoint's state: the loop's, and the generator's shape (blend and eval read it). */
type State = LoopState<StyleLosses> & { generator: GeneratorConfig };

/** `heldOut`: the held-out photos' paths (the pairs' inputs with `pairs`). */
export interface StyleTrainResult { generator: Generator; heldOut: string[]; seconds: number; steps: number }

export async function trainStyle(cfg: StyleTrainConfig, log: (line: string) => void): Promise<StyleTrainResult> {
  if (cfg.crop % 8) throw new Error('--crop must be a multiple of 8');
  if (cfg.liveWork > 1 && cfg.crop % (4 * cfg.liveWork)) throw new Error(`--crop must be a multiple of ${4 * cfg.liveWork} with --live-work ${cfg.liveWork}`);
  if (cfg.teacher && !TEACHERS.includes(cfg.teacher)) throw new Error(`--teacher must be one of ${TEACHERS.join(', ')}`);
  mkdirSync(cfg.run, { recursive: true });
  if (cfg.look && !LOOKS.includes(cfg.look)) throw new Error(`--look must be one of ${LOOKS.join(', ')}`);
  const g = createGenerator({
    arch: 'style', scale: 1, channels: cfg.channels, blocks: cfg.blocks, fine: cfg.fine, ...(cfg.head ? { head: cfg.head } : {}), smoothSkip: cfg.smoothSkip, guided: cfg.guided,
    ...(cfg.look ? { look: cfg.look } : {}), ...(cfg.lookScale > 1 ? { lookScale: cfg.lookScale } : {}),
  }, cfg.seed);
  // One name per D for its layers and its optimizer; the first keeps the old name, so runs from before multi-scale D resume.
  const dNames = Array.from({ length: cfg.dScales }, (_, s) => (s ? `d${s + 1}` : 'd'));
  const ds = dNames.map((name, s) => createDiscriminator(cfg.seed + 10 * s, cfg.spectralNorm, name));
  const ema = cfg.emaDecay > 0 ? createEma(g) : null;
  const named = [...namedVariables(g.layers), ...ds.flatMap((d) => namedVariables(d)), ...(ema ? namedVariables(ema.layers).map((n) => ({ ...n, name: `ema/${n.name}` })) : [])];
  const exported = ema ?? g;
  const dOpts = ds.map(() => tf.train.adam(cfg.lrD, 0.5, 0.99));
  const opts: Record<string, tf.Optimizer> = { g: tf.train.adam(cfg.lrG, 0.5, 0.99), ...Object.fromEntries(dOpts.map((o, s) => [dNames[s], o])) };

  let state: State = { step: 0, rng: cfg.seed, history: [], generator: g.config };
  const restored = await restoreRun<State>(cfg.run, named, opts);
  if (restored) { state = { ...restored.state, generator: g.config }; log(`resumed ${cfg.run} at step ${state.step}`); }

  const pairs = cfg.pairs ? loadTeacherPairs(cfg.pairs, cfg.crop, cfg.holdOutEvery) : null;
  if (pairs && !pairs.train.length) throw new Error(`${cfg.pairs}: no teacher pair of at least ${cfg.crop}x${cfg.crop}`);
  const { train: trainFiles, heldOut } = pairs ? { train: [], heldOut: [] } : splitPhotos(cfg.data, cfg.holdOutEvery);
  const photos = loadImages(trainFiles, cfg.crop), styles = loadStyleSet(cfg.style, cfg.crop);
  if (!styles.count) throw new Error(`${cfg.style}: no PNG of at least ${cfg.crop}x${cfg.crop}`);
  log(pairs
    ? `data: ${pairs.train.length} teacher pairs from ${cfg.pairs}, ${pairs.heldOut.length} held out`
    : `data: ${photos.length} photos, ${styles.count} style images from ${styles.groups.map((g) => `${g.source} (${g.images.length})`).join(', ')}, ${heldOut.length} photos held out`);
  let texture: TextureTarget | null = null;
  if (cfg.textureWeight > 0) {
    const net = createTextureNet(cfg.seed + 7000);
    const crops = styleCrops(styles, new Rng(cfg.seed + 7001), TEXTURE_CROPS, cfg.crop);
    texture = { net, grams: styleGrams(net, crops) };
    crops.dispose();
  }
  // Held-out crops at the look's scale: with pairs, the teacher's own picture beside each (shown
  // as the live path would, with --live-work: crops of whole working-size blocks).
  const side = cfg.liveWork > 1 ? 32 * cfg.liveWork : 128;
  const show = shownBy(exported, cfg.liveWork);
  const samples: { input: Image; target?: Image }[] = pairs
    ? pairs.heldOut.slice(0, 4).map((p) => ({ input: centerCrop(p.input, side), target: centerCrop(p.target, side) }))
    : heldOut.slice(0, 4).map((p) => ({ input: centerCrop(readPng(p), side) }));
  const writePictures = () => {
    mkdirSync(join(cfg.run, 'samples'), { recursive: true });
    // Input, output (and the teacher's picture) per sample.
    const teacher = cfg.teacher;
    const cells = samples.flatMap(({ input, target }) => [
      input, stylize(show, input),
      ...(teacher ? [stylize((x) => teach(teacher, x, cfg.guided), input)] : target ? [target] : []),
    ]);
    writePng(join(cfg.run, 'samples', `step-${String(state.step).padStart(6, '0')}.png`), tile(cells, pairs || teacher ? 6 : 4));
    const keys: (keyof StyleLosses)[] = ['adv', 'd', 'structure', 'color', 'shift', 'flat', 'texture', 'chroma', 'neutral', 'teacher', 'live', ...(cfg.dScales > 1 ? ['dCoarse' as const] : [])];
    writePng(join(cfg.run, 'losses.png'), plotCurves(keys.map((k) => ({ values: state.history.map((r) => r[k]) }))));
  };

  const rng = new Rng(state.rng);
  const webLike = (c: Image) => (rng.next() < cfg.webMix ? degradeWeb(c, 1, rng) : c);
  const done = await runLoop<StyleLosses>({
    total: cfg.steps, state, rng, log, checkpointEvery: cfg.checkpointEvery, sampleEvery: cfg.sampleEvery,
    save: () => saveRun(cfg.run, state, named, opts), pictures: writePictures,
    async step() {
      const { photo, target } = pairs ? pairCrops(pairs.train, rng, cfg.batch, cfg.crop) : { photo: randomCrops(photos, rng, cfg.batch, cfg.crop, cfg.webMix > 0 ? webLike : undefined), target: null };
      const style = styleCrops(styles, rng, cfg.batch, cfg.crop);
      const dy = rng.int(4), dx = dy === 0 ? 1 + rng.int(3) : rng.int(4);
      const frac: [number, number] = cfg.shiftSubpixel ? [rng.next(), rng.next()] : [0, 0];
      // A procedural teacher draws on the pairs' photos itself; otherwise the pairs' renderings teach.
      const losses = styleStep(g, ds, { g: opts.g, d: dOpts }, photo, style, { dy, dx, frac }, cfg, cfg.seed * 1_000_003 + state.step, texture, cfg.teacher ? null : target);
      tf.dispose([photo, style, ...(target ? [target] : [])]);
      return { row: losses, phase: 'gan' };
    },
    afterStep: (step) => { if (ema) updateEma(ema, g, cfg.emaDecay, step); },
  });
  tf.dispose([...ds.flatMap((d) => namedVariables(d)).map((n) => n.v), ...(ema ? variablesOf(g.layers) : []), ...(texture ? [...texture.net.kernels, ...texture.grams] : [])]);
  Object.values(opts).forEach((o) => o.dispose());
  return { generator: exported, heldOut: pairs ? pairs.heldOut.map((p) => join(cfg.pairs, `${p.name}.in.png`)) : heldOut, ...done };
}
