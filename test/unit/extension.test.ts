// The extension's pure parts: settings from storage, the filter plan per site, what a compositor
// accepts as a frame, the area downscale of the content script, and the locales.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFor } from '../../extension/compositor/filter-plan';
import { chainMacs } from '../../host/adaptive';
import { hostFrame } from '../../extension/compositor/frame-input';
import { downscaleArea } from '../../extension/content/pixel-reader';
import { MAX_FRAME_PIXELS, type RgbaFrame } from '../../extension/protocol';
import { DEFAULTS, SCHEMA_VERSION, cleanSite, forSite, fromStorage, toStorage } from '../../extension/settings';
import { planBands } from '../../workers/tile-plan';
import type { FilterEntry } from '../../workers/types';

const ROOT = join(__dirname, '../..');
const registry = JSON.parse(readFileSync(join(ROOT, 'models/registry.json'), 'utf8')) as { filters: FilterEntry[] };

describe('settings', () => {
  it('a fresh install reads as the defaults, at the current version', () => {
    expect(fromStorage({})).toEqual({ version: SCHEMA_VERSION, defaults: DEFAULTS, sites: {} });
  });

  it('keeps valid fields and drops malformed or unknown ones, field by field', () => {
    expect(cleanSite({ enhance: 'always', videoFilter: 'sr-x2-fast', cameraFilter: 'style-anime+sr-x2-lite', strength: 0.5, cameraDefault: false, extra: 1 }))
      .toEqual({ enhance: 'always', videoFilter: 'sr-x2-fast', cameraFilter: 'style-anime+sr-x2-lite', strength: 0.5, cameraDefault: false });
    expect(cleanSite({ enhance: 'sometimes', videoFilter: '../evil', strength: 2, cameraDefault: 'yes' })).toEqual({});
    expect(cleanSite(null)).toEqual({});
  });

  it('round-trips through storage, one item per site, and applies a site over the defaults', () => {
    const s = fromStorage({ version: 1, defaults: { cameraFilter: 'style-anime' }, 'site:meet.example.com': { enhance: 'never' }, 'site:bad': 'x' });
    expect(s.sites).toEqual({ 'meet.example.com': { enhance: 'never' } });
    expect(toStorage(s)).toEqual({ version: 1, defaults: { ...DEFAULTS, cameraFilter: 'style-anime' }, 'site:meet.example.com': { enhance: 'never' } });
    expect(forSite(s, 'meet.example.com')).toEqual({ ...DEFAULTS, cameraFilter: 'style-anime', enhance: 'never' });
    expect(forSite(s, 'other.example')).toEqual({ ...DEFAULTS, cameraFilter: 'style-anime' });
  });
});

describe('filter plan', () => {
  const filters = registry.filters;
  const style = filters.find((f) => f.kind === 'style')!;

  it('video Auto is the x2 super-resolution ladder', () => {
    const plan = planFor('video', DEFAULTS, filters)!;
    expect(plan.auto).toBe(true);
    expect(new Set(plan.ladder.map((t) => filters.find((f) => f.id === t.filterId)?.kind))).toEqual(new Set(['super-resolution']));
  });

  it('a chosen filter keeps its filter and steps its working size down; a camera takes style filters only', () => {
    const video = planFor('video', { ...DEFAULTS, videoFilter: style.id }, filters)!;
    expect(video.auto).toBe(false);
    expect(video.ladder.map((t) => t.workScale)).toEqual([1, 0.75, 0.5, 0.375, 0.25, 0.1875, 0.125]);
    expect(video.ladder.every((t) => t.filterId === style.id)).toBe(true);
    expect(planFor('camera', { ...DEFAULTS, cameraFilter: style.id }, filters)!.ladder[0].filterId).toBe(style.id);
    expect(planFor('camera', { ...DEFAULTS, cameraFilter: 'sr-x2-fast' }, filters)).toBeNull();
    expect(planFor('camera', { ...DEFAULTS, cameraFilter: `${style.id}+sr-x2-fast` }, filters)).toBeNull();
    expect(planFor('camera', DEFAULTS, filters)).toBeNull(); // off
    expect(planFor('video', { ...DEFAULTS, videoFilter: 'no-such-filter' }, filters)!.auto).toBe(true);
  });

  it('a chain costs its stages, each on the previous one\'s output', () => {
    const sr = filters.find((f) => f.id === 'sr-x2-fast')!;
    expect(chainMacs(`${style.id}+${sr.id}`, filters)).toEqual({ macs: style.macsPerInputPixel + sr.macsPerInputPixel, kind: 'super-resolution', scale: 2 });
    expect(chainMacs(`${sr.id}+${style.id}`, filters)!.macs).toBe(sr.macsPerInputPixel + 4 * style.macsPerInputPixel);
  });
});

