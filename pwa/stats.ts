// Frame rates in and out, latency percentiles and errors, as shown on screen (and read by tests
// through the test hook).
import { FpsMeter } from '../host/fps-meter.js';
import { quantile } from '../host/quantile.js';
import type { FrameTiming } from '../workers/types.js';

/** Frames kept for the percentiles: the last this many. */
const WINDOW = 100;

/** The last WINDOW values of one per-frame measure, for its percentiles. */
class Window {
  private values: number[] = [];
  push(v: number): void {
    this.values.push(v);
    if (this.values.length > WINDOW) this.values.shift();
  }
  /** 0 until the first frame. */
  percentile(q: number): number {
    return this.values.length ? quantile(this.values, q) : 0;
  }
}

export class FrameStats {
  frames = 0;
  latencyMs = 0;
  last: FrameTiming | null = null;
  errors: string[] = [];
  private meter = new FpsMeter();
  private sourceMeter = new FpsMeter();
  private latencies = new Window();
  private workerMs = new Window();
  private modelMs = new Window();

  /** Starts over (a new source or filter): counts, rates and percentiles. */
  reset(): void {
    this.frames = 0;
    this.latencyMs = 0;
    this.last = null;
    this.meter.reset();
    this.sourceMeter.reset();
    this.latencies = new Window();
    this.workerMs = new Window();
    this.modelMs = new Window();
  }

  /** A frame arrived from the source (whether or not it will be processed). */
  sourceFrame(): void {
    this.sourceMeter.tick();
  }

  /** Records a displayed frame; `latencyMs` is capture-to-display on the main thread. */
  frame(latencyMs: number, timing: FrameTiming): void {
    this.frames++;
    this.latencyMs = latencyMs;
    this.last = timing;
    this.meter.tick();
    this.latencies.push(latencyMs);
    this.workerMs.push(timing.totalMs);
    this.modelMs.push(timing.inferMs);
  }

  /** Frames shown per second over the last ~2 s (never above the source's rate: the meters' windows differ). */
  get fps(): number {
    const input = this.sourceMeter.fps;
    return input > 0 ? Math.min(this.meter.fps, input) : this.meter.fps;
  }

  /** Source frames per second over the last ~2 s. */
  get fpsIn(): number {
    return this.sourceMeter.fps;
  }

  /** Latency percentile (0..1) over the last WINDOW shown frames. */
  latency(q: number): number {
    return this.latencies.percentile(q);
  }

  /** Medians over the same frames: the worker's whole time per frame, and the model's part of it. */
  get workerMedianMs(): number {
    return this.workerMs.percentile(0.5);
  }

  get modelMedianMs(): number {
    return this.modelMs.percentile(0.5);
  }

  snapshot() {
    return {
      frames: this.frames, fps: this.fps, fpsIn: this.fpsIn, latencyMs: this.latencyMs,
      latencyP50: this.latency(0.5), latencyP95: this.latency(0.95), timing: this.last,
      workerP50: this.workerMedianMs, modelP50: this.modelMedianMs, errors: [...this.errors],
    };
  }
}
