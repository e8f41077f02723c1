// Owns the filter worker for an app (the PWA's page, the extension's compositor): starts it with
// a backend and filter, and recreates it when it crashes or stops answering (a watchdog on every
// call: a worker that closed itself sends no error, and its calls would hang). Calls pending on a
// worker that crashed, hung or was replaced are rejected instead of hanging (a hung call would
// stall the one-frame-in-flight loop for good).
//
// Where WASM runs on one thread (a page that is not cross-origin isolated, such as the
// extension's compositor inside other sites' pages), one worker uses one core. The session then
// starts a worker per core and splits each frame into horizontal bands, one per worker, each
// run with enough context rows that the joined output equals the whole frame's
// (workers/tile-plan.ts): one frame in flight still, in about half the time on two cores.
// Where WASM has threads a host may ask for several workers, each taking whole frames
// while it keeps as many in flight (the PWA's styles: at a small working size a second thread
// mostly waits, so two one-thread workers beat one two-thread worker).
import { TILE_OVERLAP, lcm, planBands, type Band } from '../workers/tile-plan.js';
import { guideAlign, lineAlign } from '../workers/guided-work.js';
import { frameSize } from '../workers/pixels.js';
import type { BackendChoice, BackendName, FilterEntry, FrameImage, LoadedFilter, InputFrame, ProcessOptions, ProcessedFrame, RgbaPixels, WorkerDeath } from '../workers/types.js';
import { createFilterWorker, processFrame, releaseImage, type FilterWorkerHandle } from './bridge.js';

/** What process() takes: a frame the worker can read, or RGBA bytes (read in this process; see extension/protocol.ts). */
export type HostFrame = InputFrame | RgbaPixels;

const isRgba = (f: HostFrame): f is RgbaPixels => 'data' in f;

/** RGBA rows [y0, y0 + rows) as a frame the worker reads without conversion. */
function rgbaFrame(px: RgbaPixels, y0 = 0, rows = px.height): VideoFrame {
  const row = px.width * 4;
  return new VideoFrame(px.data.subarray(y0 * row, (y0 + rows) * row), { format: 'RGBA', codedWidth: px.width, codedHeight: rows, timestamp: 0 });
}

export interface SessionEvents {
  /** The worker died; the session is restarting it with the same settings. */
  onCrash(message: string): void;
  onRestarted(choice: BackendChoice): void;
  /** The session stopped restarting (the worker keeps crashing, or cannot start): nothing will run until the host starts it again. */
  onGaveUp(message: string): void;
}

/** Rejection of calls pending on a worker that crashed or was replaced (already reported via events). */
export class WorkerGoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerGoneError';
  }
}

/**
 * How long a call may go unanswered before the worker counts as hung and is replaced. A frame
 * takes under a second on every tier Auto picks; starting a backend and loading a model
 * (fetch, compile, warm-up) takes longer on a slow device.
 */
export const WATCHDOG_MS = { frame: 20_000, setup: 120_000 };

/** Most workers a session runs; more cores than this rarely pay for their memory (a model and tfjs each). */
const MAX_WORKERS = 4;
/** Frames with fewer rows per band than this run whole: the context rows would cost more than the split saves. */
const MIN_BAND_ROWS = 64;

interface LiveWorker {
  handle: FilterWorkerHandle;
  /** Whole frames sent to it and not yet answered. */
  frames: number;
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
  return { handle, dead, kill, frames: 0 };
}


/**
 * How many workers a crew has on `choice`: one per core where WASM runs without threads (one
 * worker would leave cores idle, see backend.ts), else `asked` (WASM only: GPU work has one
 * device to share).
 */
function crewSize(choice: BackendChoice, asked: number): number {
  if (choice.backend !== 'wasm') return 1;
  const cores = Math.max(1, Math.min(MAX_WORKERS, globalThis.navigator?.hardwareConcurrency ?? 1));
  return globalThis.crossOriginIsolated ? Math.min(cores, Math.max(1, asked)) : cores;
}

export class FilterSession {
  /** The workers; the first does everything, the others take bands of frames. */
  private crew: LiveWorker[] = [];
  private restarts: number[] = [];
  /** Frame buffers joined from bands, reused while the size stays (the host hands them back with release). */
  private joined: Uint8ClampedArray<ArrayBuffer>[] = [];
  private readonly ownBuffers = new WeakSet<ArrayBuffer>();
  /** The worker whose buffer a whole frame's output is, to hand it back to (whole frames go to the least busy worker). */
  private readonly origin = new WeakMap<ArrayBuffer, LiveWorker>();
  private turn = 0;
  private loaded: LoadedFilter | null = null;
  /** A crew is starting (or restarting after a crash): its workers have no filter yet, so frames are refused. */
  private starting = false;
  /** Watchdog limits (tests shorten them). */
  watchdog = { ...WATCHDOG_MS };
  backend: BackendName | 'auto' = 'auto';
  /** WASM threads asked of the workers (undefined: one per core). */
  threads: number | undefined;
  /** Workers asked for where WASM has threads, each taking whole frames in turn (crewSize). */
  asked = 1;
  choice: BackendChoice | null = null;
  filterId: string | null = null;

