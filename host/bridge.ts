// Main-thread side of the filter worker, shared by the PWA and the extension. The URL form
// below is what Vite recognises to bundle filter-worker.ts as a separate module worker.
import * as Comlink from 'comlink';
import type { FilterWorkerApi, FrameImage, InputFrame, ProcessOptions } from '../workers/types.js';

export interface FilterWorkerHandle {
  /** Typed proxy: every FilterWorkerApi method, called across the worker boundary. */
  api: Comlink.Remote<FilterWorkerApi>;
  /** The underlying Worker, e.g. to listen for `error` (a crash) and recreate it. */
  worker: Worker;
  /** Stops the worker at once (again: no effect); the proxy must not be used afterwards. */
  terminate(): void;
}

export function createFilterWorker(): FilterWorkerHandle {
  const worker = new Worker(new URL('../workers/filter-worker.ts', import.meta.url), { type: 'module', name: 'filter-worker' });
  const api = Comlink.wrap<FilterWorkerApi>(worker);
  let terminated = false;
  return {
    api, worker,
    terminate() {
      if (terminated) return; // a hung worker is terminated by the watchdog, then by the restart
      terminated = true;
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

/** Transfers a frame into `api.process` (the worker closes it); use instead of a plain call. */
export function processFrame(handle: FilterWorkerHandle, frame: InputFrame, opts?: ProcessOptions) {
  return handle.api.process(Comlink.transfer(frame, [frame]), opts);
}

/** Done with a frame's image: closes a bitmap, or gives RGBA bytes back to the worker for reuse. */
export function releaseImage(handle: FilterWorkerHandle, image: FrameImage): void {
  if (image instanceof ImageBitmap) image.close();
  else handle.api.recycle(Comlink.transfer(image.data, [image.data.buffer])).catch(() => {}); // a gone worker needs none
}

/** Draws a frame's image 1:1 at the top-left of a 2D context (RGBA bytes are put, ignoring alpha and clips). */
export function putImage(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, image: FrameImage): void {
  if (image instanceof ImageBitmap) ctx.drawImage(image, 0, 0);
  else ctx.putImageData(new ImageData(image.data, image.width, image.height), 0, 0);
}

/** A copy of a frame image's pixels (tests and debug hooks). */
export function imagePixels(image: FrameImage): ImageData {
  const ctx = new OffscreenCanvas(image.width, image.height).getContext('2d', { willReadFrequently: true })!;
  putImage(ctx, image);
  return ctx.getImageData(0, 0, image.width, image.height);
}
