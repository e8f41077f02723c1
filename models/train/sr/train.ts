// The super-resolution GAN trainer: L1 pre-training, then L1 + adversarial loss against a
// PatchGAN discriminator. Resumes from the run folder's checkpoint.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Rng, loadPairs, sampleBatch, splitPhotos } from '../core/data.js';
import { evaluate, summarize, upscaleCrop, type EvalRow } from './evaluate.js';
import { readPng, writePng } from '../imaging/image.js';
import { plotCurves, tile } from '../imaging/sheet.js';
import { createEma, updateEma } from '../core/ema.js';
import { createDiscriminator, createGenerator, generate, namedVariables, variablesOf, type Generator, type GeneratorConfig, type Skip } from '../core/nets.js';
import { runLoop, type LoopState } from '../core/run-loop.js';
import { stepGrads, stepVariables, type DiscriminatorView, type StepKind, type StepLosses } from './steps.js';
import { TwoCores } from './two-cores.js';
import { codecPairs } from './codec-pairs.js';
import { loadGeneratorWeights } from '../core/disk-model.js';
import { restoreRun, saveRun, type GanRunConfig } from '../core/run-state.js';

export interface TrainConfig extends GanRunConfig {
  scale: number;
  /** Fixed upsampling on the skip path (bilinear: 324 MACs per pixel at x2 instead of 900). */
  skip?: Skip;
  channels: number;
  blocks: number;
  l1Steps: number;
  ganSteps: number;
  batch: number;
  lrCrop: number;
  lrG: number;
  lrGanG: number;
  /** The content loss (steps.ts): l1, or l2 for the last steps of a filter judged by PSNR. */
  pixelLoss: 'l1' | 'l2';
  /** Weight of the image-gradient L1 loss (0 = off). */
  gradWeight: number;
  /** What the discriminator sees: the image, or the detail over the fixed upsampling (steps.ts). */
  dView: DiscriminatorView;
  /** Share of training samples degraded as web video (blur, resampler, noise, JPEG) instead of plain bicubic. */
  webMix: number;
  /** 1, or 2 to compute each step's gradients on both CPU cores (half a batch each). */
  threads: number;
  /** Share of training samples whose low-res side went through a real video codec (codec-pairs.ts). */
  codecMix: number;
  /** "compressed": the filter is for compressed video (its registry entry says so, workers/types.ts); '' = clean sources. */
  source: '' | 'compressed';
  /** Codec pairs made per training photo (codec and quality drawn for each). */
  codecVariants: number;
  /** Weight of the gradient L1 across the codec's block borders (steps.ts); 0 = off. */
  blockWeight: number;
  /** An exported model.json whose weights a fresh run starts from (fine-tuning a shipped filter); '' = random init. */
  init: string;
  evalSize: number;
}

type Row = { l1: number; adv?: number; d?: number };
/** The checkpoint's state: the loop's, and the generator's shape (blend and eval read it). */
type State = LoopState<Row> & { generator: GeneratorConfig };

export interface TrainResult { generator: Generator; heldOut: string[]; evalAfterL1?: EvalRow[]; seconds: number; steps: number }

type Log = (line: string) => void;

