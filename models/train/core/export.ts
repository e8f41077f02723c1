// Writes a generator as a TensorFlow.js graph model (model.json + one weights file) that
// tf.loadGraphModel runs on every backend at any input size, with quantized weights.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FilterEntry, Registry } from '../../../workers/types.js';
import { GUIDED_EPS, UPSAMPLE_EPS, guidedFormula, guidedUpsampleFormula, type GuidedOps } from '../imaging/guided.js';
import { LINES, lookFormula, type LookOps } from '../imaging/looks.js';
import { gaussianTaps } from '../../../workers/outlines.js';
import { LRELU_ALPHA, UPSAMPLE_RADIUS, inputMultiple, macsPerInputPixel, skipPad, skipPool, upsampleKernel, type Generator } from './nets.js';
import { encode, type Quantization } from './quantize.js';

interface GraphNode { name: string; op: string; input?: string[]; attr?: Record<string, unknown> }

const str = (s: string) => ({ s: Buffer.from(s).toString('base64') });
const ints = (v: number[]) => ({ list: { i: v.map(String) } });
const FLOAT = { type: 'DT_FLOAT' };

export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'output';

export interface ExportedModel {
  modelJson: Record<string, unknown>;
  weights: Uint8Array;
  artifacts: tf.io.ModelArtifacts;
}

