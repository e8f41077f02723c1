// Frames per second over a sliding window of display times, shown by both the PWA and the extension.
export class FpsMeter {
  private times: number[] = [];

  constructor(private windowMs = 2000) {}

  tick(now = performance.now()): void {
    this.times.push(now);
    while (this.times.length > 2 && now - this.times[0] > this.windowMs) this.times.shift();
  }

  /** 0 once no frame has come for a whole window (a stalled source or worker reads as stalled). */
  get fps(): number {
    const n = this.times.length;
    if (n < 2 || performance.now() - this.times[n - 1] > this.windowMs) return 0;
    return ((n - 1) * 1000) / (this.times[n - 1] - this.times[0]);
  }

  reset(): void {
    this.times = [];
  }
}
