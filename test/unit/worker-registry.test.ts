// models/registry.json validation as the worker applies it.
import { describe, expect, it } from 'vitest';
import { parseRegistry } from '../../workers/registry';

const entry = { id: 'sr-x2', kind: 'super-resolution', scale: 2, title: 'SR', modelUrl: 'models/weights/sr-x2/model.json', macsPerInputPixel: 1, quantization: 'float16' };

describe('parseRegistry', () => {
  it('accepts a version 1 registry', () => {
    expect(parseRegistry(JSON.stringify({ version: 1, filters: [entry] })).filters[0].id).toBe('sr-x2');
  });

  it('checks a style\'s outline, band, brushwork and cel palette parameters when it has them', () => {
    const lines = { sigma: 1.2, dip: 0.015, phi: 250, strength: 0.9 };
    expect(parseRegistry(JSON.stringify({ version: 1, filters: [{ ...entry, lines }] })).filters[0].lines).toEqual(lines);
    expect(parseRegistry(JSON.stringify({ version: 1, filters: [{ ...entry, lines: { ...lines, flatten: 2 } }] })).filters[0].lines?.flatten).toBe(2);
    for (const bad of [{ ...lines, sigma: 0 }, { ...lines, strength: 2 }, { ...lines, phi: 'x' }, { ...lines, flatten: 0 }, { ...lines, flatten: 1.5 }, null]) {
      expect(() => parseRegistry(JSON.stringify({ version: 1, filters: [{ ...entry, lines: bad }] }))).toThrow('models/registry.json: filters[0].lines needs');
    }
    const bands = { levels: 4, width: 0.36, strength: 0.85 };
    expect(parseRegistry(JSON.stringify({ version: 1, filters: [{ ...entry, bands }] })).filters[0].bands).toEqual(bands);
    for (const bad of [{ ...bands, levels: 1 }, { ...bands, levels: 2.5 }, { ...bands, width: 0 }, { ...bands, strength: 1.2 }, null]) {
      expect(() => parseRegistry(JSON.stringify({ version: 1, filters: [{ ...entry, bands: bad }] }))).toThrow('models/registry.json: filters[0].bands needs');
    }
    const paint = { radius: 2, detail: 0.8, relief: 0.5 };
    expect(parseRegistry(JSON.stringify({ version: 1, filters: [{ ...entry, paint }] })).filters[0].paint).toEqual(paint);
    for (const bad of [{ ...paint, radius: 0 }, { ...paint, radius: 1.5 }, { ...paint, detail: -1 }, { ...paint, relief: 'x' }, null]) {
      expect(() => parseRegistry(JSON.stringify({ version: 1, filters: [{ ...entry, paint: bad }] }))).toThrow('models/registry.json: filters[0].paint needs');
    }
    const tone = { steps: [0.22, 0.5], width: 0.25, levels: [0.12, 0.6, 0.9], strength: 0.85, shade: [1, 0.86, 0.88], saturation: 0.9 };
    expect(parseRegistry(JSON.stringify({ version: 1, filters: [{ ...entry, tone }] })).filters[0].tone).toEqual(tone);
    for (const bad of [{ ...tone, steps: [0.5, 0.22] }, { ...tone, steps: [0.2] }, { ...tone, width: 0 }, { ...tone, levels: [0.1, 0.6, 1.5] }, { ...tone, shade: [1, 1] }, { ...tone, saturation: -1 }, { ...tone, strength: 'x' }, 'x', 5, null]) {
      expect(() => parseRegistry(JSON.stringify({ version: 1, filters: [{ ...entry, tone: bad }] }))).toThrow('models/registry.json: filters[0].tone needs');
    }
  });

  it('names the registry file in every error', () => {
    expect(() => parseRegistry('<!doctype html>')).toThrow(/^models\/registry\.json: invalid JSON/);
    expect(() => parseRegistry('{"version":2,"filters":[]}')).toThrow('models/registry.json: expected {"version": 1');
    expect(() => parseRegistry(JSON.stringify({ version: 1, filters: [{ ...entry, scale: 1.5 }] }))).toThrow('models/registry.json: filters[0] needs');
    expect(() => parseRegistry(JSON.stringify({ version: 1, filters: [{ ...entry, modelUrl: undefined }] }))).toThrow('filters[0]');
  });
});
