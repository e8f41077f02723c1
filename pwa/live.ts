// The live filter: the video element's frames through the filter workers onto the stage, a
// frame in flight per worker (frame-loop.ts), the newest shown, composited with the source (before/after split, strength),
// with Auto's tiers, a working size capped for huge sources, and statistics that start over
// whenever the source or the filter changes.
import { STYLE_SCALES, chainMacs, scaleLadder, tierLadder } from '../host/adaptive.js';
import { AutoTier } from '../host/auto-tier.js';
import { framePlan, scaledSize, workScale } from '../host/working-size.js';
import { Compositor } from '../host/compositor.js';
import { FilterSession, WorkerGoneError } from '../host/filter-session.js';
import type { BackendChoice, BackendName, FilterEntry, ProcessedFrame } from '../workers/types.js';
import { FrameLoop } from './frame-loop.js';
import { FrameStats } from './stats.js';
import { UNKNOWN, type SourceQuality } from '../host/source-quality.js';

export const AUTO = 'auto';

/**
 * Most source pixels filtered per frame: larger sources (4K) are scaled down first, with a
 * notice. A 3840x2160 frame through the quality filter on WASM took seconds and grew the
 * renderer to 1.8 GB; live video wants the frame in tens of milliseconds. On a hardware GPU
 * the cap is a full-HD frame.
 */
const MAX_LIVE_PIXELS = { gpu: 1920 * 1080, cpu: 1280 * 720 };

/** One-thread workers a style runs on (WASM), each with a frame in flight (no more than the cores: host/filter-session.ts). */
const STYLE_WORKERS = 2;

/** The video's current picture as a VideoFrame, where the browser makes one (else null: a bitmap is sent). */
function videoFrameOf(v: HTMLVideoElement): VideoFrame | null {
  try {
    return typeof VideoFrame === 'undefined' ? null : new VideoFrame(v, { timestamp: Math.round(v.currentTime * 1e6) });
  } catch {
    return null;
  }
}

export interface LiveEvents {
  error(message: string): void;
  /** The worker stopped for good (it keeps crashing or cannot start). */
  stopped(message: string): void;
  /** The worker is running again after a crash or a hang: errors about it are over. */
  recovered(): void;
  /** The backend the workers run (null: starting), and how many workers share the frames. */
  backend(choice: BackendChoice | null, workers?: number): void;
  /** A shown frame (for the stats view), with the source size and tier it was filtered at. */
  frame(out: ProcessedFrame, shown: ShownFrame): void;
  /** The source is filtered smaller than it is (`from` -> `to` pixels); null: at its own size. */
  capped(cap: { from: [number, number]; to: [number, number] } | null): void;
}

export interface Capture { resolve(frames: { input: ImageData; output: ImageData }): void; reject(e: Error): void }

/** What a shown frame was made from: its source's size and Auto's tier (null without Auto) when it was sent. */
export interface ShownFrame {
  source: { width: number; height: number };
  tier: { filterId: string; workScale: number } | null;
}

export class LiveFilter {
  readonly session: FilterSession;
  readonly compositor: Compositor;
  readonly stats = new FrameStats();
  readonly loop: FrameLoop;
  filters: FilterEntry[] = [];
  /** No frames go to the worker while it starts or changes filter. */
  switching = true;
  auto: AutoTier | null = null;
  /** Fraction of the source size given to the filter (Auto's tier, or the cap for huge sources). */
  private tierScale = 1;
  /** The filter choice (a filter id, or AUTO), and the source as judged (Auto's ladder for compressed video or not). */
  private choice = AUTO;
  source: SourceQuality = UNKNOWN;
  /** The tier of the last shown frame: the one it was filtered at, not one Auto has switched to since. */
  private shownTier: ShownFrame['tier'] = null;
  private capture: Capture | null = null;
  private paused = false;
  /** Counts source changes: a frame in flight from an earlier source is not shown or counted. */
  private generation = 0;
  /** Frames sent and the newest shown (with a frame per worker in flight, one may finish after a newer one: it is not shown). */
  private sent = 0;
  private newestShown = 0;
  /** The cap last reported (events.capped), so the notice is touched only when it changes, not per frame. */
  private cappedKey = '';

  constructor(video: HTMLVideoElement, canvas: HTMLCanvasElement, assetBase: string, private readonly events: LiveEvents) {
    this.compositor = new Compositor(canvas);
    this.session = new FilterSession(assetBase, {
      onCrash: (msg) => { this.switching = true; events.error(msg); },
      onRestarted: (choice) => { this.started(choice); this.switching = false; events.recovered(); },
      onGaveUp: (msg) => { this.switching = true; events.stopped(msg); },
    });
    this.loop = new FrameLoop(video, (v, f) => this.onFrame(v, f), () => this.stats.sourceFrame());
  }

