// Reads models/registry.json and checks the fields the worker relies on.
import type { FilterEntry, Registry } from './types.js';

export const REGISTRY_PATH = 'models/registry.json';

/** Validates registry JSON text; errors name the registry file and the bad entry. */
export function parseRegistry(text: string): Registry {
  const fail = (detail: string): never => { throw new Error(`${REGISTRY_PATH}: ${detail}`); };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(`invalid JSON: ${(e as Error).message}`);
  }
  const reg = json as Partial<Registry>;
  if (reg?.version !== 1 || !Array.isArray(reg.filters)) return fail('expected {"version": 1, "filters": [...]}');
  reg.filters.forEach((f: Partial<FilterEntry>, i) => {
    const ok = typeof f?.id === 'string' && typeof f.modelUrl === 'string' && typeof f.title === 'string'
      && Number.isInteger(f.scale) && (f.scale as number) >= 1;
    if (!ok) fail(`filters[${i}] needs string id, title and modelUrl and an integer scale >= 1`);
    const l = f.lines;
    if (l !== undefined && !(l && [l.sigma, l.dip, l.phi, l.strength].every((v) => Number.isFinite(v)) && l.sigma > 0 && l.sigma <= 8 && l.strength >= 0 && l.strength <= 1
      && (l.flatten === undefined || (Number.isInteger(l.flatten) && l.flatten >= 1 && l.flatten <= 8)))) {
      fail(`filters[${i}].lines needs finite sigma (0-8], dip, phi and strength [0, 1], and flatten an integer 1-8 if any`);
    }
    const b = f.bands;
    if (b !== undefined && !(b && Number.isInteger(b.levels) && b.levels >= 2 && b.levels <= 16 && b.width > 0 && b.width <= 1 && b.strength >= 0 && b.strength <= 1)) {
      fail(`filters[${i}].bands needs integer levels 2-16, width (0, 1] and strength [0, 1]`);
    }
    const p = f.paint;
    if (p !== undefined && !(p && Number.isInteger(p.radius) && p.radius >= 1 && p.radius <= 8 && [p.detail, p.relief].every((v) => Number.isFinite(v) && v >= 0 && v <= 2))) {
      fail(`filters[${i}].paint needs integer radius 1-8 and detail and relief in [0, 2]`);
    }
    const t = f.tone;
    const unit = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1;
    const trio = (v: unknown, ok: (n: unknown) => boolean) => Array.isArray(v) && v.length === 3 && v.every(ok);
    if (t !== undefined && !(t && Array.isArray(t.steps) && t.steps.length === 2 && t.steps.every(unit) && t.steps[0] < t.steps[1]
      && typeof t.width === 'number' && t.width > 0 && t.width <= 1 && trio(t.levels, unit) && unit(t.strength)
      && trio(t.shade, (v) => typeof v === 'number' && v >= 0 && v <= 2) && typeof t.saturation === 'number' && t.saturation >= 0 && t.saturation <= 2)) {
      fail(`filters[${i}].tone needs two rising steps and three levels in [0, 1], width (0, 1], strength [0, 1], three shade factors and saturation in [0, 2]`);
    }
  });
  return reg as Registry;
}

export async function fetchRegistry(assetBase: string): Promise<Registry> {
  let res: Response;
  try {
    res = await fetch(new URL(REGISTRY_PATH, assetBase));
  } catch (e) {
    throw new Error(`${REGISTRY_PATH}: could not be fetched (${(e as Error).message})`);
  }
  if (!res.ok) throw new Error(`${REGISTRY_PATH}: HTTP ${res.status} ${res.statusText}`.trim());
  return parseRegistry(await res.text());
}
