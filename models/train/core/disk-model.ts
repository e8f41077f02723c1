// Loads a registry filter from the repository's files in Node, through the same validation
// the worker applies to fetched files.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Generator } from './nets.js';
import { buildAndWarm } from '../../../workers/model-loader.js';
import type { FrameModel } from '../../../workers/execute.js';
import { buildArtifacts, parseModelJson, siblingPath, type GraphModelJson } from '../../../workers/model-manifest.js';
import { REGISTRY_PATH, parseRegistry } from '../../../workers/registry.js';
import type { FilterEntry, Registry } from '../../../workers/types.js';

export function readRegistry(repoRoot: string): Registry {
  return parseRegistry(readFileSync(join(repoRoot, REGISTRY_PATH), 'utf8'));
}

export function readModelFiles(repoRoot: string, modelUrl: string): { json: GraphModelJson; artifacts: tf.io.ModelArtifacts } {
  const json = parseModelJson(readFileSync(join(repoRoot, modelUrl), 'utf8'), modelUrl);
  const files = json.weightsManifest.map((g) => g.paths.map((p) => {
    const file = siblingPath(modelUrl, p);
    const buf = readFileSync(join(repoRoot, file));
    return { file, data: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer };
  }));
  return { json, artifacts: buildArtifacts(json, files, modelUrl) };
}

export async function loadFilterFromDisk(repoRoot: string, id: string): Promise<{ entry: FilterEntry; model: tf.GraphModel & FrameModel }> {
  const entry = readRegistry(repoRoot).filters.find((f) => f.id === id);
  if (!entry) throw new Error(`${REGISTRY_PATH}: no filter with id "${id}"`);
  return { entry, model: await buildAndWarm(entry, readModelFiles(repoRoot, entry.modelUrl).artifacts) };
}

/** Sets a generator's trained weights from an exported graph model (the path of its model.json), layer by layer name. */
export function loadGeneratorWeights(g: Generator, modelJson: string): void {
  const { artifacts } = readModelFiles(dirname(modelJson), basename(modelJson));
  const named = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  for (const l of g.layers) {
    for (const [v, key] of [[l.w, `${l.name}/w`], [l.b, `${l.name}/b`]] as [tf.Variable, string][]) {
      const t = named[key];
      if (!t || t.size !== v.size) throw new Error(`${modelJson}: no ${key} of shape ${v.shape.join('x')} (a generator of another shape?)`);
      v.assign(tf.reshape(t, v.shape));
    }
  }
  tf.dispose(Object.values(named));
}
