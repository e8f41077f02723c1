// "Auto" filter choice: measures the cheapest full-size x2 filter on this device's first frames,
// picks the best tier predicted to keep TARGET_FPS, then lets the Governor step down when the
// pipeline falls behind for a few seconds and up when there is headroom.
import { Governor, pickTier, tierLadder, type Tier } from './adaptive.js';
import { quantile } from './quantile.js';
import type { FilterEntry } from '../workers/types.js';

export const TARGET_FPS = 24;
/** Frames not measured: the first frames of a size set kernels up and start WASM's threads (measured 107, 82, 54, 43, 35 ms, then ~9). */
const WARMUP_FRAMES = 3;
const MEASURE_FRAMES = 5;

export class AutoTier {
  private readonly ladder: Tier[];
  private governor: Governor | null = null;
  private samples: number[] = [];
  private measureIndex: number;

  /** `apply` switches the app to a tier (loads the filter, sets the working size). */
  constructor(filters: FilterEntry[], private readonly apply: (tier: Tier) => Promise<void>) {
    this.ladder = tierLadder(filters, 'super-resolution', 2);
    this.measureIndex = this.ladder.findLastIndex((t) => t.workScale === 1);
  }

  get available(): boolean {
    return this.ladder.length > 0;
  }

  get tier(): Tier | null {
    return this.governor?.tier ?? this.ladder[this.measureIndex] ?? null;
  }

  /** Starts measuring on the cheapest full-size tier. */
  start(): Promise<void> {
    this.governor = null;
    this.samples = [];
    return this.apply(this.ladder[this.measureIndex]);
  }

  /** Each shown frame's worker time. */
  async frame(nowMs: number, workerMs: number): Promise<void> {
    const budgetMs = 1000 / TARGET_FPS;
    if (!this.governor) {
      this.samples.push(workerMs);
      if (this.samples.length < WARMUP_FRAMES + MEASURE_FRAMES) return;
      const ms = quantile(this.samples.slice(WARMUP_FRAMES), 0.5);
      this.governor = new Governor(this.ladder, pickTier(this.ladder, { index: this.measureIndex, ms }, budgetMs), { budgetMs });
      if (this.governor.index !== this.measureIndex) await this.apply(this.governor.tier);
      return;
    }
    if (this.governor.observe(nowMs, workerMs) !== null) await this.apply(this.governor.tier);
  }
}
