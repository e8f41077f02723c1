// Frame rate and latency as shown on screen (and read by tests through the test hook).
import { FpsMeter } from '../workers/fps-meter.js';
import type { FrameTiming } from '../workers/types.js';

export class FrameStats {
  frames = 0;
  latencyMs = 0;
  last: FrameTiming | null = null;
  errors: string[] = [];
  private meter = new FpsMeter();

  /** Records a displayed frame; `latencyMs` is capture-to-display on the main thread. */
  frame(latencyMs: number, timing: FrameTiming): void {
    this.frames++;
    this.latencyMs = latencyMs;
    this.last = timing;
    this.meter.tick();
  }

  /** Frames per second over the last ~2 s. */
  get fps(): number {
    return this.meter.fps;
  }

  snapshot() {
    return { frames: this.frames, fps: this.fps, latencyMs: this.latencyMs, timing: this.last, errors: [...this.errors] };
  }
}
