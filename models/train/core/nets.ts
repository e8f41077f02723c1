// Generator and discriminator: plain lists of convolutions, so one description drives the
// training forward pass (ops.ts) and the exported graph model (export.ts).
import * as tf from '@tensorflow/tfjs';
import { conv2dSame, depthToSpace } from './ops.js';
import { guidedFilter, guidedOpsPerPixel, guidedUpsample, guidedUpsampleOpsPerPixel } from '../imaging/guided.js';
import { applyLook, lookOpsPerPixel, type Look } from '../imaging/looks.js';
import { cubic } from '../imaging/resample.js';

export type Activation = 'relu' | 'lrelu' | 'linear';

export interface ConvLayer {
  name: string;
  w: tf.Variable<tf.Rank.R4>;
  b: tf.Variable<tf.Rank.R1>;
  stride: number;
  act: Activation;
  /** Power-iteration estimate of the weight's top singular vector, when spectrally normalized. */
  u?: tf.Variable<tf.Rank.R2>;
  /** depthToSpace block size applied after the activation (upsampling inside the network). */
  shuffle?: number;
  /** Reads the network's input image instead of the previous layer's output. */
  fromImage?: boolean;
  /** Reads the output of this earlier layer concatenated (channels first) with the previous layer's. */
  concatWith?: string;
}

/**
 * sr: full-resolution convolutions, then depthToSpace by `scale` plus a bicubic skip.
 * style: `scale` 1; two stride-2 convolutions down to 1/16 of the pixels, the body there, two
 * depthToSpace steps back up, and the input itself as the skip.
 */
export type Architecture = 'sr' | 'style';

/** The fixed upsampling on the super-resolution skip path: bicubic (5x5 taps) or bilinear (3x3, cheaper). */
export type Skip = 'bicubic' | 'bilinear';

/**
 * Style-only options:
 * - `fine`: channels of a full-resolution branch from the input image, concatenated into the
 *   last layer, so the output can remove photo texture (flat, painted regions) where the
 *   quarter-resolution body alone could only add smooth changes on top of the photo. 0 = none.
 * - `head`: with `fine`, this many full-resolution 3x3 convolutions (as wide as the concatenation)
 *   between it and the output, where thin lines are placed: with none, one linear convolution
 *   mixes the coarse body's features with the image's. Absent = 0.
 * - `smoothSkip`: the skip carries the input averaged over 4x4 blocks and upsampled bilinearly
 *   instead of the input itself, so photo texture is not passed through by default and the
 *   network adds back only the detail it learns to (edges, not grain). Default: the input.
 * - `guided`: radius of a fixed self-guided filter on the output (guided.ts), which flattens
 *   low-variance regions and keeps edges; 0 or absent = none.
 * - `look`: a fixed drawing stage after that (imaging/looks.ts: cartoon bands and outlines, anime
 *   cel shading, painterly Kuwahara); absent = none.
 * - `lookScale`: 2 runs all of the above on the input averaged over 2x2 blocks (the scale the
 *   look is drawn at: a 640x480 camera's face at about the size a teacher draws it) and brings
 *   the result back to full resolution by a fast guided upsampling guided by the input itself
 *   (guided.ts), radius UPSAMPLE_RADIUS: a quarter of the cost, with the input's own edges.
 *   Training runs at the look's scale (`generate`); `render` is the whole filter. Absent = 1.
 */
export interface GeneratorConfig { scale: number; channels: number; blocks: number; arch?: Architecture; skip?: Skip; fine?: number; head?: number; smoothSkip?: boolean; guided?: number; look?: Look; lookScale?: number }

/** Radius of the guided upsampling's windows, at half resolution. */
export const UPSAMPLE_RADIUS = 1;

export interface Generator {
  config: GeneratorConfig;
  layers: ConvLayer[];
  /** Fixed (untrained) kernel computing the skip's upsampling in depth-to-space layout; null: the skip is the input. */
  skipKernel: tf.Tensor4D | null;
}

/** The style skip's block average before its upsampling: 4 with smoothSkip, else 1 (none). */
export const skipPool = (g: Generator): number => (g.config.smoothSkip ? 4 : 1);

/** Mirrored border the skip convolution needs: half its (odd) kernel size. */
export const skipPad = (kernel: tf.Tensor4D): number => (kernel.shape[0] - 1) / 2;
export const LRELU_ALPHA = 0.2;

