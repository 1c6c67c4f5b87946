import type pg from "pg";
import type { Exemplar } from "../model/metrics.ts";
import type { DistributionRecord, NormalizedMetricsBatch, PointRecord, SeriesRecord } from "../normalize/normalize-metrics.ts";
import type { ProjectRun } from "../normalize/run-identity.ts";
import { copyHexBytes, copyJson, copyText } from "./copy-text.ts";
import { BinaryCopyRows } from "./copy-binary.ts";
import { copyIn, copyUnlessStored, createStage } from "./copy-stream.ts";
import { GroupCommitQueue, DEFAULT_GROUP_COMMIT, type GroupCommitOptions } from "./group-commit.ts";
import { upsertRuns } from "./run-rows.ts";
import { mergeTiles, tilesOfPoints, TILE_STAGE, upsertTiles, type TiledPoint, type TileMap } from "./metric-tiles.ts";
import { applySeriesStats, mergeStats, statsOfPoints, type SeriesStatsMap } from "./series-stats.ts";
import { attributesJson, doubleJson, jsonString, storableString } from "./stored-json.ts";

export interface MetricWriter {
  /** Idempotent (a re-sent point is stored once); resolves only when committed. */
  writeMetrics(batch: NormalizedMetricsBatch): Promise<void>;
  /** True while a batch with data would be refused (429) for want of room: lets the receiver refuse before decoding. */
  saturated(): boolean;
  close(): Promise<void>;
}

interface MetricUnit {
  rows: number;
  runs: ProjectRun[];
  series: SeriesRecord[];
  /** Binary COPY rows (copy-binary.ts). */
  points: Buffer;
  /** What the points add to their series if all of them are new (the fast path). */
  pointStats: SeriesStatsMap;
  /** Likewise for the tiles of their series (metric-tiles.ts). */
  pointTiles: TileMap;
  distributions: string;
}

const POINT_COLUMNS = ["project", "series_id", "step", "time_unix_nano", "epoch", "value", "start_time_unix_nano", "flags", "exemplars"] as const;
const DISTRIBUTION_COLUMNS = [
  "project", "series_id", "step", "time_unix_nano", "epoch", "start_time_unix_nano", "count", "sum", "min", "max", "flags", "data", "exemplars",
] as const;

/**
 * Writes metric series, points and distributions through a group-commit queue (see group-commit.ts).
 * Points take a fast path when none of a group's points is stored yet: COPY straight into
 * metric_points inside a savepoint, and the series aggregates folded in from the points as
 * encoded. If one is stored already (a re-send: the COPY fails on the unique key), the savepoint
 * is rolled back and the group takes the staged path: COPY into a per-connection staging table,
 * then INSERT … ON CONFLICT DO NOTHING whose RETURNING feeds the aggregates. Either way each
 * point is stored and counted once.
 */
export class GroupCommitMetricWriter implements MetricWriter {
  private readonly queue: GroupCommitQueue<MetricUnit>;

  constructor(pool: pg.Pool, options: GroupCommitOptions = DEFAULT_GROUP_COMMIT) {
    this.queue = new GroupCommitQueue(pool, writeGroup, options, async (client) => {
      await createStage(client, "point_stage", "metric_points");
      await createStage(client, "distribution_stage", "metric_distributions");
      await createStage(client, TILE_STAGE, "metric_tiles");
    });
  }

  writeMetrics(batch: NormalizedMetricsBatch): Promise<void> {
    const dataRows = batch.points.length + batch.distributions.length;
    const unit: MetricUnit = {
      // A request without points still states its runs (e.g. a run's final status): it counts as one row.
      rows: dataRows > 0 ? dataRows : batch.runs.length > 0 ? 1 : 0,
      runs: batch.runs,
      series: batch.series,
      points: pointRows(batch.points),
      pointStats: statsOfPoints(batch.points),
      pointTiles: tilesOfPoints(batch.points),
      distributions: batch.distributions.map(distributionLine).join(""),
    };
    return this.queue.submit(unit);
  }

