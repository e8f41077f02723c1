// Latest-frame-wins pacing, shared by the PWA and the extension: at most one frame is in
// flight. Frames offered meanwhile are not queued: only "a newer frame is waiting" is
// remembered, and the moment the in-flight frame is done the newest source frame is taken.
// So output never lags the source by more than one inference, and every frame that was
// superseded while waiting counts as dropped.
export class FramePacer {
  private inFlight = false;
  private waiting = false;
  /** Source frames that were never processed because a newer one replaced them. */
  dropped = 0;

  /** `take` grabs the source's current frame and starts processing it; it must end in done(). */
  constructor(private readonly take: () => void) {}

  /** The source has a new frame. */
  offer(): void {
    if (!this.inFlight) {
      this.start();
      return;
    }
    if (this.waiting) this.dropped++; // the frame that was waiting is superseded
    this.waiting = true;
  }

  /** The in-flight frame finished (shown, failed or abandoned). */
  done(): void {
    this.inFlight = false;
    if (this.waiting) {
      this.waiting = false;
      this.start();
    }
  }

  /** Forgets everything in flight or waiting (source or session change). */
  reset(): void {
    this.inFlight = false;
    this.waiting = false;
  }

  get busy(): boolean {
    return this.inFlight;
  }

  private start(): void {
    this.inFlight = true;
    this.take();
  }
}
