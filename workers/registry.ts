// Reads models/registry.json and checks the fields the worker relies on.
import type { FilterEntry, Registry } from './types.js';

export const REGISTRY_PATH = 'models/registry.json';

const num = (v: unknown, lo: number, hi: number, aboveLo = false) => typeof v === 'number' && Number.isFinite(v) && (aboveLo ? v > lo : v >= lo) && v <= hi;
const int = (v: unknown, lo: number, hi: number) => Number.isInteger(v) && num(v, lo, hi);
const list = (v: unknown, n: number, ok: (x: unknown) => boolean) => Array.isArray(v) && v.length === n && v.every(ok);
const unit = (v: unknown) => num(v, 0, 1);

type Stage = 'lines' | 'bands' | 'paint' | 'tone';
/** The optional stages the worker draws: what each must hold, and the error that says so. */
const STAGES: { [K in Stage]: [(s: NonNullable<FilterEntry[K]>) => boolean, string] } = {
  lines: [(l) => num(l.sigma, 0, 8, true) && Number.isFinite(l.dip) && Number.isFinite(l.phi) && unit(l.strength) && (l.flatten === undefined || int(l.flatten, 1, 8)),
    'finite sigma (0-8], dip, phi and strength [0, 1], and flatten an integer 1-8 if any'],
  bands: [(b) => int(b.levels, 2, 16) && num(b.width, 0, 1, true) && unit(b.strength), 'integer levels 2-16, width (0, 1] and strength [0, 1]'],
  paint: [(p) => int(p.radius, 1, 8) && num(p.detail, 0, 2) && num(p.relief, 0, 2), 'integer radius 1-8 and detail and relief in [0, 2]'],
  tone: [(t) => list(t.steps, 2, unit) && t.steps[0] < t.steps[1] && num(t.width, 0, 1, true) && list(t.levels, 3, unit) && unit(t.strength)
    && list(t.shade, 3, (v) => num(v, 0, 2)) && num(t.saturation, 0, 2),
  'two rising steps and three levels in [0, 1], width (0, 1], strength [0, 1], three shade factors and saturation in [0, 2]'],
};

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
    for (const key of Object.keys(STAGES) as Stage[]) {
      const stage = f[key], [valid, needs] = STAGES[key];
      if (stage !== undefined && !(stage && (valid as (s: unknown) => boolean)(stage))) fail(`filters[${i}].${key} needs ${needs}`);
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
