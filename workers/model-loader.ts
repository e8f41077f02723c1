// Fetches a filter's model.json and weight files, validates them (model-manifest.ts), builds
// the graph model from memory and warms it up, checking the output shape the registry promises.
import * as tf from '@tensorflow/tfjs';
import type { FilterEntry } from './types.js';
import { executeFilter } from './execute.js';
import { MIN_FRAME_SIZE } from './pixels.js';
import { ModelFileError, buildArtifacts, finalDepthToSpace, parseModelJson, siblingPath, type WeightFile } from './model-manifest.js';
import type { FrameModel } from './execute.js';

async function fetchFile(assetBase: string, path: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(new URL(path, assetBase));
  } catch (e) {
    throw new ModelFileError(path, `could not be fetched (${(e as Error).message})`);
  }
  if (!res.ok) throw new ModelFileError(path, `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${res.status === 404 ? ' (missing file)' : ''}`);
  // Single-page-app servers answer unknown paths with index.html; call that what it is.
  if (!path.endsWith('.json') && /text\/html/.test(res.headers.get('content-type') ?? '')) {
    throw new ModelFileError(path, 'missing file (the server answered with an HTML page)');
  }
  return res;
}

/** Downloads and validates a graph model; returns artifacts ready for tf.io.fromMemory. */
export async function fetchModelArtifacts(assetBase: string, modelPath: string): Promise<tf.io.ModelArtifacts> {
  const json = parseModelJson(await (await fetchFile(assetBase, modelPath)).text(), modelPath);
  const weightFiles: WeightFile[][] = await Promise.all(json.weightsManifest.map((group) =>
    Promise.all(group.paths.map(async (p): Promise<WeightFile> => {
      const file = siblingPath(modelPath, p);
      return { file, data: await (await fetchFile(assetBase, file)).arrayBuffer() };
    }))));
  return buildArtifacts(json, weightFiles, modelPath);
}

/**
 * Builds the model and runs it once on a small frame: this compiles the backend's kernels
 * now rather than on the first video frame, and proves the output is [1, H*scale, W*scale, 3].
 */
export async function buildAndWarm(entry: FilterEntry, artifacts: tf.io.ModelArtifacts): Promise<tf.GraphModel & FrameModel> {
  let model: tf.GraphModel & FrameModel;
  try {
    model = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  } catch (e) {
    throw new ModelFileError(entry.modelUrl, `TensorFlow.js cannot build the graph: ${(e as Error).message}`);
  }
  const shuffle = finalDepthToSpace(artifacts.modelTopology as { node: unknown[] });
  if (shuffle) model.beforeShuffle = { block: shuffle.block, execute: (x) => model.execute(x, shuffle.input) as tf.Tensor4D };
  try {
    const n = MIN_FRAME_SIZE;
    const out = tf.tidy(() => {
      const y = executeFilter(model, entry, tf.zeros([1, n, n, 3]));
      if (!(y instanceof tf.Tensor)) throw new Error('the graph must have exactly one output');
      return y;
    });
    try {
      await out.data();
      const want = [1, n * entry.scale, n * entry.scale, 3];
      if (out.shape.join() !== want.join()) {
        throw new Error(`output shape [${out.shape}] for a ${n}x${n} input; scale ${entry.scale} in the registry needs [${want}]`);
      }
    } finally {
      out.dispose();
    }
  } catch (e) {
    model.dispose();
    throw new ModelFileError(entry.modelUrl, `warm-up failed: ${(e as Error).message}`);
  }
  return model;
}

export async function loadFilterModel(assetBase: string, entry: FilterEntry): Promise<tf.GraphModel & FrameModel> {
  return buildAndWarm(entry, await fetchModelArtifacts(assetBase, entry.modelUrl));
}