  constructor(private assetBase: string, private events: SessionEvents) {}

  /**
   * Starts (or restarts) the workers on a backend (WASM: `workers` of them, default one, each with
   * `threads`, default one per core); reloads the current filter if there is one.
   */
  async start(backend: BackendName | 'auto', threads?: number, workers = 1): Promise<BackendChoice> {
    this.stop();
    this.backend = backend;
    this.threads = threads;
    this.asked = workers;
    this.choice = null;
    const crew: LiveWorker[] = [];
    const hire = () => {
      const live = startWorker((msg) => {
        if (this.crew !== crew) return;
        this.events.onCrash(msg);
        this.restartAfterCrash();
      });
      crew.push(live);
      return live;
    };
    this.crew = crew;
    this.starting = true;
    try {
      const first = hire();
      this.choice = await this.call(first, first.handle.api.init({ assetBase: this.assetBase, backend, threads }), this.watchdog.setup);
      // The others run the backend the first one settled on.
      const others = Array.from({ length: crewSize(this.choice, workers) - 1 }, hire);
      await Promise.all(others.map((w) => this.call(w, w.handle.api.init({ assetBase: this.assetBase, backend: this.choice!.backend, threads }), this.watchdog.setup)));
      if (this.filterId) await this.loadFilter(this.filterId);
      return this.choice;
    } finally {
      if (this.crew === crew) this.starting = false;
    }
  }

  /** Terminates the workers for good (no restart); pending calls reject. */
  stop(): void {
    for (const live of this.crew) {
      live.kill(new WorkerGoneError('the filter worker was replaced'));
      live.handle.terminate();
    }
    this.crew = [];
  }

