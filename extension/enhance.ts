// The compositor iframe (extension origin, laid over the video by the content script). It
// starts the shared filter worker, runs every frame it is sent through the loaded filter and
// draws the output on its full-size canvas. It talks only to the content script of
// its parent window, over the MessagePort handed over in the single `connect` message.

import { createFilterWorker, imagePixels, processFrame, putImage, releaseImage, type FilterWorkerHandle } from '../host/bridge.js';
import type { FilterEntry } from '../workers/types.js';
import {
  CONNECT,
  type ConnectMessage,
  type DebugHook,
  type DebugPixels,
  type FrameToHost,
  type HostToFrame,
  type ReadyInfo,
} from './protocol.js';

const canvas = document.getElementById('out') as HTMLCanvasElement;
const ctx = canvas.getContext('2d', { alpha: false })!;

const debug: DebugHook = { ready: null, framesDone: 0, error: null, lastInput: null, lastOutput: null };
let debugEnabled = false;
let port: MessagePort | null = null;
let handle: FilterWorkerHandle | null = null;
let stopped = false;

function send(msg: FrameToHost): void {
  port?.postMessage(msg);
}

function fail(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  debug.error = message;
  send({ type: 'error', message });
  stop();
}

function stop(): void {
  stopped = true;
  handle?.terminate();
  handle = null;
}

function pickFilter(filters: FilterEntry[], wanted?: string): FilterEntry {
  const hit =
    filters.find((f) => f.id === wanted) ??
    filters.find((f) => f.id === 'sr-x2-quality') ??
    filters.find((f) => f.kind === 'super-resolution');
  if (!hit) throw new Error('no super-resolution filter in models/registry.json');
  return hit;
}

async function start(msg: ConnectMessage): Promise<void> {
  canvas.style.objectFit = msg.objectFit;
  debugEnabled = msg.debug;
  if (debugEnabled) Object.assign(globalThis, { __gvfDebug: debug });
  const h = createFilterWorker();
  handle = h;
  h.worker.addEventListener('error', (ev) => fail(`filter worker crashed: ${ev.message || 'unknown error'}`));
  // The extension's root: models/ and tfjs-wasm/ are packaged next to enhance.html.
  const assetBase = new URL('./', location.href).href;
  send({ type: 'status', text: 'Starting TensorFlow.js…' });
  const backend = await h.api.init({ assetBase });
  const entry = pickFilter(await h.api.listFilters(), msg.filterId);
  send({ type: 'status', text: `Loading ${entry.title} (${backend.backend})…` });
  const loaded = await h.api.loadFilter(entry.id);
  if (stopped) return;
  const ready: ReadyInfo = {
    backend,
    filter: { id: entry.id, title: entry.title, scale: entry.scale },
    loadMs: loaded.loadMs,
  };
  debug.ready = ready;
  send({ type: 'ready', ...ready });
}

async function onFrame(seq: number, bitmap: ImageBitmap): Promise<void> {
  const h = handle;
  if (!h || stopped) {
    bitmap.close();
    return;
  }
  const out = await processFrame(h, bitmap, { returnInputPixels: debugEnabled });
  if (stopped) {
    releaseImage(h, out.image);
    return;
  }
  if (debugEnabled && out.inputPixels) {
    const inW = out.width / (debug.ready?.filter.scale ?? 1);
    debug.lastInput = { width: inW, height: out.inputPixels.length / 4 / inW, data: out.inputPixels };
    const { width, height, data } = imagePixels(out.image);
    debug.lastOutput = { width, height, data } satisfies DebugPixels;
  }
  if (canvas.width !== out.width || canvas.height !== out.height) {
    canvas.width = out.width;
    canvas.height = out.height;
  }
  putImage(ctx, out.image);
  releaseImage(h, out.image);
  debug.framesDone++;
  send({ type: 'frame-done', seq, width: out.width, height: out.height, timing: out.timing });
}

function onPortMessage(e: MessageEvent<HostToFrame>): void {
  const msg = e.data;
  switch (msg.type) {
    case 'frame':
      onFrame(msg.seq, msg.bitmap).catch(fail);
      break;
    case 'layout':
      canvas.style.objectFit = msg.objectFit;
      break;
    case 'stop':
      stop();
      break;
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  // Only the embedding window (its content script) may connect, once, and only with a port.
  const data = e.data as Partial<ConnectMessage> | null;
  if (port || e.source !== window.parent || data?.type !== CONNECT || e.ports.length !== 1) return;
  port = e.ports[0]!;
  port.onmessage = onPortMessage;
  start(data as ConnectMessage).catch(fail);
});
