// Owns the filter worker for the app: starts it with a backend and filter, and recreates it
// when it crashes. Pending calls on a crashed worker are rejected instead of hanging.
import { createFilterWorker, processFrame, type FilterWorkerHandle } from '../workers/bridge.js';
import type { BackendChoice, BackendName, FilterEntry, LoadedFilter, ProcessOptions, ProcessedFrame } from '../workers/types.js';

export interface SessionEvents {
  /** The worker died; the session is restarting it with the same settings. */
  onCrash(message: string): void;
  onRestarted(choice: BackendChoice): void;
}

export class FilterSession {
  private handle: FilterWorkerHandle | null = null;
  private crashed: Promise<never> = new Promise(() => {});
  backend: BackendName | 'auto' = 'auto';
  choice: BackendChoice | null = null;
  filterId: string | null = null;
  private restarts: number[] = [];

  constructor(private assetBase: string, private events: SessionEvents) {}

  /** Starts (or restarts) the worker on a backend; reloads the current filter if there is one. */
  async start(backend: BackendName | 'auto'): Promise<BackendChoice> {
    this.handle?.terminate();
    this.backend = backend;
    const handle = createFilterWorker();
    this.handle = handle;
    this.crashed = new Promise<never>((_, reject) => {
      const crash = (ev: Event) => {
        if (this.handle !== handle) return;
        const msg = ev instanceof ErrorEvent && ev.message ? ev.message : 'the filter worker stopped unexpectedly';
        reject(new Error(`Worker crashed: ${msg}`));
        this.events.onCrash(msg);
        this.restartAfterCrash();
      };
      handle.worker.addEventListener('error', crash);
      handle.worker.addEventListener('messageerror', crash);
    });
    this.crashed.catch(() => {}); // observed through call(); avoid an unhandled rejection
    this.choice = await this.call(handle.api.init({ assetBase: this.assetBase, backend }));
    if (this.filterId) await this.call(handle.api.loadFilter(this.filterId));
    return this.choice;
  }

  private restartAfterCrash(): void {
    // A worker that dies on start (e.g. its script cannot load) must not restart forever.
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < 60_000);
    if (this.restarts.length >= 3) {
      this.events.onCrash('the filter worker keeps crashing; reload the page to try again');
      return;
    }
    this.restarts.push(now);
    this.start(this.backend).then((c) => this.events.onRestarted(c), (e) => this.events.onCrash(`restart failed: ${(e as Error).message}`));
  }

  private call<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.crashed]);
  }

  private get api() {
    if (!this.handle) throw new Error('Filter worker not started');
    return this.handle.api;
  }

  listFilters(): Promise<FilterEntry[]> {
    return this.call(this.api.listFilters());
  }

  async loadFilter(id: string): Promise<LoadedFilter> {
    const loaded = await this.call(this.api.loadFilter(id));
    this.filterId = id;
    return loaded;
  }

  process(frame: ImageBitmap, opts?: ProcessOptions): Promise<ProcessedFrame> {
    if (!this.handle) throw new Error('Filter worker not started');
    return this.call(processFrame(this.handle, frame, opts));
  }

  /** Test/diagnostic access to the worker's tensor count. */
  memory() {
    return this.call(this.api.memory());
  }
}
