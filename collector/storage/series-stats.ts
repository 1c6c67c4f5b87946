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
  };
}

function foldPoint(s: SeriesStats, p: TiledPoint): void {
  const v = p.value;
  s.count++;
  if (!Number.isNaN(v)) {
    if (s.min === null || v < s.min) s.min = v;
    if (s.max === null || v > s.max) s.max = v;
  }
  if (isLater(p.step, p.timeUnixNano, s.lastStep, s.lastTime)) {
    s.lastStep = p.step;
    s.lastTime = p.timeUnixNano;
    s.lastValue = v;
  }
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
      prev.count += s.count;
      if (s.min !== null && (prev.min === null || s.min < prev.min)) prev.min = s.min;
      if (s.max !== null && (prev.max === null || s.max > prev.max)) prev.max = s.max;
      if (isLater(s.lastStep, s.lastTime, prev.lastStep, prev.lastTime)) {
        prev.lastStep = s.lastStep;
        prev.lastTime = s.lastTime;
        prev.lastValue = s.lastValue;
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
       updated_at = now()
     FROM unnest($1::text[], $2::text[], $3::bigint[], $4::float8[], $5::float8[], $6::bigint[], $7::bigint[], $8::float8[])
          AS l(project, id, n, min_value, max_value, step, time_unix_nano, value)
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
    ],
  );
}
