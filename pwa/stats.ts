// Frame rates in and out, latency percentiles and errors, as shown on screen (and read by tests
// through the test hook).
import { FpsMeter } from '../workers/fps-meter.js';
import type { FrameTiming } from '../workers/types.js';

/** Latencies kept for the percentiles: the last this many frames. */
const WINDOW = 100;

export class FrameStats {
  frames = 0;
  latencyMs = 0;
  last: FrameTiming | null = null;
  errors: string[] = [];
  private meter = new FpsMeter();
  private sourceMeter = new FpsMeter();
  private latencies: number[] = [];

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
    if (this.latencies.length > WINDOW) this.latencies.shift();
  }

  /** Frames shown per second over the last ~2 s. */
  get fps(): number {
    return this.meter.fps;
  }

  /** Source frames per second over the last ~2 s. */
  get fpsIn(): number {
    return this.sourceMeter.fps;
  }

  /** Latency percentile (0..1) over the last WINDOW shown frames. */
  latency(q: number): number {
    const s = [...this.latencies].sort((a, b) => a - b);
    return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : 0;
  }

  snapshot() {
    return {
      frames: this.frames, fps: this.fps, fpsIn: this.fpsIn, latencyMs: this.latencyMs,
      latencyP50: this.latency(0.5), latencyP95: this.latency(0.95), timing: this.last, errors: [...this.errors],
    };
  }
}
