// models/registry.json validation as the worker applies it.
import { describe, expect, it } from 'vitest';
import { parseRegistry } from '../../workers/registry';

const entry = { id: 'sr-x2', kind: 'super-resolution', scale: 2, title: 'SR', modelUrl: 'models/weights/sr-x2/model.json', macsPerInputPixel: 1, quantization: 'float16' };

describe('parseRegistry', () => {
  it('accepts a version 1 registry', () => {
    expect(parseRegistry(JSON.stringify({ version: 1, filters: [entry] })).filters[0].id).toBe('sr-x2');
  });

  it('checks a style\'s outline, band and brushwork parameters when it has them', () => {
    const lines = { sigma: 1.2, dip: 0.015, phi: 250, strength: 0.9 };
    expect(parseRegistry(JSON.stringify({ version: 1, filters: [{ ...entry, lines }] })).filters[0].lines).toEqual(lines);
    for (const bad of [{ ...lines, sigma: 0 }, { ...lines, strength: 2 }, { ...lines, phi: 'x' }, null]) {
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
  });

  it('names the registry file in every error', () => {
    expect(() => parseRegistry('<!doctype html>')).toThrow(/^models\/registry\.json: invalid JSON/);
    expect(() => parseRegistry('{"version":2,"filters":[]}')).toThrow('models/registry.json: expected {"version": 1');
    expect(() => parseRegistry(JSON.stringify({ version: 1, filters: [{ ...entry, scale: 1.5 }] }))).toThrow('models/registry.json: filters[0] needs');
    expect(() => parseRegistry(JSON.stringify({ version: 1, filters: [{ ...entry, modelUrl: undefined }] }))).toThrow('filters[0]');
  });
});