  private restartAfterCrash(): void {
    // A worker that dies on start (e.g. its script cannot load) must not restart forever.
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < 60_000);
    if (this.restarts.length >= 3) {
      this.events.onGaveUp('the filter worker keeps crashing; reload the page to try again');
      return;
    }
    this.restarts.push(now);
    this.start(this.backend, this.threads, this.asked).then((c) => this.events.onRestarted(c), (e) => {
      // A worker that died again while starting has its own restart under way (or has given up).
      if (!(e instanceof WorkerGoneError)) this.events.onGaveUp(`restart failed: ${(e as Error).message}`);
    });
  }

  /** A call to one worker, rejected if the worker dies, is replaced, or leaves it unanswered for `timeoutMs`. */
  private call<T>(live: LiveWorker, p: Promise<T>, timeoutMs = this.watchdog.frame): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new WorkerGoneError('The filter worker stopped answering'));
        this.hung(live, timeoutMs);
      }, timeoutMs);
    });
    return Promise.race([p, live.dead, hung]).finally(() => clearTimeout(timer));
  }

  /** A worker of the current crew left a call unanswered: replace the crew, as after a crash. */
  private hung(live: LiveWorker, ms: number): void {
    if (!this.crew.includes(live)) return;
    for (const w of this.crew) {
      w.kill(new WorkerGoneError('the filter worker stopped answering'));
      w.handle.terminate();
    }
    this.events.onCrash(`no reply in ${Math.round(ms / 1000)} s`);
    this.restartAfterCrash();
  }

  private get current(): LiveWorker {
    if (!this.crew.length) throw new Error('Filter worker not started');
    return this.crew[0];
  }

  /** The loaded filter's registry entry (a chain's combined one). */
  get entry(): FilterEntry | null {
    return this.loaded?.entry ?? null;
  }

  /** How many workers the session runs (1 unless WASM runs without threads on several cores, or more were asked). */
  get workers(): number {
    return this.crew.length;
  }

  listFilters(): Promise<FilterEntry[]> {
    const live = this.current;
    return this.call(live, live.handle.api.listFilters(), this.watchdog.setup);
  }

  async loadFilter(id: string): Promise<LoadedFilter> {
    const [loaded] = await Promise.all(this.crew.map((live) => this.call(live, live.handle.api.loadFilter(id), this.watchdog.setup)));
    this.filterId = id;
    this.loaded = loaded;
    return loaded;
  }

  /** Rejects with WorkerGoneError while the workers (re)start, as for a frame lost with a crashed worker. */
  process(frame: HostFrame, opts?: ProcessOptions): Promise<ProcessedFrame> {
    if (this.starting) {
      if (!isRgba(frame)) frame.close();
      return Promise.reject(new WorkerGoneError('the filter worker is restarting'));
    }
    const { width, height } = frameSize(frame);
    // A frame run at a working size needs its context in working-size rows (the overlap grows by
    // 1/workScale), and its bands on the whole frame's working grid (guideAlign) and outlines' picture (lineAlign).
    const guide = opts?.workScale ?? 1;
    const align = this.loaded ? lcm(this.loaded.tileAlign, guide < 1 ? lcm(guideAlign(guide), lineAlign(height, width)) : 1) : 1;
    const overlap = Math.ceil(TILE_OVERLAP / guide);
    // Bands only where their context costs little: at 3/16 of a 480-row frame each band would
    // need 171 rows around its 240, 1.7 frames of work for two workers. Such frames go whole to
    // the workers in turn, and a host with two frames in flight keeps both busy.
    const bands = this.loaded && this.crew.length > 1 && height >= MIN_BAND_ROWS * this.crew.length && overlap * 4 * this.crew.length <= height
      ? planBands(height, this.crew.length, overlap, align)
      : null;
    if (!bands || bands.length < 2) {
      // The least busy worker, in turn among equals: a frame queued behind a slow one while the other waits would halve the rate.
      const start = this.turn++;
      const live = this.crew.map((_, i) => this.crew[(start + i) % this.crew.length]).reduce((a, b) => (b.frames < a.frames ? b : a));
      live.frames++;
      return this.call(live, processFrame(live.handle, isRgba(frame) ? rgbaFrame(frame) : frame, opts)).then((out) => {
        if (!(out.image instanceof ImageBitmap)) this.origin.set(out.image.data.buffer, live);
        return out;
      }).finally(() => { live.frames--; });
    }
    return this.processBands(frame, bands, opts);
  }

  /** Each band's window to its own worker at once, then the cores joined into one frame. */
  private async processBands(frame: HostFrame, bands: Band[], opts?: ProcessOptions): Promise<ProcessedFrame> {
    const t0 = performance.now();
    const { width } = frameSize(frame);
    let windows: InputFrame[];
    if (isRgba(frame)) {
      windows = bands.map((b) => rgbaFrame(frame, b.wy, b.wh));
    } else {
      try {
        windows = await Promise.all(bands.map((b) => createImageBitmap(frame, 0, b.wy, width, b.wh)));
      } finally {
        frame.close();
      }
    }
    const crew = this.crew;
    const height = bands[bands.length - 1].y + bands[bands.length - 1].h;
    const whole = { ...opts, wholeRows: height };
    const outs = await Promise.all(windows.map((w, i) => this.call(crew[i], processFrame(crew[i].handle, w, whole))));
    const s = this.loaded!.entry.scale;
    const image = this.takeJoined(width * s, height * s);
    let inputPixels: Uint8ClampedArray | undefined = opts?.returnInputPixels ? new Uint8ClampedArray(width * height * 4) : undefined;
    bands.forEach((b, i) => {
      const out = outs[i].image as RgbaPixels;
      const row = out.width * 4;
      image.data.set(out.data.subarray((b.y - b.wy) * s * row, (b.y - b.wy + b.h) * s * row), b.y * s * row);
      releaseImage(crew[i].handle, out);
      const input = outs[i].inputPixels;
      if (inputPixels && input) inputPixels.set(input.subarray((b.y - b.wy) * width * 4, (b.y - b.wy + b.h) * width * 4), b.y * width * 4);
      else inputPixels = undefined;
    });
    return {
      image, width: image.width, height: image.height, inputPixels,
      timing: { inferMs: Math.max(...outs.map((o) => o.timing.inferMs)), totalMs: performance.now() - t0 },
    };
  }

  private takeJoined(width: number, height: number): RgbaPixels {
    const n = width * height * 4;
    if (this.joined[0]?.length !== n) this.joined = [];
    const data = this.joined.pop() ?? new Uint8ClampedArray(n);
    this.ownBuffers.add(data.buffer);
    return { data, width, height };
  }

  /** Done with a processed frame's image (after drawing it). */
  release(image: FrameImage): void {
    if (image instanceof ImageBitmap) image.close();
    else if (this.ownBuffers.has(image.data.buffer)) {
      if (this.joined.length < 2) this.joined.push(image.data);
    } else if (this.crew.length) releaseImage((this.origin.get(image.data.buffer) ?? this.current).handle, image);
  }

  /**
   * Test hook: the first worker dies during its next frame (workers/types.ts dieMidFrame); a
   * silent death is noticed by the watchdog, after `watchdogMs` when given.
   */
  dieMidFrame(how: WorkerDeath, watchdogMs?: number): Promise<void> {
    if (watchdogMs) this.watchdog.frame = watchdogMs;
    return this.current.handle.api.dieMidFrame(how);
  }

  /** The first running Worker (tests simulate a crash by dispatching an `error` event on it). */
  get worker(): Worker | null {
    return this.crew[0]?.handle.worker ?? null;
  }

  /** The first worker's tensor count, for leak checks. */
  memory() {
    const live = this.current;
    return this.call(live, live.handle.api.memory());
  }
}