export function buildGraphModel(g: Generator, quantization: Quantization): ExportedModel {
  const nodes: GraphNode[] = [{
    name: INPUT_NAME, op: 'Placeholder',
    attr: { dtype: FLOAT, shape: { shape: { dim: [{ size: '1' }, { size: '-1' }, { size: '-1' }, { size: '3' }] } } },
  }];
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  const constant = (name: string, t: tf.Tensor, dtype: 'float32' | 'int32' = 'float32') => {
    nodes.push({ name, op: 'Const', attr: { dtype: dtype === 'int32' ? { type: 'DT_INT32' } : FLOAT } });
    if (dtype === 'int32') {
      chunks.push(new Uint8Array(new Int32Array(t.dataSync()).buffer));
      specs.push({ name, shape: t.shape, dtype: 'int32' });
    } else {
      const enc = encode(t.dataSync() as Float32Array, quantization);
      chunks.push(enc.bytes);
      specs.push({ name, shape: t.shape, dtype: 'float32', quantization: enc.quantization });
    }
    return name;
  };
  const convAttrs = (stride: number, padding: 'SAME' | 'VALID') => ({
    T: FLOAT, strides: ints([1, stride, stride, 1]), padding: str(padding),
    data_format: str('NHWC'), dilations: ints([1, 1, 1, 1]),
  });

  // A look drawn at half resolution (nets.ts lookScale) starts from the input's 2x2 averages.
  const halfScale = (g.config.lookScale ?? 1) === 2;
  const src = halfScale ? 'look/pool' : INPUT_NAME;
  if (halfScale) nodes.push({ name: src, op: 'AvgPool', input: [INPUT_NAME], attr: { T: FLOAT, ksize: ints([1, 2, 2, 1]), strides: ints([1, 2, 2, 1]), padding: str('VALID'), data_format: str('NHWC') } });
  let prev = src;
  const outputOf = new Map<string, string>(); // layer name -> node holding its output
  const shuffle = (name: string, input: string, block: number) =>
    nodes.push({ name, op: 'DepthToSpace', input: [input], attr: { T: FLOAT, block_size: { i: String(block) }, data_format: str('NHWC') } });
  for (const l of g.layers) {
    if (l.fromImage) prev = src;
    if (l.concatWith) {
      const axis = constant(`${l.name}/concat/axis`, tf.scalar(3, 'int32'), 'int32');
      nodes.push({ name: `${l.name}/concat`, op: 'ConcatV2', input: [outputOf.get(l.concatWith)!, prev, axis], attr: { T: FLOAT, N: { i: '2' }, Tidx: { type: 'DT_INT32' } } });
      prev = `${l.name}/concat`;
    }
    const fused = ['BiasAdd', ...(l.act === 'relu' ? ['Relu'] : l.act === 'lrelu' ? ['LeakyRelu'] : [])];
    nodes.push({
      name: l.name, op: '_FusedConv2D', input: [prev, constant(`${l.name}/w`, l.w), constant(`${l.name}/b`, l.b)],
      attr: {
        ...convAttrs(l.stride, 'SAME'), fused_ops: { list: { s: fused.map((f) => str(f).s) } },
        num_args: { i: '1' }, epsilon: { f: 0 }, leakyrelu_alpha: { f: LRELU_ALPHA },
      },
    });
    prev = l.name;
    if (l.shuffle) shuffle(prev = `${l.name}/shuffle`, l.name, l.shuffle);
    outputOf.set(l.name, prev);
  }
  if (g.skipKernel) {
    const p = skipPad(g.skipKernel), pool = skipPool(g);
    if (pool > 1) nodes.push({ name: 'skip/pool', op: 'AvgPool', input: [src], attr: { T: FLOAT, ksize: ints([1, pool, pool, 1]), strides: ints([1, pool, pool, 1]), padding: str('VALID'), data_format: str('NHWC') } });
    const pads = constant('skip/paddings', tf.tensor2d([[0, 0], [p, p], [p, p], [0, 0]], [4, 2], 'int32'), 'int32');
    nodes.push({ name: 'skip/pad', op: 'MirrorPad', input: [pool > 1 ? 'skip/pool' : src, pads], attr: { T: FLOAT, Tpaddings: { type: 'DT_INT32' }, mode: str('SYMMETRIC') } });
    nodes.push({ name: 'skip/conv', op: 'Conv2D', input: ['skip/pad', constant('skip/w', g.skipKernel)], attr: convAttrs(1, 'VALID') });
    if (pool > 1) {
      // Style: the smoothed skip is upsampled back to full resolution, then added.
      shuffle('skip/up', 'skip/conv', pool);
      nodes.push({ name: 'residual', op: 'AddV2', input: [prev, 'skip/up'], attr: { T: FLOAT } });
      prev = 'residual';
    } else {
      nodes.push({ name: 'residual', op: 'AddV2', input: [prev, 'skip/conv'], attr: { T: FLOAT } });
      shuffle('shuffle', 'residual', g.config.scale);
      prev = 'shuffle';
    }
  } else {
    nodes.push({ name: 'residual', op: 'AddV2', input: [prev, src], attr: { T: FLOAT } });
    prev = 'residual';
  }
  /** The guided stages' operations (guided.ts) as elementwise nodes and separable AvgPools over a mirrored border. */
  const guidedOps = (prefix: string, r: number, epsilon: number): GuidedOps<string> & { node: (op: string, input: string[], attr?: Record<string, unknown>) => string } => {
    const k = 2 * r + 1;
    const pads = constant(`${prefix}/paddings`, tf.tensor2d([[0, 0], [r, r], [r, r], [0, 0]], [4, 2], 'int32'), 'int32');
    const eps = constant(`${prefix}/eps`, tf.scalar(epsilon));
    let n = 0;
    const node = (op: string, input: string[], attr: Record<string, unknown> = { T: FLOAT }) => {
      const name = `${prefix}/${op}${n++}`;
      nodes.push({ name, op, input, attr });
      return name;
    };
    const pool = (input: string, ksize: number[]) => node('AvgPool', [input], { T: FLOAT, ksize: ints(ksize), strides: ints([1, 1, 1, 1]), padding: str('VALID'), data_format: str('NHWC') });
    const binary = (op: string) => (a: string, b: string) => node(op, [a, b]);
    return {
      node,
      box: (t) => pool(pool(node('MirrorPad', [t, pads], { T: FLOAT, Tpaddings: { type: 'DT_INT32' }, mode: str('REFLECT') }), [1, k, 1, 1]), [1, 1, k, 1]),
      mul: binary('Mul'), sub: binary('Sub'), div: binary('RealDiv'), add: binary('AddV2'), addEps: (t) => node('AddV2', [t, eps]),
    };
  };
  if (g.config.guided) prev = guidedFormula(prev, guidedOps('guided', g.config.guided, GUIDED_EPS));
  if (g.config.look) prev = lookFormula(g.config.look, prev, graphLookOps(nodes, constant, convAttrs));
  if (halfScale) {
    // Back to full resolution with the input's edges (guided.ts); `up` as nets.ts render has it.
    const ops = guidedOps('upsample', UPSAMPLE_RADIUS, UPSAMPLE_EPS);
    const pads = constant('upsample/up/paddings', tf.tensor2d([[0, 0], [1, 1], [1, 1], [0, 0]], [4, 2], 'int32'), 'int32');
    const kernel = constant('upsample/up/kernel', upsampleKernel());
    const up = (t: string) => {
      const padded = ops.node('MirrorPad', [t, pads], { T: FLOAT, Tpaddings: { type: 'DT_INT32' }, mode: str('SYMMETRIC') });
      const conv = ops.node('Conv2D', [padded, kernel], convAttrs(1, 'VALID'));
      return ops.node('DepthToSpace', [conv], { T: FLOAT, block_size: { i: '2' }, data_format: str('NHWC') });
    };
    prev = guidedUpsampleFormula(INPUT_NAME, src, prev, { ...ops, up });
  }
  nodes.push({ name: OUTPUT_NAME, op: 'Identity', input: [prev], attr: { T: FLOAT } });

  const total = chunks.reduce((s, c) => s + c.byteLength, 0);
  const weights = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) { weights.set(c, off); off += c.byteLength; }

  const modelTopology = { node: nodes, library: {}, versions: { producer: 1 } };
  const modelJson = {
    format: 'graph-model',
    generatedBy: 'models/train/core/export.ts',
    convertedBy: null,
    modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
  };
  return {
    modelJson, weights,
    artifacts: { modelTopology, weightSpecs: specs, weightData: weights.buffer.slice(0) as ArrayBuffer, format: 'graph-model' },
  };
}

