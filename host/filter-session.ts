// Owns the filter worker for the app: starts it with a backend and filter, and recreates it
// when it crashes. Calls pending on a worker that crashed or was replaced are rejected
// instead of hanging (a hung call would stall the one-frame-in-flight loop for good).
import { createFilterWorker, processFrame, releaseImage, type FilterWorkerHandle } from './bridge.js';
import type { BackendChoice, BackendName, FilterEntry, FrameImage, LoadedFilter, InputFrame, ProcessOptions, ProcessedFrame } from '../workers/types.js';

export interface SessionEvents {
  /** The worker died; the session is restarting it with the same settings. */
  onCrash(message: string): void;
  onRestarted(choice: BackendChoice): void;
}

/** Rejection of calls pending on a worker that crashed or was replaced (already reported via events). */
export class WorkerGoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerGoneError';
  }
}

interface LiveWorker {
  handle: FilterWorkerHandle;
  /** Rejects when the worker crashes or is replaced. */
  dead: Promise<never>;
  kill(reason: Error): void;
}

function startWorker(onCrash: (msg: string) => void): LiveWorker {
  const handle = createFilterWorker();
  let kill!: (reason: Error) => void;
  const dead = new Promise<never>((_, reject) => { kill = reject; });
  dead.catch(() => {}); // observed through the calls raced against it
  const crash = (ev: Event) => {
    const msg = ev instanceof ErrorEvent && ev.message ? ev.message : 'the filter worker stopped unexpectedly';
    kill(new WorkerGoneError(`Worker crashed: ${msg}`));
    onCrash(msg);
  };
  handle.worker.addEventListener('error', crash);
  handle.worker.addEventListener('messageerror', crash);
  return { handle, dead, kill };
}

export class FilterSession {
  private live: LiveWorker | null = null;
  private restarts: number[] = [];
  backend: BackendName | 'auto' = 'auto';
  choice: BackendChoice | null = null;
  filterId: string | null = null;

  constructor(private assetBase: string, private events: SessionEvents) {}

  /** Starts (or restarts) the worker on a backend; reloads the current filter if there is one. */
  async start(backend: BackendName | 'auto'): Promise<BackendChoice> {
    if (this.live) {
      this.live.kill(new WorkerGoneError('the filter worker was replaced'));
      this.live.handle.terminate();
    }
    this.backend = backend;
    this.choice = null;
    const live = startWorker((msg) => {
      if (this.live !== live) return;
      this.events.onCrash(msg);
      this.restartAfterCrash();
    });
    this.live = live;
    this.choice = await this.call(live, live.handle.api.init({ assetBase: this.assetBase, backend }));
    if (this.filterId) await this.call(live, live.handle.api.loadFilter(this.filterId));
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

  private call<T>(live: LiveWorker, p: Promise<T>): Promise<T> {
    return Promise.race([p, live.dead]);
  }

  private get current(): LiveWorker {
    if (!this.live) throw new Error('Filter worker not started');
    return this.live;
  }

  listFilters(): Promise<FilterEntry[]> {
    const live = this.current;
    return this.call(live, live.handle.api.listFilters());
  }

  async loadFilter(id: string): Promise<LoadedFilter> {
    const live = this.current;
    const loaded = await this.call(live, live.handle.api.loadFilter(id));
    this.filterId = id;
    return loaded;
  }

  process(frame: InputFrame, opts?: ProcessOptions): Promise<ProcessedFrame> {
    const live = this.current;
    return this.call(live, processFrame(live.handle, frame, opts));
  }

  /** Done with a processed frame's image (after drawing it). */
  release(image: FrameImage): void {
    if (this.live) releaseImage(this.live.handle, image);
    else if (image instanceof ImageBitmap) image.close();
  }

  /** Terminates the worker for good (no restart); pending calls reject. */
  stop(): void {
    if (!this.live) return;
    this.live.kill(new WorkerGoneError('the filter session stopped'));
    this.live.handle.terminate();
    this.live = null;
  }

  /** The running Worker (tests simulate a crash by dispatching an `error` event on it). */
  get worker(): Worker | null {
    return this.live?.handle.worker ?? null;
  }

  /** The worker's tensor count, for leak checks. */
  memory() {
    const live = this.current;
    return this.call(live, live.handle.api.memory());
  }
}
