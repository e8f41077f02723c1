// Paces frames with requestVideoFrameCallback and keeps at most one frame in the worker:
// a frame arriving while one is in flight is dropped, never queued, so latency stays bounded.
export type FrameHandler = (video: HTMLVideoElement) => Promise<void>;

export class FrameLoop {
  private running = false;
  private busy = false;
  private handle = 0;
  dropped = 0;

  constructor(private video: HTMLVideoElement, private onFrame: FrameHandler) {}

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
    if (this.busy) {
      this.dropped++;
      return;
    }
    this.busy = true;
    this.onFrame(this.video).finally(() => { this.busy = false; });
  };
}