// Variables get engine-unique names (several trainers may share a process); checkpoints and
// exports use the layer names instead. Seeded, so a fixed seed gives a repeatable run.
function convLayer(name: string, k: number, cin: number, cout: number, stride: number, act: Activation, gain: number, seed: number): ConvLayer {
  const std = gain * Math.sqrt(2 / (k * k * cin));
  const w0 = tf.randomNormal([k, k, cin, cout], 0, std, 'float32', seed), b0 = tf.zeros([cout]);
  const layer = { name, stride, act, w: tf.variable(w0) as tf.Variable<tf.Rank.R4>, b: tf.variable(b0) as tf.Variable<tf.Rank.R1> };
  tf.dispose([w0, b0]);
  return layer;
}

/**
 * Bicubic (5x5) or bilinear (3x3) upsampling by `scale` as one convolution with 3*scale^2
 * outputs followed by depthToSpace: output phase p of each input pixel sits at offset
 * (p + 0.5) / scale - 0.5 (half-pixel centers).
 */
export function upsampleSkipKernel(scale: number, kind: Skip = 'bicubic'): tf.Tensor4D {
  const pad = kind === 'bicubic' ? 2 : 1, taps = 2 * pad + 1;
  const weight = kind === 'bicubic' ? cubic : (t: number) => Math.max(0, 1 - Math.abs(t));
  const k1 = (p: number) => {
    const off = (p + 0.5) / scale - 0.5;
    return Array.from({ length: taps }, (_, t) => weight(t - pad - off));
  };
  const w = new Float32Array(taps * taps * 3 * 3 * scale * scale);
  const cout = 3 * scale * scale;
  for (let py = 0; py < scale; py++) for (let px = 0; px < scale; px++) {
    const ky = k1(py), kx = k1(px);
    for (let c = 0; c < 3; c++) {
      const o = (py * scale + px) * 3 + c; // TensorFlow DepthToSpace (DCR) channel order
      for (let y = 0; y < taps; y++) for (let x = 0; x < taps; x++) {
        w[((y * taps + x) * 3 + c) * cout + o] = ky[y] * kx[x];
      }
    }
  }
  return tf.tensor4d(w, [taps, taps, 3, cout]);
}

/** Input sides must be a multiple of this for the output to be exactly `scale` times the input. */
export const inputMultiple = (config: GeneratorConfig): number => (config.arch === 'style' ? 4 * (config.lookScale ?? 1) : 1);

/** The guided upsampling's fixed 2x bilinear kernel (3 -> 12 channels before DepthToSpace); export.ts writes the same. */
export const upsampleKernel = (): tf.Tensor4D => upsampleSkipKernel(2, 'bilinear');

export function createGenerator(config: GeneratorConfig, seed: number): Generator {
  const { scale, channels: c, blocks } = config;
  const body = (i: number) => convLayer(`g/body${i}`, 3, c, c, 1, 'relu', 1, seed + i + 1);
  const bodies = Array.from({ length: blocks }, (_, i) => body(i));
  // Zero last layer: the network starts as exactly its skip (upsampling, or identity for style)
  // and learns only the residual.
  if (config.arch === 'style') {
    if (scale !== 1) throw new Error('style generators keep the frame size (scale 1)');
    const up0 = c / 2, up1 = 16, fine = config.fine ?? 0;
    return {
      config, skipKernel: config.smoothSkip ? upsampleSkipKernel(4, 'bilinear') : null,
      layers: [
        convLayer('g/in', 3, 3, up1, 2, 'relu', 1, seed),
        convLayer('g/down', 3, up1, c, 2, 'relu', 1, seed + 100),
        ...bodies,
        { ...convLayer('g/up0', 3, c, 4 * up0, 1, 'relu', 1, seed + 101), shuffle: 2 },
        { ...convLayer('g/up1', 3, up0, 4 * up1, 1, 'relu', 1, seed + 102), shuffle: 2 },
        ...(fine ? [
          { ...convLayer('g/fine', 3, 3, fine, 1, 'relu', 1, seed + 103), fromImage: true },
          ...Array.from({ length: config.head ?? 0 }, (_, i) => ({ ...convLayer(`g/head${i}`, 3, up1 + fine, up1 + fine, 1, 'relu', 1, seed + 104 + i), ...(i ? {} : { concatWith: 'g/up1' }) })),
          { ...convLayer('g/out', 3, up1 + fine, 3, 1, 'linear', 0, seed + blocks + 1), ...(config.head ? {} : { concatWith: 'g/up1' }) },
        ] : [convLayer('g/out', 3, up1, 3, 1, 'linear', 0, seed + blocks + 1)]),
      ],
    };
  }
  const layers = [convLayer('g/in', 3, 3, c, 1, 'relu', 1, seed), ...bodies];
  layers.push(convLayer('g/out', 3, c, 3 * scale * scale, 1, 'linear', 0, seed + blocks + 1));
  return { config, layers, skipKernel: upsampleSkipKernel(scale, config.skip) };
}

