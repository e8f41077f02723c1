// Main-thread side of the filter worker, shared by the PWA and the extension. The URL form
// below is what Vite recognises to bundle filter-worker.ts as a separate module worker.
import * as Comlink from 'comlink';
import type { FilterWorkerApi, InputFrame, ProcessOptions } from './types.js';

export interface FilterWorkerHandle {
  /** Typed proxy: every FilterWorkerApi method, called across the worker boundary. */
  api: Comlink.Remote<FilterWorkerApi>;
  /** The underlying Worker, e.g. to listen for `error` (a crash) and recreate it. */
  worker: Worker;
  /** Stops the worker at once; the proxy must not be used afterwards. */
  terminate(): void;
}

export function createFilterWorker(): FilterWorkerHandle {
  const worker = new Worker(new URL('./filter-worker.ts', import.meta.url), { type: 'module', name: 'filter-worker' });
  const api = Comlink.wrap<FilterWorkerApi>(worker);
  return {
    api, worker,
    terminate() {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

/** Transfers a frame into `api.process` (the worker closes it); use instead of a plain call. */
export function processFrame(handle: FilterWorkerHandle, frame: InputFrame, opts?: ProcessOptions) {
  return handle.api.process(Comlink.transfer(frame, [frame]), opts);
}
