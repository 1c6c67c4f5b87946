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
  lastEpoch: bigint | null;
  lastValue: number;
  /** The earliest point in (step, time) order. */
  firstStep: bigint | null;
  firstTime: bigint;
  firstEpoch: bigint | null;
  /**
   * True when the points have steps, came in increasing step order and their times never
   * decrease: a time chart may then be drawn from the series' tiles (api/pick-points.ts). False is
   * always safe (every point is read).
   */
  timeInStepOrder: boolean;
  /** Likewise for epochs: every point has one, and they never decrease in step order. */
  epochInStepOrder: boolean;
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
    lastEpoch: p.epoch,
    lastValue: p.value,
    firstStep: p.step,
    firstTime: p.timeUnixNano,
    firstEpoch: p.epoch,
    timeInStepOrder: p.step !== null,
    epochInStepOrder: p.step !== null && p.epoch !== null,
  };
}

function foldPoint(s: SeriesStats, p: TiledPoint): void {
  const v = p.value;
  s.count++;
  if (!Number.isNaN(v)) {
    if (s.min === null || v < s.min) s.min = v;
    if (s.max === null || v > s.max) s.max = v;
  }
  // Only a point arriving after the last one in step, and not before it in time (epoch), keeps the
  // order; anything else leaves it unknown: false.
  const after = p.step !== null && s.lastStep !== null && p.step > s.lastStep;
  if (s.timeInStepOrder && !(after && p.timeUnixNano >= s.lastTime)) s.timeInStepOrder = false;
  if (s.epochInStepOrder && !(after && p.epoch !== null && s.lastEpoch !== null && p.epoch >= s.lastEpoch)) s.epochInStepOrder = false;
  if (isLater(p.step, p.timeUnixNano, s.lastStep, s.lastTime)) {
    s.lastStep = p.step;
    s.lastTime = p.timeUnixNano;
    s.lastEpoch = p.epoch;
    s.lastValue = v;
  }
  if (isLater(s.firstStep, s.firstTime, p.step, p.timeUnixNano)) {
    s.firstStep = p.step;
    s.firstTime = p.timeUnixNano;
    s.firstEpoch = p.epoch;
  }
}

/** Whether the points of b all come after those of a in step, and not before them in time. */
function followsInTime(b: SeriesStats, a: SeriesStats): boolean {
  return a.lastStep !== null && b.firstStep !== null && b.firstStep > a.lastStep && b.firstTime >= a.lastTime;
}

/** Likewise in epoch. */
function followsInEpoch(b: SeriesStats, a: SeriesStats): boolean {
  return a.lastStep !== null && b.firstStep !== null && b.firstStep > a.lastStep && a.lastEpoch !== null && b.firstEpoch !== null && b.firstEpoch >= a.lastEpoch;
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
      prev.timeInStepOrder = prev.timeInStepOrder && s.timeInStepOrder && (followsInTime(s, prev) || followsInTime(prev, s));
      prev.epochInStepOrder = prev.epochInStepOrder && s.epochInStepOrder && (followsInEpoch(s, prev) || followsInEpoch(prev, s));
      prev.count += s.count;
      if (s.min !== null && (prev.min === null || s.min < prev.min)) prev.min = s.min;
      if (s.max !== null && (prev.max === null || s.max > prev.max)) prev.max = s.max;
      if (isLater(s.lastStep, s.lastTime, prev.lastStep, prev.lastTime)) {
        prev.lastStep = s.lastStep;
        prev.lastTime = s.lastTime;
        prev.lastEpoch = s.lastEpoch;
        prev.lastValue = s.lastValue;
      }
      if (isLater(prev.firstStep, prev.firstTime, s.firstStep, s.firstTime)) {
        prev.firstStep = s.firstStep;
        prev.firstTime = s.firstTime;
        prev.firstEpoch = s.firstEpoch;
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
       last_epoch = CASE WHEN ${lastWins} THEN l.epoch ELSE s.last_epoch END,
       -- Still in order only if the new points, in order themselves, all follow the stored ones.
       -- (coalesce: a missing step or epoch compares as NULL, which means not in order.)
       time_in_step_order = coalesce(s.time_in_step_order AND l.time_in_order
         AND (s.point_count = 0 OR (l.first_step > s.last_step AND l.first_time >= s.last_time_unix_nano)), false),
       epoch_in_step_order = coalesce(s.epoch_in_step_order AND l.epoch_in_order
         AND (s.point_count = 0 OR (l.first_step > s.last_step AND l.first_epoch >= s.last_epoch)), false),
       updated_at = now()
     FROM unnest($1::text[], $2::text[], $3::bigint[], $4::float8[], $5::float8[], $6::bigint[], $7::bigint[], $8::float8[],
                 $9::bigint[], $10::bigint[], $11::bool[], $12::bigint[], $13::bigint[], $14::bool[])
          AS l(project, id, n, min_value, max_value, step, time_unix_nano, value, first_step, first_time, time_in_order, epoch, first_epoch, epoch_in_order)
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
      stats.map((s) => (s.lastEpoch === null ? null : s.lastEpoch.toString())),
      stats.map((s) => (s.firstEpoch === null ? null : s.firstEpoch.toString())),
      stats.map((s) => s.epochInStepOrder),
    ],
  );
}