/** PatchGAN: stride-2 convolutions down to one realness score per patch. `prefix` names its layers (several Ds per run). */
export function createDiscriminator(seed: number, spectralNorm = false, prefix = 'd'): ConvLayer[] {
  const layers = [
    convLayer(`${prefix}/c0`, 3, 3, 32, 2, 'lrelu', 1, seed + 100),
    convLayer(`${prefix}/c1`, 3, 32, 64, 2, 'lrelu', 1, seed + 101),
    convLayer(`${prefix}/c2`, 3, 64, 128, 2, 'lrelu', 1, seed + 102),
    convLayer(`${prefix}/c3`, 3, 128, 1, 1, 'linear', 1, seed + 103),
  ];
  if (spectralNorm) {
    layers.forEach((l, i) => {
      l.u = tf.tidy(() => tf.variable(tf.randomNormal([1, l.w.shape[3]], 0, 1, 'float32', seed + 200 + i), false)) as tf.Variable<tf.Rank.R2>;
    });
  }
  return layers;
}

/**
 * Spectral normalization (Miyato et al. 2018): the kernel, as a [k*k*cin, cout] matrix, divided
 * by its largest singular value, estimated with one power-iteration step per call. The singular
 * vectors are constants for the gradient, as in the paper.
 */
export function spectralNormalized(l: ConvLayer & { u: tf.Variable<tf.Rank.R2> }): tf.Tensor4D {
  const m = tf.reshape(l.w, [-1, l.w.shape[3]]) as tf.Tensor2D;
  const unit = (t: tf.Tensor2D) => tf.div(t, tf.add(tf.norm(t), 1e-12)) as tf.Tensor2D;
  const [vData, uData] = tf.tidy(() => {
    const v = unit(tf.matMul(m, l.u, false, true)); // [K, 1]
    return [v.dataSync(), unit(tf.matMul(v, m, true, false)).dataSync()]; // [1, cout]
  });
  const v = tf.tensor2d(vData, [vData.length, 1]), u = tf.tensor2d(uData, [1, uData.length]);
  l.u.assign(u);
  const sigma = tf.sum(tf.matMul(tf.matMul(v, m, true, false), u, false, true));
  return tf.div(l.w, sigma) as tf.Tensor4D;
}

function activate(x: tf.Tensor4D, act: Activation): tf.Tensor4D {
  if (act === 'relu') return tf.relu(x);
  // As a*x + (1-a)*relu(x): tf.leakyRelu's gradient goes through Greater, which has none, so
  // gradient penalties (second order) could not differentiate it.
  if (act === 'lrelu') return tf.add(tf.mul(x, LRELU_ALPHA), tf.mul(tf.relu(x), 1 - LRELU_ALPHA));
  return x;
}

export function runConvs(layers: ConvLayer[], x: tf.Tensor4D): tf.Tensor4D {
  const outputs = new Map<string, tf.Tensor4D>();
  return layers.reduce((prev, l) => {
    const from = l.fromImage ? x : prev;
    const h = l.concatWith ? tf.concat([outputs.get(l.concatWith)!, from], 3) : from;
    const w = l.u ? spectralNormalized(l as ConvLayer & { u: tf.Variable<tf.Rank.R2> }) : l.w;
    const y = activate(tf.add(conv2dSame(h, w, l.stride), l.b), l.act);
    const out = l.shuffle ? depthToSpace(y, l.shuffle) : y;
    outputs.set(l.name, out);
    return out;
  }, x);
}

