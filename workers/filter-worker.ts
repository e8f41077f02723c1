// The filter worker: owns TensorFlow.js, the loaded filter and the frame pipeline, and exposes
// FilterWorkerApi through Comlink. Started by bridge.ts in both the PWA and the extension.
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { CHAIN_SEPARATOR, type BackendChoice, type FilterEntry, type FilterWorkerApi, type InputFrame, type LoadedFilter, type ProcessOptions, type ProcessedFrame, type WorkerDeath, type WorkerInit } from './types.js';
import { initBackend } from './backend.js';
import { fetchRegistry } from './registry.js';
import { loadFilterModel } from './model-loader.js';
import { FramePipeline } from './frame-pipeline.js';
import { chainStages, type RunSpec } from './chain.js';
import type { FrameModel } from './execute.js';
import { countReadbacks, readbacks } from './readback-counter.js';
import { DeviceWatch } from './device-loss.js';

let assetBase: string | null = null;
let filters: FilterEntry[] | null = null;
/** The loaded filter, or chain of filters run as one model; `models` are freed on replace. */
let current: { entry: FilterEntry; spec: RunSpec; model: FrameModel; models: tf.GraphModel[] } | null = null;
const pipeline = new FramePipeline();
let frames = 0;
/**
 * Frames and filter loads run one at a time, in the order they were asked for. Comlink serves
 * each call as it arrives: a load used to free the model under a frame still awaiting its pixels
 * (tfjs then failed the frame: "Cannot read properties of undefined (reading 'backend')"), and
 * frames sent after a switch came out of the old filter.
 */
let queue: Promise<unknown> = Promise.resolve();
function inTurn<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => {});
  return run;
}
const deviceWatch = new DeviceWatch();
/** Test hook (dieMidFrame): how the next frame ends the worker. */
let death: WorkerDeath | null = null;

/** The worker ends during a frame it has read: it never answers the frame. */
function die(how: WorkerDeath): Promise<never> {
  if (how === 'silent') self.close();
  else setTimeout(() => { throw new Error('simulated crash mid-frame'); });
  return new Promise<never>(() => {});
}

/** A fresh WebGPU device, and the current filter (or chain) loaded onto it again. */
async function recoverDevice(): Promise<void> {
  const id = current?.entry.id;
  // The old models' tensors died with the device: release their records, then forget them.
  try {
    current?.models.forEach((m) => m.dispose());
  } catch { /* the device is gone; nothing to free on it */ }
  current = null;
  await deviceWatch.recover();
  countReadbacks();
  if (id) await load(id);
}

function base(): string {
  if (!assetBase) throw new Error('Filter worker used before init()');
  return assetBase;
}

/** Fetches, validates, builds and warms a filter or chain; the previous one stays if this fails. */
async function load(id: string): Promise<LoadedFilter> {
  const t0 = performance.now();
  const known = filters ?? (await api.listFilters());
  const entries = id.split(CHAIN_SEPARATOR).map((part) => {
    const entry = known.find((f) => f.id === part);
    if (!entry) throw new Error(`No filter "${part}" in models/registry.json`);
    return entry;
  });
  // Build the new models before dropping the old ones, so a failed load changes nothing.
  const models: tf.GraphModel[] = [];
  try {
    for (const entry of entries) models.push(await loadFilterModel(base(), entry));
  } catch (e) {
    models.forEach((m) => m.dispose());
    throw e;
  }
  current?.models.forEach((m) => m.dispose());
  current = { ...chainStages(entries.map((entry, i) => ({ entry, model: models[i] }))), models };
  return { entry: current.entry, tileAlign: current.spec.tileAlign ?? current.spec.inputMultiple ?? 1, loadMs: performance.now() - t0 };
}

async function filterFrame(frame: InputFrame, opts?: ProcessOptions): Promise<ProcessedFrame> {
  if (!current) {
    frame.close();
    throw new Error('No filter loaded: call loadFilter() first');
  }
  if (deviceWatch.lost) await recoverDevice();
  frames++;
  if (death) {
    frame.close();
    return die(death);
  }
  const out = await pipeline.filter(current!.model, current!.spec, frame, opts);
  const transfers: Transferable[] = [out.image instanceof ImageBitmap ? out.image : out.image.data.buffer];
  if (out.inputPixels) transfers.push(out.inputPixels.buffer as ArrayBuffer);
  return Comlink.transfer(out, transfers);
}

const api: FilterWorkerApi = {
  async init(opts: WorkerInit): Promise<BackendChoice> {
    assetBase = opts.assetBase;
    const choice = await initBackend(opts);
    countReadbacks();
    deviceWatch.watch();
    return choice;
  },

  async listFilters(): Promise<FilterEntry[]> {
    filters = (await fetchRegistry(base())).filters;
    return filters;
  },

  loadFilter: (id: string) => inTurn(() => load(id)),

  process: (frame: InputFrame, opts?: ProcessOptions) => inTurn(() => filterFrame(frame, opts)),

  async recycle(pixels: Uint8ClampedArray<ArrayBuffer>): Promise<void> {
    pipeline.recycle(pixels);
  },

  async memory() {
    const { numTensors, numBytes } = tf.memory();
    return { numTensors, numBytes, frames, readbacks: readbacks.count, deviceRecoveries: deviceWatch.recoveries };
  },

  async dieMidFrame(how: WorkerDeath): Promise<void> {
    death = how;
  },

  async simulateDeviceLoss(): Promise<void> {
    await deviceWatch.simulateLoss();
  },

  async dispose(): Promise<void> {
    current?.models.forEach((m) => m.dispose());
    current = null;
    filters = null;
  },
};

Comlink.expose(api);
