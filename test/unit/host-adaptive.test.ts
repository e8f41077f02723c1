import { describe, expect, it } from 'vitest';
import { Governor, pickTier, tierLadder } from '../../host/adaptive';
import { MIN_GUIDED_SIDE, MIN_WORK_SIDE, framePlan, scaledSize, workScale } from '../../host/working-size';
import type { FilterEntry } from '../../workers/types';

const f = (id: string, macs: number, scale = 2, kind: FilterEntry['kind'] = 'super-resolution'): FilterEntry =>
  ({ id, kind, scale, title: id, modelUrl: '', macsPerInputPixel: macs, macsPerOutputPixel: macs / scale ** 2, quantization: 'float16' });
const filters = [f('fast', 4554), f('quality', 32868), f('x4', 45936, 4), f('anime', 12204, 1, 'style')];

describe('adaptive tiers', () => {
  const ladder = tierLadder(filters, 'super-resolution', 2);

  it('ladders the x2 filters by cost, then the cheapest at 3/4 size (never less)', () => {
    expect(ladder.map((t) => `${t.filterId}@${t.workScale}`)).toEqual(['quality@1', 'fast@1', 'fast@0.75']);
    expect(ladder.map((t) => t.cost)).toEqual([...ladder.map((t) => t.cost)].sort((a, b) => b - a));
  });

  it('picks the best tier predicted to fit the budget from one measurement', () => {
    // fast@1 measured at 40 ms: quality would take about 200 ms.
    expect(pickTier(ladder, { index: 1, ms: 40 }, 1000 / 2)).toBe(0); // 2 fps budget: quality fits
    expect(pickTier(ladder, { index: 1, ms: 40 }, 1000 / 15)).toBe(1); // 15 fps: fast at full size
    expect(pickTier(ladder, { index: 1, ms: 40 }, 1000 / 30)).toBe(2); // 30 fps: 3/4 size
    expect(pickTier(ladder, { index: 1, ms: 400 }, 1000 / 30)).toBe(2); // nothing fits: the cheapest
  });

  it('predicts frame time as affine in MACs: the lite tier measured at 14 ms leaves room for fast at 24 fps', () => {
    const withLite = tierLadder([f('lite', 1674), ...filters], 'super-resolution', 2);
    expect(withLite.map((t) => t.filterId)).toEqual(['quality', 'fast', 'lite', 'lite']);
    // fast predicted at 14 * (4554 + 2500) / (1674 + 2500) = 23.7 ms <= 0.8 * 41.7 ms; proportional
    // to MACs alone it would be 38 ms and not fit.
    expect(pickTier(withLite, { index: 2, ms: 14 }, 1000 / 24)).toBe(1);
  });

  it('steps down after falling behind for 3 s, not on a single slow frame', () => {
    const g = new Governor(ladder, 1, { budgetMs: 50 });
    expect(g.observe(0, 200)).toBeNull(); // one slow frame
    expect(g.observe(100, 30)).toBeNull();
    for (let t = 200; t < 3200; t += 100) expect(g.observe(t, 80)).toBeNull();
    expect(g.observe(3200, 80)).toBe(2);
    expect(g.tier).toEqual(ladder[2]);
  });

  it('steps back up after 10 s of headroom for the better tier, and never past the ends', () => {
    const g = new Governor(ladder, 2, { budgetMs: 50 });
    // At 3/4 size 10 ms: full size would take about 18 ms, well inside the budget.
    let changed: number | null = null;
    for (let t = 0; t <= 10000 && changed === null; t += 100) changed = g.observe(t, 10);
    expect(changed).toBe(1);
    const top = new Governor(ladder, 0, { budgetMs: 1000 });
    for (let t = 0; t <= 20000; t += 100) expect(top.observe(t, 1)).toBeNull();
    const bottom = new Governor(ladder, 2, { budgetMs: 1 });
    for (let t = 0; t <= 20000; t += 100) expect(bottom.observe(t, 100)).toBeNull();
  });
});

describe('working size', () => {
  const budget = 1280 * 720;
  it("takes the tier's scale where the frame stays large enough to draw in", () => {
    expect(workScale(640, 480, 0.375, budget)).toBe(0.375);
    expect(scaledSize(640, 480, 0.375)).toEqual({ width: 240, height: 180 });
    expect(workScale(1280, 720, 0.5, budget)).toBe(0.5);
  });
  it('never goes below the shortest working side, nor above the full size', () => {
    expect(workScale(320, 240, 0.5, budget)).toBe(0.75);
    expect(workScale(320, 240, 0.375, budget) * 240).toBe(MIN_WORK_SIDE);
    expect(workScale(160, 120, 0.5, budget)).toBe(1);
    expect(workScale(640, 360, 1, budget)).toBe(1);
  });
  it('lets a style guided back up go down to 90 rows, sent at the frame\'s own size', () => {
    expect(workScale(640, 480, 0.1875, budget, true)).toBe(0.1875);
    expect(workScale(640, 480, 0.125, budget, true) * 480).toBe(MIN_GUIDED_SIDE);
    expect(workScale(640, 480, 0.1875, budget)).toBe(0.375);
    expect(framePlan(640, 480, 0.1875, budget, true)).toEqual({ size: { width: 640, height: 480 }, guide: 0.1875 });
    expect(framePlan(1280, 720, 0.125, budget, true)).toEqual({ size: { width: 1280, height: 720 }, guide: 0.125 });
    expect(framePlan(640, 480, 0.1875, budget, false)).toEqual({ size: { width: 240, height: 180 } });
  });
  it('keeps huge sources within the pixel budget, floor or not', () => {
    const s = workScale(3840, 2160, 1, budget);
    expect(scaledSize(3840, 2160, s)).toEqual({ width: 1280, height: 720 });
    expect(workScale(3840, 2160, 0.375, budget)).toBe(s);
    expect(workScale(1920, 1080, 0.375, budget)).toBe(0.375);
  });
});