  startBackend(backend: BackendName | 'auto'): Promise<void> {
    return this.startWorker(backend, this.session.threads, this.session.asked);
  }

  /** (Re)starts the workers on a backend (WASM: `workers` with `threads` each), frames held meanwhile and the UI told. */
  private async startWorker(backend: BackendName | 'auto', threads: number | undefined, workers: number): Promise<void> {
    this.switching = true;
    this.events.backend(null);
    try {
      this.started(await this.session.start(backend, threads, workers));
    } finally {
      this.switching = false;
    }
  }

  /** The workers run (after a start or a restart): a frame in flight for each, and the UI told. */
  private started(choice: BackendChoice): void {
    this.loop.depth = this.session.workers;
    this.events.backend(choice, this.session.workers);
  }

  async listFilters(): Promise<FilterEntry[]> {
    this.filters = await this.session.listFilters();
    return this.filters;
  }

  /**
   * A filter id, or AUTO to let AutoTier pick tiers of x2 super-resolution. A chosen style
   * filter keeps its filter and steps its working size down on a slow device, as the
   * extension's camera does (a live picture matters more than its full size); a chosen
   * super-resolution filter runs at the source's size.
   */
  async chooseFilter(choice: string): Promise<void> {
    this.choice = choice;
    this.resetStats();
    const chosen = choice === AUTO ? null : chainMacs(choice, this.filters);
    const style = chosen?.kind === 'style' && chosen.scale === 1;
    await this.threadsFor(style);
    if (choice !== AUTO && !style) {
      this.auto = null;
      this.tierScale = 1;
      return this.loadFilter(choice);
    }
    const ladder = chosen ? scaleLadder(choice, chosen.macs, STYLE_SCALES) : tierLadder(this.filters, 'super-resolution', 2, this.source.kind);
    const auto = new AutoTier(ladder, async (tier) => {
      this.tierScale = tier.workScale;
      if (tier.filterId !== this.session.filterId) await this.loadFilter(tier.filterId);
    });
    if (!auto.available) throw new Error('Auto needs a x2 super-resolution filter in models/registry.json');
    this.auto = auto;
    try {
      await auto.start();
    } catch (e) {
      this.auto = null;
      this.tierScale = 1;
      throw e;
    }
  }

  /**
   * WASM threads for the kind of work: a style runs at a small working size, where a second
   * thread only waits on the first and on the page's own work (a 640x480 camera's cartoon at 3/16:
   * 75 ms per frame with two threads, 39 with one, on 2 cores), so it gets STYLE_WORKERS
   * one-thread workers taking frames in turn; x2 super-resolution runs large convolutions, which
   * two threads speed up (Auto 10.9 fps against 6.7). A change restarts the workers.
   */
  private async threadsFor(style: boolean): Promise<void> {
    const threads = style ? 1 : undefined, workers = style ? STYLE_WORKERS : 1;
    if (this.session.choice?.backend === 'wasm' && (this.session.threads !== threads || this.session.asked !== workers)) await this.startWorker(this.session.backend, threads, workers);
  }

  /**
   * A new source's judgement (host/source-quality.ts): a running Auto starts again on the other
   * ladder when it changes (one still starting builds its ladder from this).
   */
  async setSource(source: SourceQuality): Promise<void> {
    const changed = (source.kind === 'compressed') !== (this.source.kind === 'compressed');
    this.source = source;
    if (changed && this.choice === AUTO && this.auto) await this.chooseFilter(AUTO);
  }

  private async loadFilter(id: string): Promise<void> {
    this.switching = true;
    try {
      await this.session.loadFilter(id);
    } finally {
      this.switching = false;
    }
  }

  /** (Re)starts frames from the video element after its source changed. */
  restart(): void {
    this.generation++;
    this.resetStats();
    this.loop.start();
  }

  stop(): void {
    this.generation++;
    this.loop.stop();
  }

  /** Frames stop going to the worker (an export has it); the stage keeps its last picture. */
  pause(paused: boolean): void {
    this.paused = paused;
  }

  /** The next processed frame's worker input and displayed output (tests). */
  captureNext(): Promise<{ input: ImageData; output: ImageData }> {
    return new Promise((resolve, reject) => { this.capture = { resolve, reject }; });
  }

  private resetStats(): void {
    this.shownTier = null;
    this.stats.reset();
    this.loop.resetDropped();
  }

  /** Auto's tier of the last shown frame, with the working size it really went at (its scale floored for small sources). */
  get tier(): ShownFrame['tier'] {
    return this.auto ? this.shownTier : null;
  }

