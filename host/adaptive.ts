// Adaptive quality: a ladder of tiers (filter x working resolution) from best to cheapest, a
// first-use pick from a short measurement, and a governor that steps down when the pipeline
// falls behind the frame budget for a few seconds and back up when there is headroom.
import { CHAIN_SEPARATOR, type FilterEntry } from '../workers/types.js';
import type { SourceQuality } from './source-quality.js';

export interface Tier {
  filterId: string;
  /** Fraction of the source's width and height fed to the filter. */
  workScale: number;
  /** Relative cost per source pixel: (MACs per input pixel + PIPELINE_MACS) x workScale^2. */
  cost: number;
}

/**
 * The pipeline's own per-pixel work (frame read, conversions, readback, output bitmap) in
 * MAC-equivalents, so frame times are predicted as affine in MACs, not proportional: fitting
 * the WASM benchmark (320x180, 2 threads) gives sr-x2-lite 5.8 ms, sr-x2-fast 9.8 ms, so about
 * 3.5 ms + 1.4 us per kMAC-pixel, i.e. ~2,500 MACs' worth. Proportional prediction from the
 * cheapest tier overestimated the fast tier by 1.6x and kept Auto on the lite tier.
 */
export const PIPELINE_MACS = 2500;

// Not below 3/4: at 1/2 size a x2 filter would only give back the source's own size, worse.
const WORK_SCALES = [1, 0.75];

/**
 * Best to cheapest: every filter of this kind and scale at full size, most MACs first, then the
 * cheapest filter at 3/4 size. For a compressed source the filters trained for compressed video
 * (registry `source`) make the ladder, where there are any; otherwise those for clean sources.
 */
export function tierLadder(filters: FilterEntry[], kind: FilterEntry['kind'], scale: number, source: SourceQuality['kind'] = 'unknown'): Tier[] {
  const fits = (f: FilterEntry) => f.kind === kind && f.scale === scale;
  const compressed = filters.filter((f) => fits(f) && f.source === 'compressed');
  const same = (source === 'compressed' && compressed.length ? compressed : filters.filter((f) => fits(f) && !f.source)).sort((a, b) => b.macsPerInputPixel - a.macsPerInputPixel);
  if (!same.length) return [];
  const cheapest = same[same.length - 1];
  return [
    ...same.map((f) => ({ filterId: f.id, workScale: 1, cost: f.macsPerInputPixel + PIPELINE_MACS })),
    ...WORK_SCALES.slice(1).map((s) => ({ filterId: cheapest.id, workScale: s, cost: (cheapest.macsPerInputPixel + PIPELINE_MACS) * s * s })),
  ];
}

/** Working sizes for a chosen super-resolution filter (below 3/4 an x2 filter gives back less than the source). */
export const SR_SCALES = [1, 0.75];
/**
 * Working sizes for a chosen style filter; the worker guides the output back to the source's size
 * (workers/guided-work.ts), and MIN_GUIDED_SIDE keeps at least 90 rows: 3/16 of a 640x480 camera,
 * 1/8 of a 1280x720 file (which showed 2.5 fps at 3/8 here).
 */
export const STYLE_SCALES = [1, 0.75, 0.5, 0.375, 0.25, 0.1875, 0.125];

/** MACs per source pixel of a filter or chain ("style-anime+sr-x2-fast"): later stages run on the earlier ones' output. */
export function chainMacs(id: string, filters: FilterEntry[]): { macs: number; kind: FilterEntry['kind']; scale: number } | null {
  let macs = 0, area = 1;
  let kind: FilterEntry['kind'] = 'style';
  for (const part of id.split(CHAIN_SEPARATOR)) {
    const f = filters.find((e) => e.id === part);
    if (!f) return null;
    macs += f.macsPerInputPixel * area;
    area *= f.scale * f.scale;
    kind = f.kind;
  }
  return { macs, kind, scale: Math.sqrt(area) };
}

/** One filter at decreasing working sizes, best first (a chosen filter kept live on a slow device). */
export function scaleLadder(filterId: string, macsPerInputPixel: number, scales: number[]): Tier[] {
  return scales.map((s) => ({ filterId, workScale: s, cost: (macsPerInputPixel + PIPELINE_MACS) * s * s }));
}

/**
 * The first-use pick: from one measured tier's frame time, frame times of the others scale with
 * their cost; the best tier predicted to fit `budgetMs` (with 20% headroom) wins, else the cheapest.
 */
export function pickTier(ladder: Tier[], measured: { index: number; ms: number }, budgetMs: number): number {
  const perCost = measured.ms / ladder[measured.index].cost;
  const fit = ladder.findIndex((t) => t.cost * perCost <= 0.8 * budgetMs);
  return fit === -1 ? ladder.length - 1 : fit;
}

export interface GovernorOptions {
  budgetMs: number;
  /** Behind the budget this long: one tier down. */
  downAfterMs?: number;
  /** Predicted to fit the next better tier with headroom this long: one tier up. */
  upAfterMs?: number;
}

export class Governor {
  private behindSince: number | null = null;
  private roomSince: number | null = null;
  private readonly down: number;
  private readonly up: number;

  constructor(private readonly ladder: Tier[], public index: number, private readonly opts: GovernorOptions) {
    this.down = opts.downAfterMs ?? 3000;
    this.up = opts.upAfterMs ?? 10000;
  }

  get tier(): Tier {
    return this.ladder[this.index];
  }

  /** One finished frame and its time in the worker; returns the new tier index on a change. */
  observe(nowMs: number, frameMs: number): number | null {
    const { budgetMs } = this.opts;
    const behind = frameMs > budgetMs;
    this.behindSince = behind ? (this.behindSince ?? nowMs) : null;
    const better = this.ladder[this.index - 1];
    const roomy = better !== undefined && frameMs * (better.cost / this.tier.cost) < 0.7 * budgetMs;
    this.roomSince = roomy ? (this.roomSince ?? nowMs) : null;
    if (this.behindSince !== null && nowMs - this.behindSince >= this.down && this.index < this.ladder.length - 1) return this.move(this.index + 1);
    if (this.roomSince !== null && nowMs - this.roomSince >= this.up) return this.move(this.index - 1);
    return null;
  }

  private move(index: number): number {
    this.index = index;
    this.behindSince = this.roomSince = null;
    return index;
  }
}
