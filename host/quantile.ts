// One order statistic, shared by the PWA's stats, Auto's first-use measurement and the bench.

/** The q-quantile (0..1) of `xs` by rank, without interpolation; NaN for no values. */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
}
