// "Auto": measures the cheapest tier of a ladder on this device's first frames, picks
// the best tier predicted to keep the target frame rate, then lets the Governor step down when the
// pipeline falls behind for a few seconds and up when there is headroom. A measurement kept from
// an earlier session (per device and backend) skips the measuring frames.
import { Governor, pickTier, type Tier } from './adaptive.js';
import { quantile } from './quantile.js';

export const TARGET_FPS = 24;
/** Frames not measured: the first frames of a size set kernels up and start WASM's threads (measured 107, 82, 54, 43, 35 ms, then ~9). */
const WARMUP_FRAMES = 3;
const MEASURE_FRAMES = 5;

/** This device's speed: worker milliseconds per unit of tier cost (adaptive.ts). */
export interface AutoMeasurement { msPerCost: number }

export interface AutoOptions {
  targetFps?: number;
  /** A measurement from an earlier session on this device and backend. */
  cached?: AutoMeasurement | null;
  /** Told once the first frames have been measured (to keep for the next session). */
  onMeasured?(m: AutoMeasurement): void;
}

export class AutoTier {
  private governor: Governor | null = null;
  private samples: number[] = [];
  private readonly measureIndex: number;
  private readonly budgetMs: number;

  /** `apply` switches the host to a tier (loads the filter, sets the working size). */
  constructor(private readonly ladder: Tier[], private readonly apply: (tier: Tier) => Promise<void>, private readonly opts: AutoOptions = {}) {
    // The cheapest tier: the measuring frames come quickly. Measured on the full-size tier, a style
    // filter on a 640x480 camera in the extension showed about one frame a second for its first
    // eight frames, on every call until a measurement was kept.
    this.measureIndex = ladder.length - 1;
    this.budgetMs = 1000 / (opts.targetFps ?? TARGET_FPS);
  }

  get available(): boolean {
    return this.ladder.length > 0;
  }

  get tier(): Tier | null {
    return this.governor?.tier ?? this.ladder[this.measureIndex] ?? null;
  }

  /** Starts on the tier a cached measurement predicts, or measuring on the cheapest tier. */
  start(): Promise<void> {
    this.samples = [];
    const cached = this.opts.cached;
    if (cached && cached.msPerCost > 0) {
      this.governor = this.governorFor(cached);
      return this.apply(this.governor.tier);
    }
    this.governor = null;
    return this.apply(this.ladder[this.measureIndex]);
  }

  /** Each shown frame's worker time. */
  async frame(nowMs: number, workerMs: number): Promise<void> {
    if (!this.governor) {
      this.samples.push(workerMs);
      if (this.samples.length < WARMUP_FRAMES + MEASURE_FRAMES) return;
      const measured = { msPerCost: quantile(this.samples.slice(WARMUP_FRAMES), 0.5) / this.ladder[this.measureIndex].cost };
      this.opts.onMeasured?.(measured);
      this.governor = this.governorFor(measured);
      if (this.governor.index !== this.measureIndex) await this.apply(this.governor.tier);
      return;
    }
    if (this.governor.observe(nowMs, workerMs) !== null) await this.apply(this.governor.tier);
  }

  private governorFor(m: AutoMeasurement): Governor {
    const index = pickTier(this.ladder, { index: 0, ms: m.msPerCost * this.ladder[0].cost }, this.budgetMs);
    return new Governor(this.ladder, index, { budgetMs: this.budgetMs });
  }
}
