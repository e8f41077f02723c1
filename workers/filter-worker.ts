// The filter worker: owns TensorFlow.js, the loaded filter and the frame pipeline, and exposes
// FilterWorkerApi through Comlink. Started by bridge.ts in both the PWA and the extension.
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice, FilterEntry, FilterWorkerApi, InputFrame, LoadedFilter, ProcessOptions, ProcessedFrame, WorkerInit } from './types.js';
import { initBackend } from './backend.js';
import { fetchRegistry } from './registry.js';
import { loadFilterModel } from './model-loader.js';
import { FrameReader, filterFrame } from './frame-pipeline.js';

let assetBase: string | null = null;
let filters: FilterEntry[] | null = null;
let current: { entry: FilterEntry; model: tf.GraphModel } | null = null;
const reader = new FrameReader();

function base(): string {
  if (!assetBase) throw new Error('Filter worker used before init()');
  return assetBase;
}

const api: FilterWorkerApi = {
  async init(opts: WorkerInit): Promise<BackendChoice> {
    assetBase = opts.assetBase;
    return initBackend(opts);
  },

  async listFilters(): Promise<FilterEntry[]> {
    filters = (await fetchRegistry(base())).filters;
    return filters;
  },

  async loadFilter(id: string): Promise<LoadedFilter> {
    const t0 = performance.now();
    const entry = (filters ?? (await api.listFilters())).find((f) => f.id === id);
    if (!entry) throw new Error(`No filter "${id}" in models/registry.json`);
    // Build the new model before dropping the old one, so a failed load changes nothing.
    const model = await loadFilterModel(base(), entry);
    current?.model.dispose();
    current = { entry, model };
    return { entry, loadMs: performance.now() - t0 };
  },

  async process(frame: InputFrame, opts?: ProcessOptions): Promise<ProcessedFrame> {
    if (!current) {
      frame.close();
      throw new Error('No filter loaded: call loadFilter() first');
    }
    const out = await filterFrame(reader, current.model, current.entry, frame, opts);
    const transfers: Transferable[] = [out.bitmap];
    if (out.inputPixels) transfers.push(out.inputPixels.buffer as ArrayBuffer);
    return Comlink.transfer(out, transfers);
  },

  async memory() {
    const { numTensors, numBytes } = tf.memory();
    return { numTensors, numBytes };
  },

  async dispose(): Promise<void> {
    current?.model.dispose();
    current = null;
    filters = null;
  },
};

Comlink.expose(api);