describe('compositor frame input', () => {
  const frame = (w: number, h: number, bytes = w * h * 4): RgbaFrame => ({ width: w, height: h, rgba: new ArrayBuffer(bytes) });

  it('takes RGBA bytes of the stated size', () => {
    expect(hostFrame(frame(4, 2))).toMatchObject({ width: 4, height: 2 });
  });

  it('drops malformed, mismatched and oversized frames', () => {
    expect(hostFrame(frame(4, 2, 31))).toBeNull();
    expect(hostFrame(frame(0, 2, 0))).toBeNull();
    expect(hostFrame(frame(2.5, 2, 20))).toBeNull();
    expect(hostFrame({ width: 4096, height: 4096, rgba: new ArrayBuffer(8) })).toBeNull();
    expect(4096 * 4096).toBeGreaterThan(MAX_FRAME_PIXELS);
    expect(hostFrame({ width: 1, height: 1, rgba: 'xxxx' } as unknown as RgbaFrame)).toBeNull();
    expect(hostFrame(undefined)).toBeNull();
  });
});

describe('area downscale', () => {
  it('averages the source area each output pixel covers', () => {
    // 4x2 -> 2x1: each output pixel is the mean of a 2x2 block.
    const src = new Uint8ClampedArray([
      0, 0, 0, 255, 100, 100, 100, 255, 10, 20, 30, 255, 30, 40, 50, 255,
      100, 100, 100, 255, 200, 200, 200, 255, 50, 60, 70, 255, 70, 80, 90, 255,
    ]);
    expect([...downscaleArea(src, 4, 2, 2, 1)]).toEqual([100, 100, 100, 255, 40, 50, 60, 255]);
  });

  it('keeps a flat picture flat at fractional ratios, and the size asked for', () => {
    const src = new Uint8ClampedArray(640 * 480 * 4).fill(77);
    const out = downscaleArea(src, 640, 480, 240, 180);
    expect(out.length).toBe(240 * 180 * 4);
    expect(new Set(out)).toEqual(new Set([77]));
  });
});

describe('bands', () => {
  it('cover every row once, aligned, with context rows around each core', () => {
    const bands = planBands(180, 2, 32, 4);
    expect(bands.map((b) => [b.y, b.h])).toEqual([[0, 92], [92, 88]]);
    expect(bands[0]).toMatchObject({ wy: 0, wh: 124 });
    expect(bands[1]).toMatchObject({ wy: 60, wh: 120 });
    for (const b of planBands(361, 3, 32, 4)) {
      expect(b.y % 4).toBe(0);
      expect(b.wy % 4).toBe(0);
      expect(b.y - b.wy === 0 || b.y - b.wy >= 32).toBe(true);
      expect(b.wy + b.wh === 361 || b.wy + b.wh - (b.y + b.h) >= 32).toBe(true);
    }
  });
});

describe('locales', () => {
  const dir = join(ROOT, 'locales');
  const read = (lang: string) => JSON.parse(readFileSync(join(dir, lang, 'messages.json'), 'utf8')) as Record<string, { message: string }>;
  const en = read('en');

  it('English and at least four other languages, each with every message', () => {
    const langs = readdirSync(dir);
    expect(langs.length).toBeGreaterThanOrEqual(5);
    for (const lang of langs) expect(Object.keys(read(lang)).sort(), lang).toEqual(Object.keys(en).sort());
  });

  it('every message the code and pages of both apps name exists, with the same placeholders in every language', () => {
    const files = ['extension/background.ts', 'extension/camera-hook.ts', 'extension/i18n.ts', 'extension/content', 'extension/compositor', 'extension/popup', 'extension/options', 'extension/ui', 'pwa'].flatMap((p) => {
      const path = join(ROOT, p);
      return p.endsWith('.ts') ? [path] : readdirSync(path).filter((f) => /\.(ts|html)$/.test(f)).map((f) => join(path, f));
    });
    const used = new Set<string>();
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\bt\('([A-Za-z_]+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/data-i18n(?:-label|-title)?="([A-Za-z_]+)"/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(30);
    for (const key of used) expect(en[key], key).toBeDefined();
    for (const lang of readdirSync(dir)) {
      for (const [key, { message }] of Object.entries(read(lang))) expect(message.match(/\$\d/g) ?? [], `${lang} ${key}`).toEqual(en[key].message.match(/\$\d/g) ?? []);
    }
  });
});
