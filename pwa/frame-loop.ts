// Pulls frames from the video with requestVideoFrameCallback and paces them with the shared
// latest-frame-wins FramePacer: one frame in the worker, the newest one next.
import { FramePacer } from '../workers/frame-pacer.js';

export type FrameHandler = (video: HTMLVideoElement) => Promise<void>;

export class FrameLoop {
  private running = false;
  private handle = 0;
  private readonly pacer: FramePacer;

  constructor(private video: HTMLVideoElement, onFrame: FrameHandler) {
    this.pacer = new FramePacer(() => { onFrame(this.video).finally(() => this.pacer.done()); });
  }

  get dropped(): number {
    return this.pacer.dropped;
  }

  /** (Re)starts pacing; call after each source change, since reloading the video drops pending callbacks. */
  start(): void {
    this.video.cancelVideoFrameCallback(this.handle);
    this.running = true;
    this.handle = this.video.requestVideoFrameCallback(this.tick);
  }

  stop(): void {
    this.running = false;
    this.video.cancelVideoFrameCallback(this.handle);
  }

  private tick = (): void => {
    if (!this.running) return;
    this.handle = this.video.requestVideoFrameCallback(this.tick);
    this.pacer.offer();
  };
}
