// window.__filterApp: a small surface for browser tests (pixel checks against a reference
// run of the same model, backend comparisons, stats). Pixels cross as base64 to keep it cheap.
import { createFilterWorker, imagePixels, processFrame, releaseImage } from '../host/bridge.js';
import type { BackendName, ProcessedFrame, WorkerDeath, WorkerMemory } from '../workers/types.js';
import { Compositor } from '../host/compositor.js';

/** RGBA image as it crosses to the test: base64 of width*height*4 bytes. */
export interface Pixels { width: number; height: number; rgba: string }

export interface RunOnceRequest {
  backend: BackendName;
  filterId: string;
  input: Pixels;
  /** How many times to process the frame (the first run of a new size may compile kernels). */
  repeat?: number;
  /** Send the frame as a VideoFrame instead of an ImageBitmap. */
  videoFrame?: boolean;
  /** Destroy the WebGPU device (as a driver reset would) after this many frames. */
  loseDeviceAfter?: number;
  /** Run a style filter at this fraction of the frame, guided back up (workers/types.ts ProcessOptions). */
  workScale?: number;
}

interface HookDeps {
  stats(): unknown;
  capture(): Promise<{ input: ImageData; output: ImageData }>;
  memory(): Promise<WorkerMemory>;
  simulateCrash(): void;
  /** The worker dies during its next frame (workers/types.ts); a silent death is noticed after `watchdogMs`. */
  dieMidFrame(how: WorkerDeath, watchdogMs?: number): Promise<void>;
  assetBase: string;
}

function toBase64(bytes: Uint8ClampedArray): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
function fromBase64(b64: string): Uint8ClampedArray<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8ClampedArray(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
const pack = (img: ImageData): Pixels => ({ width: img.width, height: img.height, rgba: toBase64(img.data) });

/**
 * Runs one frame through a fresh worker on a forced backend: the main app's worker and
 * display are untouched, and the output is read back on a 2d canvas (no WebGPU presenting).
 */
async function runOnce(assetBase: string, req: RunOnceRequest) {
  const handle = createFilterWorker();
  try {
    const choice = await handle.api.init({ assetBase, backend: req.backend });
    const loaded = await handle.api.loadFilter(req.filterId);
    const source = new ImageData(fromBase64(req.input.rgba), req.input.width, req.input.height);
    const timings = [];
    let output: ImageData | null = null;
    for (let i = 0; i < (req.repeat ?? 1); i++) {
      if (i === req.loseDeviceAfter) await handle.api.simulateDeviceLoss();
      const bitmap = await createImageBitmap(source);
      const frame = req.videoFrame ? new VideoFrame(bitmap, { timestamp: 0 }) : bitmap;
      if (frame !== bitmap) bitmap.close();
      const out = await processFrame(handle, frame, req.workScale ? { workScale: req.workScale } : undefined);
      timings.push(out.timing);
      output = imagePixels(out.image);
      releaseImage(handle, out.image);
    }
    return { choice, loadMs: loaded.loadMs, timings, output: pack(output!), memory: await handle.api.memory() };
  } finally {
    handle.terminate();
  }
}

/**
 * A filter switch among frames, all sent at once as a busy host could (a frame on its way when
 * the user picks a filter): `from` loaded, then `before` frames, the switch to `to`, `after`
 * frames. Each frame's output is named by the filter whose output it equals ('from', 'to'),
 * 'other', or its error message.
 */
async function switchDuringFrames(assetBase: string, req: { backend: BackendName; from: string; to: string; input: Pixels; before: number; after: number }) {
  const source = new ImageData(fromBase64(req.input.rgba), req.input.width, req.input.height);
  const handle = createFilterWorker();
  const filtered = async (p: Promise<ProcessedFrame>) => {
    const out = await p;
    const px = imagePixels(out.image).data;
    releaseImage(handle, out.image);
    return px;
  };
  try {
    await handle.api.init({ assetBase, backend: req.backend });
    const expected: Record<string, Uint8ClampedArray> = {};
    for (const id of [req.to, req.from]) {
      await handle.api.loadFilter(id);
      expected[id === req.from ? 'from' : 'to'] = await filtered(processFrame(handle, await createImageBitmap(source)));
    }
    const bitmaps = await Promise.all(Array.from({ length: req.before + req.after }, () => createImageBitmap(source)));
    const frames = bitmaps.slice(0, req.before).map((b) => filtered(processFrame(handle, b)));
    const load = handle.api.loadFilter(req.to);
    frames.push(...bitmaps.slice(req.before).map((b) => filtered(processFrame(handle, b))));
    const same = (a: Uint8ClampedArray, b: Uint8ClampedArray) => a.length === b.length && a.every((v, i) => v === b[i]);
    const outcomes = await Promise.all(frames.map((f) => f.then(
      (px) => Object.keys(expected).find((k) => same(px, expected[k])) ?? 'other',
      (e: Error) => e.message,
    )));
    await load;
    return outcomes;
  } finally {
    handle.terminate();
  }
}

/** Composites one filtered frame over its (smaller) source frame on a fresh canvas, as the app does. */
async function compose(req: { after: Pixels; before: Pixels; strength: number; split: number }): Promise<Pixels> {
  const bitmap = (p: Pixels) => createImageBitmap(new ImageData(fromBase64(p.rgba), p.width, p.height));
  const c = new Compositor(document.createElement('canvas'));
  c.strength = req.strength;
  c.split = req.split;
  const after = await bitmap(req.after);
  c.draw(after, await bitmap(req.before));
  after.close();
  return pack(c.pixels());
}

export function installTestHook(deps: HookDeps): void {
  Object.assign(window, {
    __filterApp: {
      stats: deps.stats,
      memory: deps.memory,
      simulateCrash: deps.simulateCrash,
      dieMidFrame: deps.dieMidFrame,
      /** Waits for the next processed frame; returns the worker's input pixels and the displayed output. */
      capture: async () => {
        const { input, output } = await deps.capture();
        return { input: pack(input), output: pack(output) };
      },
      runOnce: (req: RunOnceRequest) => runOnce(deps.assetBase, req),
      switchDuringFrames: (req: Parameters<typeof switchDuringFrames>[1]) => switchDuringFrames(deps.assetBase, req),
      compose,
    },
  });
}
