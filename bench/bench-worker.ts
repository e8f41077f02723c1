// The benchmark's worker: the product's own frame pipeline (workers/) on one backend, timing
// our filters and, on the same frames, the peers: UpscalerJS ESRGAN models and the browser's
// own high-quality canvas scaling.
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../workers/backend.js';
import { frameRun, type FrameModel } from '../workers/execute.js';
import { FramePipeline } from '../workers/frame-pipeline.js';
import { WasmPixels } from '../workers/wasm-pixels.js';
import { loadFilterModel } from '../workers/model-loader.js';
import { fetchRegistry } from '../workers/registry.js';
import type { FilterEntry } from '../workers/types.js';
import type { BenchTimes, BenchWorkerApi } from './types.js';

let assetBase = '';
const frames = new FramePipeline();
const loaded = new Map<string, { model: FrameModel | null; entry: Pick<FilterEntry, 'scale' | 'inputMultiple'>; dispose(): void }>();

async function load(id: string) {
  const hit = loaded.get(id);
  if (hit) return hit;
  let m;
  if (id === 'browser-bicubic') {
    m = { model: null, entry: { scale: 2 }, dispose() {} };
  } else if (id.startsWith('esrgan-')) {
    // Their RDN generators take and return RGB in 0..255.
    const layers = await tf.loadLayersModel(new URL(`peers/${id}/x2/model.json`, assetBase).href);
    const model: FrameModel = { execute: (x) => tf.tidy(() => tf.div(layers.predict(tf.mul(x, 255)) as tf.Tensor, 255)) };
    m = { model, entry: { scale: 2 }, dispose: () => layers.dispose() };
  } else {
    const entry = (await fetchRegistry(assetBase)).filters.find((f) => f.id === id);
    if (!entry) throw new Error(`no filter ${id} in the registry`);
    const model = await loadFilterModel(assetBase, entry);
    m = { model, entry, dispose: () => model.dispose() };
  }
  loaded.set(id, m);
  return m;
}

/** A test card frame: gradients and fine stripes, so no backend can shortcut on flat input. */
function card(width: number, height: number): ImageData {
  const d = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const i = (y * width + x) * 4;
    d[i] = (x * 255) / width; d[i + 1] = (y * 255) / height; d[i + 2] = ((x >> 1) + (y >> 1)) % 2 ? 200 : 60; d[i + 3] = 255;
  }
  return new ImageData(d, width, height);
}

/** The browser's own scaling, the baseline users compare with, through the same frame path. */
async function canvasUpscale(frame: ImageBitmap, scale: number): Promise<void> {
  const c = new OffscreenCanvas(frame.width * scale, frame.height * scale);
  const ctx = c.getContext('2d')!;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(frame, 0, 0, c.width, c.height);
  frame.close();
  (await createImageBitmap(c)).close();
}

const api: BenchWorkerApi = {
  async init(base, backend) {
    assetBase = base;
    return initBackend({ assetBase: base, backend });
  },

  async run(id, width, height, maxRuns, budgetMs): Promise<BenchTimes> {
    const { model, entry } = await load(id);
    const source = card(width, height);
    const x = tf.tensor4d(new Float32Array(width * height * 3).fill(0.5), [1, height, width, 3]);
    const pipeline = async () => {
      const frame = await createImageBitmap(source); // the source's frame, not timed
      const t0 = performance.now();
      if (!model) {
        await canvasUpscale(frame, entry.scale);
      } else {
        // The product's own choice of path: zero-copy on WebGPU, one readback elsewhere.
        const { image } = await frames.filter(model, entry, frame);
        if (image instanceof ImageBitmap) image.close();
        else frames.recycle(image.data); // as the hosts do once they have put the bytes on their canvas
        // The zero-copy path returns once its GPU work is queued: time it to completion with a
        // fence on the queue (no data comes back).
        if (tf.getBackend() === 'webgpu') await (tf.backend() as unknown as { device: GPUDevice }).device.queue.onSubmittedWorkDone();
      }
      return performance.now() - t0;
    };
    const modelOnly = async () => {
      if (!model) return 0;
      const t0 = performance.now();
      // The network as the pipeline runs it: with WASM SIMD up to a final DepthToSpace, whose
      // rearrangement the packing does (and which counts as overhead); elsewhere the whole
      // network and its one readback, as read-rgba.ts reads it.
      const simd = WasmPixels.current() !== null;
      const y = tf.tidy(() => frameRun(model, entry, simd).execute(x));
      if (!simd) await y.data();
      y.dispose();
      return performance.now() - t0;
    };
    try {
      await pipeline(); // warm-up: kernels compile for this size
      const times: BenchTimes = { pipelineMs: [], modelMs: [], scale: entry.scale };
      const start = performance.now();
      while (times.pipelineMs.length < maxRuns && (times.pipelineMs.length === 0 || performance.now() - start < budgetMs)) {
        times.pipelineMs.push(await pipeline());
        times.modelMs.push(await modelOnly());
      }
      return times;
    } finally {
      x.dispose();
    }
  },
};

Comlink.expose(api);
