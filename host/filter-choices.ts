// The filters a user can pick, in both apps: every registry filter, then each style chained
// with the fastest x2 super-resolution for clean sources (run in one pass by the worker).
import { CHAIN_SEPARATOR, type FilterEntry } from '../workers/types.js';

/** [id, label] pairs; `name` gives a filter's name in the user's language. */
export function filterChoices(filters: FilterEntry[], name: (f: FilterEntry) => string): [string, string][] {
  const sr = filters.filter((f) => f.kind === 'super-resolution' && f.scale === 2 && !f.source).sort((a, b) => a.macsPerInputPixel - b.macsPerInputPixel)[0];
  const styles = filters.filter((f) => f.kind === 'style');
  return [
    ...filters.map((f): [string, string] => [f.id, name(f)]),
    ...(sr ? styles.map((f): [string, string] => [`${f.id}${CHAIN_SEPARATOR}${sr.id}`, `${name(f)} + ${name(sr)}`]) : []),
  ];
}

/** The message key of a filter's name ("filter_sr_x2_lite"); apps fall back to the registry's title. */
export const filterNameKey = (f: FilterEntry): string => `filter_${f.id.replace(/-/g, '_')}`;
