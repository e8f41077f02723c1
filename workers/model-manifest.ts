// Parsing and validation of a tfjs graph model (model.json + weight files) before tfjs sees it,
// so that a broken filter fails with a message naming the file and the problem. No fetching
// and no tfjs runtime here: Node unit tests feed it files read from disk.
import type { io } from '@tensorflow/tfjs';

type WeightsGroup = io.WeightsManifestConfig[number];

export interface GraphModelJson {
  format?: string;
  modelTopology: { node: unknown[] } & Record<string, unknown>;
  weightsManifest: io.WeightsManifestConfig;
  signature?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
}

/** An error about one model file; `file` is the path shown to the user. */
export class ModelFileError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'ModelFileError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses model.json text and checks it is a graph model with a usable weights manifest. */
export function parseModelJson(text: string, file: string): GraphModelJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const start = text.trimStart().slice(0, 15);
    const html = /^<(!doctype|html)/i.test(start) ? ' (got an HTML page: is the file missing?)' : '';
    throw new ModelFileError(file, `invalid JSON${html}: ${(e as Error).message}`);
  }
  if (!isObject(json)) throw new ModelFileError(file, 'model.json must be a JSON object');
  const topology = json.modelTopology;
  if (!isObject(topology)) throw new ModelFileError(file, 'no modelTopology');
  if (json.format === 'layers-model' || 'model_config' in topology || 'class_name' in topology) {
    throw new ModelFileError(file, 'is a Keras layers model, not a TensorFlow.js graph model');
  }
  if (!Array.isArray(topology.node)) {
    throw new ModelFileError(file, `not a TensorFlow.js graph model (format ${JSON.stringify(json.format ?? null)}, no modelTopology.node list)`);
  }
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) throw new ModelFileError(file, 'no weightsManifest list');
  manifest.forEach((group, g) => {
    if (!isObject(group) || !Array.isArray(group.paths) || group.paths.length === 0 || !group.paths.every((p) => typeof p === 'string')) {
      throw new ModelFileError(file, `weightsManifest[${g}] needs a non-empty "paths" list of file names`);
    }
    if (!Array.isArray(group.weights)) throw new ModelFileError(file, `weightsManifest[${g}] has no "weights" list`);
    group.weights.forEach((w: unknown, i: number) => {
      const ok = isObject(w) && typeof w.name === 'string' && typeof w.dtype === 'string'
        && Array.isArray(w.shape) && w.shape.every((d) => Number.isInteger(d) && d >= 0);
      if (!ok) throw new ModelFileError(file, `weightsManifest[${g}].weights[${i}] needs a name, a dtype and a shape of non-negative integers`);
    });
  });
  return json as unknown as GraphModelJson;
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
const QUANTIZED_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

/** Bytes one weight entry takes in the weight files (quantized entries are stored narrower). */
export function weightEntryBytes(w: io.WeightsManifestEntry, file: string): number {
  const values = w.shape.reduce((a, b) => a * b, 1);
  const q = w.quantization?.dtype;
  const bytes = q ? QUANTIZED_BYTES[q] : DTYPE_BYTES[w.dtype];
  if (!bytes) throw new ModelFileError(file, `weight "${w.name}" has unsupported dtype ${q ? `quantization ${q}` : w.dtype}`);
  return values * bytes;
}

/** Bytes all weight files of one manifest group must hold together. */
export function expectedGroupBytes(group: WeightsGroup, file: string): number {
  return group.weights.reduce((sum, w) => sum + weightEntryBytes(w, file), 0);
}

/** One fetched or read weight file: its manifest path and its bytes. */
export interface WeightFile {
  /** The path shown in errors (e.g. models/weights/sr-x2-quality/weights.bin). */
  file: string;
  data: ArrayBuffer;
}

/**
 * Checks each manifest group's files against the bytes the manifest needs and joins
 * everything into ModelArtifacts for tf.io.fromMemory. `weightFiles[g][p]` is the file of
 * `weightsManifest[g].paths[p]`.
 */
export function buildArtifacts(json: GraphModelJson, weightFiles: WeightFile[][], file: string): io.ModelArtifacts {
  const weightSpecs: io.WeightsManifestEntry[] = [];
  const parts: ArrayBuffer[] = [];
  json.weightsManifest.forEach((group, g) => {
    const files = weightFiles[g] ?? [];
    if (files.length !== group.paths.length) {
      throw new ModelFileError(file, `weightsManifest[${g}] lists ${group.paths.length} file(s) but ${files.length} were given`);
    }
    const expected = expectedGroupBytes(group, file);
    const actual = files.reduce((s, f) => s + f.data.byteLength, 0);
    if (actual !== expected) {
      const names = files.map((f) => f.file).join(' + ');
      throw new ModelFileError(names, `${actual} bytes, but the weights manifest in ${file} needs ${expected} bytes (${group.weights.length} tensors)`);
    }
    weightSpecs.push(...group.weights);
    parts.push(...files.map((f) => f.data));
  });
  const weightData = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    weightData.set(new Uint8Array(p), offset);
    offset += p.byteLength;
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format ?? 'graph-model',
    weightSpecs,
    weightData: weightData.buffer,
    signature: json.signature as io.ModelArtifacts['signature'],
    userDefinedMetadata: json.userDefinedMetadata as io.ModelArtifacts['userDefinedMetadata'],
  };
}

/** Resolves a weight path listed in model.json relative to the model.json path. */
export function siblingPath(modelPath: string, name: string): string {
  const slash = modelPath.lastIndexOf('/');
  return slash < 0 ? name : modelPath.slice(0, slash + 1) + name;
}

interface GraphNode { name: string; op: string; input?: string[]; attr?: Record<string, { i?: string | number; s?: string }> }

/**
 * The graph's final DepthToSpace, if its one output is (through Identity nodes) an NHWC
 * DepthToSpace: the node that feeds it and the block size. The WASM readback path runs the
 * graph up to that node and does the rearrangement while packing pixels.
 */
export function finalDepthToSpace(topology: { node: unknown[] }): { input: string; block: number } | undefined {
  const nodes = topology.node as GraphNode[];
  const consumed = new Set(nodes.flatMap((n) => (n.input ?? []).map((i) => i.split(':')[0])));
  const outputs = nodes.filter((n) => !consumed.has(n.name) && n.op !== 'Const');
  if (outputs.length !== 1) return undefined;
  let node: GraphNode | undefined = outputs[0];
  while (node?.op === 'Identity') node = nodes.find((n) => n.name === node!.input?.[0]);
  if (node?.op !== 'DepthToSpace' || !node.input?.[0]) return undefined;
  const format = node.attr?.data_format?.s;
  if (format && atob(format) !== 'NHWC') return undefined;
  return { input: node.input[0], block: Number(node.attr?.block_size?.i) };
}