/** The look stage's operations as graph nodes (imaging/looks.ts): fixed convolutions, mirrored pads, poolings, elementwise. */
function graphLookOps(
  nodes: GraphNode[], constant: (name: string, t: tf.Tensor, dtype?: 'float32' | 'int32') => string,
  convAttrs: (stride: number, padding: 'SAME' | 'VALID') => Record<string, unknown>,
): LookOps<string> {
  let n = 0;
  const name = (op: string) => `look/${op}${n++}`;
  const node = (op: string, input: string[], attr: Record<string, unknown> = { T: FLOAT }) => {
    const id = name(op);
    nodes.push({ name: id, op, input, attr });
    return id;
  };
  const pad = (t: string, top: number, bottom: number, left: number, right: number) =>
    node('MirrorPad', [t, constant(name('paddings'), tf.tensor2d([[0, 0], [top, bottom], [left, right], [0, 0]], [4, 2], 'int32'), 'int32')], { T: FLOAT, Tpaddings: { type: 'DT_INT32' }, mode: str('REFLECT') });
  const pool = (t: string, ky: number, kx: number) => node('AvgPool', [t], { T: FLOAT, ksize: ints([1, ky, kx, 1]), strides: ints([1, 1, 1, 1]), padding: str('VALID'), data_format: str('NHWC') });
  const conv = (t: string, kernel: tf.Tensor4D) => node('Conv2D', [t, constant(name('kernel'), kernel)], convAttrs(1, 'VALID'));
  const binary = (op: string) => (a: string, b: string) => node(op, [a, b]);
  return {
    luma: (x) => conv(x, tf.tensor4d([0.299, 0.587, 0.114], [1, 1, 3, 1])),
    blur: (y, sigma) => {
      const w = gaussianTaps(sigma), r = (w.length - 1) / 2;
      return conv(conv(pad(y, r, r, r, r), tf.tensor4d(w, [w.length, 1, 1, 1])), tf.tensor4d(w, [1, w.length, 1, 1]));
    },
    box: (x, r) => pool(pool(pad(x, r, r, r, r), 2 * r + 1, 1), 1, 2 * r + 1),
    quadrant: (x, r, q) => pool(pool(pad(x, q < 2 ? r : 0, q < 2 ? 0 : r, q % 2 === 0 ? r : 0, q % 2 === 0 ? 0 : r), r + 1, 1), 1, r + 1),
    sigmoid: (t) => node('Sigmoid', [t]),
    mul: binary('Mul'), add: binary('AddV2'), sub: binary('Sub'), div: binary('RealDiv'),
    constant: (v) => constant(name('const'), Array.isArray(v) ? tf.tensor1d(v) : tf.scalar(v)),
  };
}

/** Registry-relative path of a filter's model.json. */
export const modelUrlFor = (id: string) => `models/weights/${id}/model.json`;

/** Writes the model under models/weights/<id>/ and adds or replaces its registry entry. */
export function saveFilter(repoRoot: string, entry: Omit<FilterEntry, 'modelUrl' | 'macsPerInputPixel' | 'macsPerOutputPixel' | 'quantization' | 'inputMultiple' | 'lines'>, g: Generator, quantization: Quantization): FilterEntry {
  const { modelJson, weights } = buildGraphModel(g, quantization);
  const modelUrl = modelUrlFor(entry.id);
  const path = join(repoRoot, modelUrl);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(modelJson));
  writeFileSync(join(dirname(path), 'weights.bin'), weights);
  const multiple = inputMultiple(g.config);
  const macs = macsPerInputPixel(g);
  // A look that draws outlines: the worker draws them again at the frame's size (workers/guided-work.ts); a new entry's, an existing one keeps its tuned ones.
  const look = g.config.look;
  const lines = look === 'cartoon' || look === 'anime' ? { lines: LINES[look] } : {};
  const full: FilterEntry = { ...entry, modelUrl, macsPerInputPixel: macs, macsPerOutputPixel: Math.round(macs / entry.scale ** 2), quantization, ...(multiple > 1 ? { inputMultiple: multiple } : {}), ...lines };
  const regPath = join(repoRoot, 'models/registry.json');
  let registry: Registry = { version: 1, filters: [] };
  try { registry = JSON.parse(readFileSync(regPath, 'utf8')) as Registry; } catch { /* first filter */ }
  // Replaced in place, so retraining a filter keeps the registry's order, and the stages only the
  // worker draws (its outlines, bands, brushwork and cel palette, tuned in the registry) with it.
  const at = registry.filters.findIndex((f) => f.id === full.id);
  const { lines: tuned, bands, paint, tone } = at >= 0 ? registry.filters[at] : {};
  Object.assign(full, tuned ? { lines: tuned } : {}, bands ? { bands } : {}, paint ? { paint } : {}, tone ? { tone } : {});
  registry.filters = at >= 0 ? registry.filters.map((f, i) => (i === at ? full : f)) : [...registry.filters, full];
  writeFileSync(regPath, JSON.stringify(registry, null, 2) + '\n');
  return full;
}
