// Latest-frame-wins pacing, shared by the PWA and the extension: at most `depth` frames are in
// flight. Frames offered meanwhile are not queued: only "a newer frame is waiting" is
// remembered, and the moment an in-flight frame is done the newest source frame is taken.
// So output never lags the source by more than `depth` inferences, and every frame that was
// superseded while waiting counts as dropped.
export class FramePacer {
  private inFlight = 0;
  private waiting = false;
  /** Source frames that were never processed because a newer one replaced them. */
  dropped = 0;

  /**
   * `take` grabs the source's current frame and starts processing it; it must end in done().
   * `depth` 2 overlaps reading and sending the next frame with the filtering of this one, or
   * gives each of two workers a frame.
   */
  constructor(private readonly take: () => void, public depth = 1) {}

  /** The source has a new frame. */
  offer(): void {
    if (this.inFlight < this.depth) {
      this.start();
      return;
    }
    if (this.waiting) this.dropped++; // the frame that was waiting is superseded
    this.waiting = true;
  }

  /** The in-flight frame finished (shown, failed or abandoned). */
  done(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.waiting) {
      this.waiting = false;
      this.start();
    }
  }

  /** Forgets everything in flight or waiting (source or session change). */
  reset(): void {
    this.inFlight = 0;
    this.waiting = false;
  }

  get busy(): boolean {
    return this.inFlight > 0;
  }

  private start(): void {
    this.inFlight++;
    this.take();
  }
}
