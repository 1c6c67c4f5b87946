import type pg from "pg";
import type { TiledPoint } from "./metric-tiles.ts";
import { storableString } from "./stored-json.ts";

/**
 * What a set of new points adds to their series' aggregates (point count, min and max ignoring
 * NaN, the last point), computed from the points themselves. Valid only when every one of them is
 * stored, i.e. none was stored before: the writer's fast path (metric-writer.ts). Same rules as the
 * SQL of the staged path: "last" is the greatest (step, time), points without a step first.
 */
export interface SeriesStats {
  /** As stored (storableString). */
  project: string;
  seriesId: string;
  count: number;
  min: number | null;
  max: number | null;
  lastStep: bigint | null;
  lastTime: bigint;
  lastValue: number;
  /** The earliest point in (step, time) order. */
  firstStep: bigint | null;
  firstTime: bigint;
  /**
   * True when the points have steps, came in increasing (step, time) order and their times never
   * decrease: a time chart may then be drawn from the series' tiles (api/pick-points.ts). False is
   * always safe (every point is read).
   */
  timeInStepOrder: boolean;
}

export type SeriesStatsMap = Map<string, SeriesStats>;

/** Folds a point into its series' stats; returns them. Keyed by the stored project (two that store alike are one). */
export function addPoint(stats: SeriesStatsMap, p: TiledPoint): SeriesStats {
  const project = storableString(p.project);
  const key = project + "\0" + p.seriesId;
  let s = stats.get(key);
  if (s) foldPoint(s, p);
  else stats.set(key, (s = firstPoint(p, project)));
  return s;
}

/** The points of one request, folded in order: consecutive points of one series (the usual case) skip the map. */
export function statsOfPoints(points: TiledPoint[]): SeriesStatsMap {
  const stats: SeriesStatsMap = new Map();
  let last: SeriesStats | undefined;
  let lastProject = "";
  for (const p of points) {
    if (last !== undefined && p.seriesId === last.seriesId && p.project === lastProject) foldPoint(last, p);
    else {
      last = addPoint(stats, p);
      lastProject = p.project;
    }
  }
  return stats;
}

function firstPoint(p: TiledPoint, project: string): SeriesStats {
  const finite = !Number.isNaN(p.value);
  return {
    project,
    seriesId: p.seriesId,
    count: 1,
    min: finite ? p.value : null,
    max: finite ? p.value : null,
    lastStep: p.step,
    lastTime: p.timeUnixNano,
    lastValue: p.value,
    firstStep: p.step,
    firstTime: p.timeUnixNano,
    timeInStepOrder: p.step !== null,
  };
}

function foldPoint(s: SeriesStats, p: TiledPoint): void {
  const v = p.value;
  s.count++;
  if (!Number.isNaN(v)) {
    if (s.min === null || v < s.min) s.min = v;
    if (s.max === null || v > s.max) s.max = v;
  }
  // Only points arriving after the last one, in step and in time, keep the order (else: unknown, false).
  if (s.timeInStepOrder && !(p.step !== null && s.lastStep !== null && p.step > s.lastStep && p.timeUnixNano >= s.lastTime)) s.timeInStepOrder = false;
  if (isLater(p.step, p.timeUnixNano, s.lastStep, s.lastTime)) {
    s.lastStep = p.step;
    s.lastTime = p.timeUnixNano;
    s.lastValue = v;
  }
  if (isLater(s.firstStep, s.firstTime, p.step, p.timeUnixNano)) {
    s.firstStep = p.step;
    s.firstTime = p.timeUnixNano;
  }
}

/** Whether points b all follow points a, in step and in time. */
function follows(b: SeriesStats, a: SeriesStats): boolean {
  return a.lastStep !== null && b.firstStep !== null && b.firstStep > a.lastStep && b.firstTime >= a.lastTime;
}

/** The stats of several units together. */
export function mergeStats(all: SeriesStatsMap[]): SeriesStats[] {
  const out: SeriesStatsMap = new Map();
  for (const stats of all) {
    for (const [key, s] of stats) {
      const prev = out.get(key);
      if (!prev) {
        out.set(key, { ...s });
        continue;
      }
      prev.timeInStepOrder = prev.timeInStepOrder && s.timeInStepOrder && (follows(s, prev) || follows(prev, s));
      prev.count += s.count;
      if (s.min !== null && (prev.min === null || s.min < prev.min)) prev.min = s.min;
      if (s.max !== null && (prev.max === null || s.max > prev.max)) prev.max = s.max;
      if (isLater(s.lastStep, s.lastTime, prev.lastStep, prev.lastTime)) {
        prev.lastStep = s.lastStep;
        prev.lastTime = s.lastTime;
        prev.lastValue = s.lastValue;
      }
      if (isLater(prev.firstStep, prev.firstTime, s.firstStep, s.firstTime)) {
        prev.firstStep = s.firstStep;
        prev.firstTime = s.firstTime;
      }
    }
  }
  // In key order, as every writer locks series rows.
  return [...out.values()].sort((a, b) => (a.project + "\0" + a.seriesId < b.project + "\0" + b.seriesId ? -1 : 1));
}

function isLater(step: bigint | null, time: bigint, thanStep: bigint | null, thanTime: bigint): boolean {
  const a = step ?? -1n;
  const b = thanStep ?? -1n;
  return a > b || (a === b && time > thanTime);
}

/** Folds the stats into metric_series, with the same rules as the staged path's UPDATE. */
export async function applySeriesStats(client: pg.PoolClient, stats: SeriesStats[], lastWins: string): Promise<void> {
  if (stats.length === 0) return;
  await client.query(
    `UPDATE metric_series s SET
       point_count = s.point_count + l.n,
       min_value = LEAST(s.min_value, l.min_value),
       max_value = GREATEST(s.max_value, l.max_value),
       last_step = CASE WHEN ${lastWins} THEN l.step ELSE s.last_step END,
       last_time_unix_nano = CASE WHEN ${lastWins} THEN l.time_unix_nano ELSE s.last_time_unix_nano END,
       last_value = CASE WHEN ${lastWins} THEN l.value ELSE s.last_value END,
       -- Still in order only if the new points, in order themselves, all follow the stored ones.
       time_in_step_order = s.time_in_step_order AND l.in_order
         AND (s.point_count = 0 OR (s.last_step IS NOT NULL AND l.first_step > s.last_step AND l.first_time >= s.last_time_unix_nano)),
       updated_at = now()
     FROM unnest($1::text[], $2::text[], $3::bigint[], $4::float8[], $5::float8[], $6::bigint[], $7::bigint[], $8::float8[],
                 $9::bigint[], $10::bigint[], $11::bool[])
          AS l(project, id, n, min_value, max_value, step, time_unix_nano, value, first_step, first_time, in_order)
     WHERE s.project = l.project AND s.series_id = decode(l.id, 'hex')`,
    [
      stats.map((s) => s.project),
      stats.map((s) => s.seriesId),
      stats.map((s) => s.count),
      stats.map((s) => s.min),
      stats.map((s) => s.max),
      stats.map((s) => (s.lastStep === null ? null : s.lastStep.toString())),
      stats.map((s) => s.lastTime.toString()),
      // NaN and ±Infinity go as the text float8 reads ("NaN", "Infinity", "-Infinity").
      stats.map((s) => String(s.lastValue)),
      stats.map((s) => (s.firstStep === null ? null : s.firstStep.toString())),
      stats.map((s) => s.firstTime.toString()),
      stats.map((s) => s.timeInStepOrder),
    ],
  );
}
