// Frame rate and latency as shown on screen (and read by tests through the test hook).
import type { FrameTiming } from '../workers/types.js';

export class FrameStats {
  frames = 0;
  latencyMs = 0;
  last: FrameTiming | null = null;
  errors: string[] = [];
  private shown: number[] = [];

  /** Records a displayed frame; `latencyMs` is capture-to-display on the main thread. */
  frame(latencyMs: number, timing: FrameTiming): void {
    const now = performance.now();
    this.frames++;
    this.latencyMs = latencyMs;
    this.last = timing;
    this.shown.push(now);
    while (this.shown.length > 2 && now - this.shown[0] > 2000) this.shown.shift();
  }

  /** Frames per second over the last ~2 s. */
  get fps(): number {
    const n = this.shown.length;
    return n < 2 ? 0 : ((n - 1) * 1000) / (this.shown[n - 1] - this.shown[0]);
  }

  snapshot() {
    return { frames: this.frames, fps: this.fps, latencyMs: this.latencyMs, timing: this.last, errors: [...this.errors] };
  }
}
