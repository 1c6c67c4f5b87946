import type { PointColumns } from "../storage/metric-reader.ts";

export type XAxis = "step" | "epoch" | "time";

/** A series' points on one x-axis: the indices (into PointColumns) of the points to show, in x order. */
export interface AxisPoints {
  indices: Uint32Array;
  /** Whether points were dropped to meet the budget. */
  downsampled: boolean;
}

/**
 * Steps for points that have none: numbered in time order (0, 1, 2, …), after any explicit steps.
 * The columns arrive ordered by step with step-less points last, by time, so numbering is one pass.
 */
export function fillMissingSteps(cols: PointColumns): void {
  let next = 0;
  for (let i = 0; i < cols.step.length; i++) {
    const s = cols.step[i]!;
    if (Number.isNaN(s)) cols.step[i] = next++;
    else next = s + 1;
  }
}

/**
 * Orders the points along the x-axis and, when there are more than maxPoints, keeps per bucket of
 * x the first, the last, the lowest and the highest point (M4): the curve's shape and every
 * extreme survive, which random sampling or averaging would lose. NaN values never count as the
 * lowest or highest but are kept when first or last. maxPoints 0 means full resolution.
 */
export function axisPoints(cols: PointColumns, axis: XAxis, maxPoints: number): AxisPoints {
  const n = cols.value.length;
  let order: Uint32Array;
  if (axis === "step") order = identity(n);
  else if (axis === "epoch") {
    const withEpoch: number[] = [];
    for (let i = 0; i < n; i++) if (!Number.isNaN(cols.epoch[i]!)) withEpoch.push(i);
    withEpoch.sort((a, b) => cols.epoch[a]! - cols.epoch[b]! || cols.step[a]! - cols.step[b]!);
    order = Uint32Array.from(withEpoch);
  } else {
    const byTime = Array.from(identity(n));
    byTime.sort((a, b) => (cols.time[a]! < cols.time[b]! ? -1 : cols.time[a]! > cols.time[b]! ? 1 : cols.step[a]! - cols.step[b]!));
    order = Uint32Array.from(byTime);
  }
  if (maxPoints <= 0 || order.length <= maxPoints) return { indices: order, downsampled: false };

  // x of each point in order (typed, so the bucket scan below reads arrays, not closures).
  const m = order.length;
  const xs = new Float64Array(m);
  const source = axis === "step" ? cols.step : axis === "epoch" ? cols.epoch : null;
  for (let k = 0; k < m; k++) xs[k] = source ? source[order[k]!]! : Number(cols.time[order[k]!]!);
  const buckets = Math.max(1, Math.floor(maxPoints / 4));
  const lo = xs[0]!;
  const span = xs[m - 1]! - lo;
  return { indices: m4(order, cols.value, (k) => bucketOf(xs[k]!, lo, span, buckets), maxPoints), downsampled: true };
}

/**
 * The bucket width for stepAlignedM4 over tiles of tileSteps steps: the smallest whole number of
 * tiles that fits the steps firstStep…lastStep into at most maxPoints / 4 buckets, however they
 * fall on the tile grid. Null when tiles cannot serve: fewer than two buckets, or buckets that
 * would be narrower than a tile (then reading the points is cheap enough, and finer).
 */
export function tileBucketWidth(firstStep: number, lastStep: number, maxPoints: number, tileSteps: number): number | null {
  const buckets = Math.floor(maxPoints / 4);
  if (buckets < 2) return null;
  // Steps lo…hi touch fewer than (hi - lo) / width + 2 aligned buckets: at most `buckets`.
  const width = (lastStep - firstStep) / (buckets - 1);
  if (width < tileSteps) return null;
  return Math.ceil(width / tileSteps) * tileSteps;
}

/**
 * M4 on step-aligned buckets: bucket b holds the steps [b·width, (b+1)·width). The tile path of
 * GET /api/metrics uses it (width a whole number of tiles, so each bucket is whole tiles and its
 * first, last, lowest and highest points are among the tiles' — storage/metric-tiles.ts); on the
 * same points, raw or tile candidates, it keeps the same points. cols are in (step, time) order.
 */
export function stepAlignedM4(cols: PointColumns, width: number, maxPoints: number): AxisPoints {
  const steps = cols.step;
  return { indices: m4(identity(steps.length), cols.value, (k) => Math.floor(steps[k]! / width), maxPoints), downsampled: true };
}

/**
 * Keeps per bucket (consecutive points of order with the same bucket number) the first, the last,
 * the lowest and the highest point; ties go to the earliest. Returns indices into the columns.
 */
function m4(order: Uint32Array, values: Float64Array, bucketAt: (k: number) => number, maxPoints: number): Uint32Array {
  const m = order.length;
  const keep: number[] = [];
  let bucketStart = 0;
  while (bucketStart < m) {
    const b = bucketAt(bucketStart);
    let end = bucketStart + 1;
    while (end < m && bucketAt(end) === b) end++;
    let min = -1;
    let max = -1;
    let minValue = 0;
    let maxValue = 0;
    for (let k = bucketStart; k < end; k++) {
      const v = values[order[k]!]!;
      if (Number.isNaN(v)) continue;
      if (min === -1 || v < minValue) (min = k), (minValue = v);
      if (max === -1 || v > maxValue) (max = k), (maxValue = v);
    }
    let picked = [bucketStart, end - 1, min, max].filter((k) => k >= 0);
    // A budget below 4 (one bucket) cannot hold all four: the extremes go first.
    if (maxPoints < 4) picked = [...new Set([min, max, bucketStart, end - 1].filter((k) => k >= 0))].slice(0, maxPoints);
    picked.sort((a, b) => a - b);
    for (let j = 0; j < picked.length; j++) if (j === 0 || picked[j] !== picked[j - 1]) keep.push(order[picked[j]!]!);
    bucketStart = end;
  }
  return Uint32Array.from(keep);
}

function bucketOf(x: number, lo: number, span: number, buckets: number): number {
  if (span <= 0) return 0;
  return Math.min(buckets - 1, Math.floor(((x - lo) / span) * buckets));
}

function identity(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