/** The skip path's fixed upsampling before depthToSpace: [B,H,W,3*s*s]. */
function skipConv(kernel: tf.Tensor4D, x: tf.Tensor4D): tf.Tensor4D {
  const p = skipPad(kernel);
  return tf.conv2d(tf.mirrorPad(x, [[0, 0], [p, p], [p, p], [0, 0]], 'symmetric'), kernel, 1, 'valid');
}

/** Training-time forward pass of the generator: [B,H,W,3] in [0,1] -> [B,H*s,W*s,3]. */
export function generate(g: Generator, x: tf.Tensor4D): tf.Tensor4D {
  // Style adds its skip at full resolution; super-resolution before the final depthToSpace.
  if (g.config.arch === 'style' || !g.skipKernel) {
    const y = tf.add(runConvs(g.layers, x), skipUpsample(g, x)) as tf.Tensor4D;
    const flat = g.config.guided ? guidedFilter(y, g.config.guided) : y;
    return g.config.look ? applyLook(g.config.look, flat) : flat;
  }
  return depthToSpace(tf.add(runConvs(g.layers, x), skipConv(g.skipKernel, x)), g.config.scale);
}

/**
 * The whole filter, as the exported graph computes it: `generate`, and for a look drawn at half
 * resolution the 2x2 average first and the guided upsampling after. Inference only.
 */
export function render(g: Generator, x: tf.Tensor4D): tf.Tensor4D {
  if ((g.config.lookScale ?? 1) === 1) return generate(g, x);
  if (g.config.lookScale !== 2) throw new Error('lookScale must be 1 or 2');
  return tf.tidy(() => {
    const low = tf.avgPool(x, 2, 2, 'valid') as tf.Tensor4D;
    const kernel = upsampleKernel();
    const up = (t: tf.Tensor4D) => depthToSpace(tf.conv2d(tf.mirrorPad(t, [[0, 0], [1, 1], [1, 1], [0, 0]], 'symmetric'), kernel, 1, 'valid'), 2);
    return guidedUpsample(x, low, generate(g, low), UPSAMPLE_RADIUS, up);
  });
}

/** The generator's fixed skip alone (what the untrained network outputs). */
export function skipUpsample(g: Generator, x: tf.Tensor4D): tf.Tensor4D {
  if (!g.skipKernel) return x;
  const pool = skipPool(g);
  if (pool > 1) return depthToSpace(skipConv(g.skipKernel, tf.avgPool(x, pool, pool, 'valid')), pool);
  return depthToSpace(skipConv(g.skipKernel, x), g.config.scale);
}

export function discriminate(d: ConvLayer[], x: tf.Tensor4D): tf.Tensor4D {
  return runConvs(d, tf.sub(x, 0.5));
}

export const variablesOf = (layers: ConvLayer[]): tf.Variable[] => layers.flatMap((l) => [l.w, l.b]);

/** Variables (trained ones and spectral-norm state) under stable layer-based names, for checkpoints. */
export const namedVariables = (layers: ConvLayer[]): { name: string; v: tf.Variable }[] =>
  layers.flatMap((l) => [{ name: `${l.name}/w`, v: l.w }, { name: `${l.name}/b`, v: l.b }, ...(l.u ? [{ name: `${l.name}/u`, v: l.u as tf.Variable }] : [])]);

/** Each layer's kernel MACs times its output pixels per input pixel (strides shrink, shuffles grow). */
export function macsPerInputPixel(g: Generator): number {
  let area = 1, macs = 0;
  for (const l of g.layers) {
    if (l.fromImage) area = 1;
    area /= l.stride * l.stride;
    macs += area * l.w.shape[0] * l.w.shape[1] * l.w.shape[2] * l.w.shape[3];
    area *= (l.shuffle ?? 1) ** 2;
  }
  const guided = g.config.guided ? guidedOpsPerPixel(g.config.guided) : 0;
  const look = g.config.look ? lookOpsPerPixel(g.config.look) : 0;
  const atLookScale = macs + (g.skipKernel?.shape.reduce((a, b) => a * b, 1) ?? 0) / skipPool(g) ** 2 + guided + look;
  const s = g.config.lookScale ?? 1;
  return Math.round(s === 1 ? atLookScale : atLookScale / (s * s) + guidedUpsampleOpsPerPixel(UPSAMPLE_RADIUS) + 1);
}
