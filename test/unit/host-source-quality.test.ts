import { describe, expect, it } from 'vitest';
import { tierLadder } from '../../host/adaptive';
import { filterChoices } from '../../host/filter-choices';
import { COMPRESSED_BELOW, fileQuality, judgeSource } from '../../host/source-quality';
import type { FilterEntry } from '../../workers/types';

const f = (id: string, macs: number, source?: 'compressed'): FilterEntry =>
  ({ id, kind: 'super-resolution', scale: 2, title: id, modelUrl: '', macsPerInputPixel: macs, macsPerOutputPixel: macs / 4, quantization: 'float16', ...(source ? { source } : {}) });
const filters = [f('lite', 1674), f('fast', 4554), f('lite-c', 1674, 'compressed'), f('fast-c', 4554, 'compressed')];

describe('source quality', () => {
  it('judges a source by its bits per pixel per frame', () => {
    // 640x360 at 24 fps in 400 kbps, a low web bitrate; the demo clip's 0.16; a camera-quality 1080p file.
    expect(fileQuality(400_000, 24, 640, 360)).toMatchObject({ kind: 'compressed' });
    expect(fileQuality(185_000, 15, 320, 240)).toMatchObject({ kind: 'clean' });
    expect(fileQuality(15e6, 30, 1920, 1080)).toMatchObject({ kind: 'clean' });
    expect(judgeSource(COMPRESSED_BELOW * 0.99).kind).toBe('compressed');
    expect(judgeSource(COMPRESSED_BELOW).kind).toBe('clean');
  });

  it('knows nothing from a rate that is no rate', () => {
    for (const bad of [0, -1, NaN, Infinity]) expect(judgeSource(bad).kind).toBe('unknown');
    expect(fileQuality(400_000, 0, 640, 360).kind).toBe('unknown');
  });

  it("gives Auto the compressed-video filters' ladder for a compressed source only", () => {
    const ids = (kind: 'compressed' | 'clean' | 'unknown') => tierLadder(filters, 'super-resolution', 2, kind).map((t) => `${t.filterId}@${t.workScale}`);
    expect(ids('compressed')).toEqual(['fast-c@1', 'lite-c@1', 'lite-c@0.75']);
    expect(ids('clean')).toEqual(['fast@1', 'lite@1', 'lite@0.75']);
    expect(ids('unknown')).toEqual(ids('clean'));
    // No filter for compressed video: the clean ladder.
    expect(tierLadder(filters.filter((x) => !x.source), 'super-resolution', 2, 'compressed').map((t) => t.filterId)).toEqual(['fast', 'lite', 'lite']);
  });

  it('chains styles with the fastest filter for clean sources', () => {
    const style: FilterEntry = { ...f('anime', 5000), kind: 'style', scale: 1 };
    const chains = filterChoices([f('lite-c', 1000, 'compressed'), ...filters, style], (x) => x.id).filter(([id]) => id.includes('+'));
    expect(chains).toEqual([['anime+lite', 'anime + lite']]);
  });
});