export async function train(cfg: TrainConfig, log: Log): Promise<TrainResult> {
  mkdirSync(cfg.run, { recursive: true });
  const g = createGenerator({ scale: cfg.scale, channels: cfg.channels, blocks: cfg.blocks, skip: cfg.skip }, cfg.seed);
  const d = createDiscriminator(cfg.seed, cfg.spectralNorm);
  const ema = cfg.emaDecay > 0 ? createEma(g) : null;
  const named = [...namedVariables(g.layers), ...namedVariables(d), ...(ema ? namedVariables(ema.layers).map((n) => ({ ...n, name: `ema/${n.name}` })) : [])];
  const exported = ema ?? g;
  const gVars = variablesOf(g.layers);
  const optG = tf.train.adam(cfg.lrG, 0.9, 0.99);
  const optGanG = tf.train.adam(cfg.lrGanG, 0.9, 0.99);
  const optD = tf.train.adam(cfg.lrD, 0.9, 0.99);
  const opts = { g: optG, gg: optGanG, d: optD };

  let state: State = { step: 0, rng: cfg.seed, history: [], generator: g.config };
  const restored = await restoreRun<State>(cfg.run, named, opts);
  if (restored) {
    state = { ...restored.state, generator: g.config };
    // An EMA switched on when resuming starts from the restored generator.
    if (ema && restored.missing.some((n) => n.startsWith('ema/'))) updateEma(ema, g, 0, 0);
    log(`resumed ${cfg.run} at step ${state.step}${restored.missing.length ? ` (not in the checkpoint, kept as initialized: ${restored.missing.join(', ')})` : ''}`);
  }
  if (!restored && cfg.init) {
    loadGeneratorWeights(g, cfg.init);
    if (ema) updateEma(ema, g, 0, 0);
    log(`started from the weights of ${cfg.init}`);
  }
  const save = () => saveRun(cfg.run, state, named, opts);

  const { train: trainFiles, heldOut } = splitPhotos(cfg.data, cfg.holdOutEvery);
  log(`data: ${trainFiles.length} training photos, ${heldOut.length} held out: ${heldOut.map((p) => basename(p)).join(', ')}`);
  const pairs = loadPairs(trainFiles, cfg.scale, cfg.lrCrop * cfg.scale);
  const codec = cfg.codecMix > 0 ? { pairs: codecPairs(pairs, cfg.scale, cfg.seed + 5000, cfg.codecVariants), share: cfg.codecMix } : undefined;
  if (codec) log(`codec pairs: ${codec.pairs.length} (H.264, VP9 or AV1 at web video's low bitrates), ${Math.round(100 * cfg.codecMix)}% of samples`);
  const evalSet = heldOut.map((p) => ({ name: basename(p), img: readPng(p) }));
  const evalNow = () => evaluate(evalSet, cfg.scale, cfg.evalSize, (x) => generate(exported, x));
  const writePictures = () => {
    mkdirSync(join(cfg.run, 'samples'), { recursive: true });
    const rows = evalSet.slice(0, 3).map(({ img }) => upscaleCrop(img, cfg.scale, Math.min(cfg.evalSize, 128), (x) => generate(exported, x)));
    writePng(join(cfg.run, 'samples', `step-${String(state.step).padStart(6, '0')}.png`), tile(rows.flatMap((r) => [r.bicubic, r.sr, r.hr]), 3));
    const h = state.history;
    writePng(join(cfg.run, 'losses.png'), plotCurves([{ values: h.map((r) => r.l1) }, { values: h.map((r) => r.adv) }, { values: h.map((r) => r.d) }]));
  };

  const rng = new Rng(state.rng);
  const total = cfg.l1Steps + cfg.ganSteps;
  let evalAfterL1: EvalRow[] | undefined;
  if (cfg.threads === 2 && cfg.batch % 2) throw new Error('--threads 2 needs an even --batch');
  const lossCfg = { ganLoss: cfg.ganLoss, advWeight: cfg.advWeight, gradWeight: cfg.gradWeight, blockWeight: cfg.blockWeight, pixelLoss: cfg.pixelLoss, dView: cfg.dView, r1Weight: cfg.r1Weight, gpWeight: cfg.gpWeight };
  const cores = cfg.threads === 2 ? await TwoCores.start(g.config, cfg.spectralNorm, lossCfg) : null;
  const runStep = async (kind: StepKind, opt: tf.Optimizer, lr: tf.Tensor4D, hr: tf.Tensor4D): Promise<StepLosses> => {
    const seed = cfg.seed * 1_000_003 + state.step;
    const r = cores ? await cores.stepGrads(kind, g, d, lr, hr, lossCfg, seed) : stepGrads(kind, g, d, lr, hr, lossCfg, seed);
    opt.applyGradients(stepVariables(kind, g, d).map((v, i) => ({ name: v.name, tensor: r.grads[i] })));
    tf.dispose(r.grads);
    return r.losses;
  };

  const done = await runLoop<Row>({
    total, state, rng, log, checkpointEvery: cfg.checkpointEvery, sampleEvery: cfg.sampleEvery, save, pictures: writePictures,
    async step() {
      const { lr, hr } = sampleBatch(pairs, rng, cfg.batch, cfg.lrCrop, cfg.scale, cfg.webMix, codec);
      try {
        if (state.step < cfg.l1Steps) return { row: { l1: (await runStep('l1', optG, lr, hr)).l1! }, phase: 'l1 ' };
        // D learns real vs generated patches; G learns to fool D while staying close in content.
        const dl = await runStep('d', optD, lr, hr);
        const gl = await runStep('g', optGanG, lr, hr);
        return { row: { l1: gl.l1!, adv: gl.adv, d: dl.d }, phase: 'gan' };
      } finally {
        tf.dispose([lr, hr]);
      }
    },
    afterStep: (step) => { if (ema) updateEma(ema, g, cfg.emaDecay, step); },
    milestone: cfg.l1Steps > 0 ? {
      at: cfg.l1Steps,
      async run() {
        // Keep the L1-only generator beside the run, so both checkpoints can be reported.
        mkdirSync(join(cfg.run, 'l1'), { recursive: true });
        await saveRun(join(cfg.run, 'l1'), state, named.filter((n) => !n.name.startsWith('d/')), {});
        evalAfterL1 = evalNow();
        log(`after L1 pre-training: ${JSON.stringify(summarize(evalAfterL1))}`);
      },
    } : undefined,
  });
  await cores?.stop();
  tf.dispose([...namedVariables(d).map((n) => n.v), ...(ema ? gVars : [])]);
  Object.values(opts).forEach((o) => o.dispose());
  return { generator: exported, heldOut: heldOut.map((p) => basename(p)), evalAfterL1, ...done };
}
