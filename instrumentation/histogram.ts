/** Explicit-bucket histogram of a set of values (for Run.trackDistribution). */
export interface Histogram {
  bounds: number[];
  counts: number[];
  count: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * `bins` equal-width buckets between the finite min and max (the OTLP layout: bounds.length + 1
 * counts, the first and last open-ended). NaN values are left out; ±Infinity land in the open ends.
 */
export function histogramOf(values: Iterable<number>, bins = 64): Histogram {
  const finite: number[] = [];
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (Number.isFinite(v)) finite.push(v);
  }
  if (finite.length === 0) return { bounds: [], counts: count > 0 ? [count] : [], count, sum, min: count ? min : 0, max: count ? max : 0 };
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  // bounds[i] is the upper (inclusive) edge of bucket i; bucket 0 holds everything ≤ lo.
  const bounds = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    let i = v <= lo ? 0 : v > hi ? bounds.length : Math.max(1, Math.min(bins, Math.ceil((v - lo) / width)));
    if (i < bins && v > bounds[i]!) i++; // rounding at an edge
    counts[i]!++;
  }
  return { bounds, counts, count, sum, min, max };
}