  /**
   * The working size for this source: Auto's tier, capped for huge sources (with a notice).
   * `size`: what the worker gets (null: the source's own); `beforeSize`: the compare's "before",
   * the source at its own size up to the live cap (not the working size: it would hide the loss).
   * A style filter gets the source at that size too, with `guide`: the fraction it runs at before
   * the worker guides it back up (workers/guided-work.ts), so its output has the camera's size.
   */
  private workSize(w: number, h: number): { scale: number; size: { width: number; height: number } | null; beforeSize: { width: number; height: number } | null; guide?: number } {
    const cap = MAX_LIVE_PIXELS[this.session.choice?.backend === 'webgpu' ? 'gpu' : 'cpu'];
    const keepsSize = this.session.entry?.scale === 1;
    const scale = workScale(w, h, this.tierScale, cap, keepsSize);
    const capScale = workScale(w, h, 1, cap);
    const capped = w * h > cap ? { from: [w, h] as [number, number], to: [Math.round(w * scale), Math.round(h * scale)] as [number, number] } : null;
    const key = JSON.stringify(capped);
    if (key !== this.cappedKey) {
      this.cappedKey = key;
      this.events.capped(capped);
    }
    const own = (s: { width: number; height: number }) => (s.width === w && s.height === h ? null : s);
    const { size, guide } = framePlan(w, h, this.tierScale, cap, keepsSize);
    return { scale, size: own(size), beforeSize: capScale < 1 ? scaledSize(w, h, capScale) : null, ...(guide ? { guide } : {}) };
  }

  private async onFrame(v: HTMLVideoElement, frame?: VideoFrame): Promise<void> {
    if (this.paused || this.switching || !this.session.filterId || !v.videoWidth) {
      frame?.close();
      return;
    }
    const t0 = performance.now();
    const generation = this.generation, seq = ++this.sent;
    const want = this.capture;
    const keepBefore = !want && this.compositor.needsBefore;
    const source = frame ?? v;
    const { scale, size, beforeSize, guide } = this.workSize(v.videoWidth, v.videoHeight);
    const shown: ShownFrame = {
      source: { width: v.videoWidth, height: v.videoHeight },
      tier: this.auto?.tier && this.session.filterId ? { filterId: this.session.filterId, workScale: scale } : null,
    };
    const resizeTo = (s: { width: number; height: number } | null) => (s ? { resizeWidth: s.width, resizeHeight: s.height, resizeQuality: 'high' as const } : undefined);
    const resize = resizeTo(size);
    let input: ImageBitmap | VideoFrame, before: ImageBitmap | undefined;
    try {
      [input, before] = await Promise.all([
        // A frame at full size goes to the worker as a VideoFrame, transferred: the camera's own,
        // or one on the video's decoded picture (the worker read a 1280x720 file's frame in
        // about 84 ms that way here, its ImageBitmap in 107: workers/yuv.ts).
        !resize ? Promise.resolve(frame ?? videoFrameOf(v) ?? createImageBitmap(source)) : createImageBitmap(source, resize),
        keepBefore ? createImageBitmap(source, resizeTo(beforeSize)) : Promise.resolve(undefined),
      ]);
    } finally {
      if (frame && resize) frame.close();
    }
    // The size the worker reads (the input is transferred to it).
    const sent = 'displayWidth' in input ? { width: input.displayWidth, height: input.displayHeight } : { width: input.width, height: input.height };
    let out: ProcessedFrame;
    try {
      out = await this.session.process(input, { returnInputPixels: Boolean(want), ...(guide ? { workScale: guide } : {}) });
    } catch (e) {
      before?.close();
      if (!(e instanceof WorkerGoneError)) this.events.error(e instanceof Error ? e.message : String(e));
      return;
    }
    if (generation !== this.generation || seq < this.newestShown) {
      before?.close();
      this.session.release(out.image);
      return;
    }
    this.newestShown = seq;
    this.compositor.draw(out.image, before);
    this.session.release(out.image);
    this.stats.frame(performance.now() - t0, out.timing);
    this.shownTier = shown.tier;
    this.events.frame(out, shown);
    if (this.auto && !want) await this.auto.frame(performance.now(), out.timing.totalMs);
    if (want && out.inputPixels && this.capture === want) {
      this.capture = null;
      try {
        want.resolve({ input: new ImageData(new Uint8ClampedArray(out.inputPixels), sent.width, sent.height), output: this.compositor.pixels() });
      } catch (e) {
        want.reject(e instanceof Error ? e : new Error(String(e)));
      }
    }
  }
}