  saturated(): boolean {
    return this.queue.full;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

async function writeGroup(client: pg.PoolClient, units: MetricUnit[]): Promise<void> {
  await upsertRuns(client, units.flatMap((u) => u.runs));
  const series = units.flatMap((u) => u.series);
  if (series.length > 0) await insertSeries(client, series);
  if (units.some((u) => u.points.length > 0)) {
    if (await copyUnlessStored(client, "metric_points", POINT_COLUMNS, units.map((u) => u.points))) {
      await applySeriesStats(client, mergeStats(units.map((u) => u.pointStats)), lastWins());
      await upsertTiles(client, mergeTiles(units.map((u) => u.pointTiles)));
    } else {
      await copyIn(client, "point_stage", POINT_COLUMNS, units.map((u) => u.points));
      const inserted = (await client.query<InsertedPoint>(INSERT_POINTS)).rows.map(toTiledPoint);
      await applySeriesStats(client, mergeStats([statsOfPoints(inserted)]), lastWins());
      await upsertTiles(client, mergeTiles([tilesOfPoints(inserted)]));
    }
  }
  if (units.some((u) => u.distributions.length > 0)) {
    await copyIn(client, "distribution_stage", DISTRIBUTION_COLUMNS, units.map((u) => u.distributions));
    await client.query(INSERT_DISTRIBUTIONS);
  }
}

async function insertSeries(client: pg.PoolClient, all: SeriesRecord[]): Promise<void> {
  // One row per stored key: the statement may not touch a row twice.
  const keyOf = (s: SeriesRecord): string => storableString(s.project) + "\0" + s.seriesId;
  const unique = new Map<string, SeriesRecord>();
  for (const s of all) {
    const prev = unique.get(keyOf(s));
    if (!prev || s.valueType === "double") unique.set(keyOf(s), s);
  }
  const rows = [...unique.values()].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
  // New series are created; an int series that receives a double becomes a double series.
  await client.query(
    `INSERT INTO metric_series AS s (project, series_id, run_id, name, kind, context, unit, description, temporality, monotonic, value_type, scope_name)
     SELECT p, decode(id, 'hex'), r, n, k, c, u, d, t, m, v, sc
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::text[], $9::int[], $10::bool[], $11::text[], $12::text[])
            WITH ORDINALITY AS x(p, id, r, n, k, c, u, d, t, m, v, sc, ord)
      ORDER BY ord
     ON CONFLICT (project, series_id) DO UPDATE SET value_type = 'double'
      WHERE s.value_type = 'int' AND EXCLUDED.value_type = 'double'`,
    [
      rows.map((s) => storableString(s.project)),
      rows.map((s) => s.seriesId),
      rows.map((s) => storableString(s.runId)),
      rows.map((s) => storableString(s.name)),
      rows.map((s) => s.kind),
      rows.map((s) => s.context),
      rows.map((s) => storableString(s.unit)),
      rows.map((s) => storableString(s.description)),
      rows.map((s) => s.temporality),
      rows.map((s) => s.monotonic),
      rows.map((s) => s.valueType),
      rows.map((s) => storableString(s.scopeName)),
    ],
  );
}

/**
 * Moves staged points into metric_points, skipping re-sent ones; the inserted ones come back to be
 * folded into their series and tiles exactly as the fast path folds its points.
 */
const INSERT_POINTS = `
INSERT INTO metric_points (${POINT_COLUMNS.join(", ")})
SELECT ${POINT_COLUMNS.join(", ")} FROM point_stage ORDER BY series_id, step, time_unix_nano, project
ON CONFLICT (project, series_id, step, time_unix_nano) DO NOTHING
RETURNING project, encode(series_id, 'hex') AS series_id, step::text, time_unix_nano::text, epoch::text, value`;

interface InsertedPoint {
  project: string;
  series_id: string;
  step: string | null;
  time_unix_nano: string;
  epoch: string | null;
  value: number;
}

function toTiledPoint(r: InsertedPoint): TiledPoint {
  return {
    project: r.project,
    seriesId: r.series_id,
    step: r.step === null ? null : BigInt(r.step),
    timeUnixNano: BigInt(r.time_unix_nano),
    epoch: r.epoch === null ? null : BigInt(r.epoch),
    value: r.value,
  };
}

const INSERT_DISTRIBUTIONS = `
WITH inserted AS (
  INSERT INTO metric_distributions (${DISTRIBUTION_COLUMNS.join(", ")})
  SELECT ${DISTRIBUTION_COLUMNS.join(", ")} FROM distribution_stage ORDER BY project, series_id, step, time_unix_nano
  ON CONFLICT (project, series_id, step, time_unix_nano) DO NOTHING
  RETURNING project, series_id, step, time_unix_nano
), agg AS (
  SELECT project, series_id, count(*) AS n FROM inserted GROUP BY project, series_id
), last AS (
  SELECT DISTINCT ON (project, series_id) project, series_id, step, time_unix_nano, NULL::double precision AS value
    FROM inserted ORDER BY project, series_id, step DESC NULLS LAST, time_unix_nano DESC
)
UPDATE metric_series s SET
  point_count = s.point_count + a.n,
  last_step = CASE WHEN ${lastWins()} THEN l.step ELSE s.last_step END,
  last_time_unix_nano = CASE WHEN ${lastWins()} THEN l.time_unix_nano ELSE s.last_time_unix_nano END,
  updated_at = now()
FROM agg a JOIN last l USING (project, series_id)
WHERE s.project = a.project AND s.series_id = a.series_id`;

function lastWins(): string {
  return `(s.last_time_unix_nano IS NULL OR (coalesce(l.step, -1), l.time_unix_nano) > (coalesce(s.last_step, -1), s.last_time_unix_nano))`;
}

function nullableInt(v: bigint | null): string {
  return v === null ? "\\N" : v.toString();
}

function nullableDouble(v: number | null): string {
  return v === null ? "\\N" : String(v);
}

/**
 * The points as binary COPY rows: no number is formatted here or parsed by the server. Consecutive
 * points of one series (the usual case) share its encoded key columns.
 */
function pointRows(points: PointRecord[]): Buffer {
  const rows = new BinaryCopyRows(points.length * 100 + 64);
  let project: string | undefined;
  let seriesId: string | undefined;
  let key: Buffer = Buffer.alloc(0);
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (p.seriesId !== seriesId || p.project !== project) {
      (project = p.project), (seriesId = p.seriesId);
      const k = new BinaryCopyRows(64 + project.length * 3);
      k.text(project);
      k.hexBytes(seriesId);
      key = k.finish();
    }
    rows.row(POINT_COLUMNS.length);
    rows.raw(key);
    rows.int8(p.step);
    rows.int8(p.timeUnixNano);
    rows.int8(p.epoch);
    rows.float8(p.value);
    rows.int8(p.startTimeUnixNano);
    rows.int4(p.flags);
    rows.jsonb(p.exemplars.length === 0 ? null : exemplarsJson(p.exemplars));
  }
  return rows.finish();
}

function distributionLine(d: DistributionRecord): string {
  return (
    copyText(d.project) + "\t" + copyHexBytes(d.seriesId) + "\t" + nullableInt(d.step) + "\t" + d.timeUnixNano + "\t" + nullableInt(d.epoch) +
    "\t" + d.startTimeUnixNano + "\t" + d.count + "\t" + nullableDouble(d.sum) + "\t" + nullableDouble(d.min) + "\t" + nullableDouble(d.max) +
    "\t" + d.flags + "\t" + copyJson(JSON.stringify(d.data, finiteOrString)) + "\t" + exemplarsCopy(d.exemplars) + "\n"
  );
}

/** Doubles inside distribution data that JSON cannot hold (NaN, ±Infinity bounds) become strings. */
function finiteOrString(_key: string, v: unknown): unknown {
  return typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
}

function exemplarsCopy(exemplars: Exemplar[]): string {
  return exemplars.length === 0 ? "\\N" : copyJson(exemplarsJson(exemplars));
}

function exemplarsJson(exemplars: Exemplar[]): string {
  return (
    "[" +
    exemplars
      .map(
        (e) =>
          `{"timeUnixNano":"${e.timeUnixNano}","value":${e.value === null ? "null" : typeof e.value === "bigint" ? e.value.toString() : doubleJson(e.value)},` +
          `"traceId":${jsonString(e.traceId)},"spanId":${jsonString(e.spanId)},"filteredAttributes":${attributesJson(e.filteredAttributes)}}`,
      )
      .join(",") +
    "]"
  );
}

