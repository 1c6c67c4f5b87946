import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import type { SeriesKind } from "../normalize/normalize-metrics.ts";
import { parsePointArrays, POINT_ARRAYS_SQL } from "./point-arrays.ts";
import { parseTileRows, TILE_ROWS_SQL, type TileCandidates } from "./metric-tiles.ts";
import type { QueryFilter } from "../query/compile-query.ts";
import { queryWithFilter } from "../query/execute-filtered.ts";

/** Reads metric series and their points (the read half of the storage seam for metrics). */

export interface SeriesQuery {
  project: string;
  runIds?: string[];
  names?: string[];
  /** Series whose context contains this JSON object (stored JSON form). */
  context?: string;
  kinds?: SeriesKind[];
  limit: number;
  /** A compiled `q=` (target "metrics"), ANDed with the conditions above. */
  filter?: QueryFilter;
}

export interface SeriesInfo {
  seriesId: string;
  runId: string;
  name: string;
  kind: SeriesKind;
  /** Stored JSON text of the context object. */
  context: string;
  unit: string;
  description: string;
  temporality: number;
  monotonic: boolean;
  valueType: "int" | "double" | null;
  pointCount: number;
  lastStep: string | null;
  lastTimeUnixNano: string | null;
  lastValue: number | null;
  minValue: number | null;
  maxValue: number | null;
  /** Every point has a step and time never decreases in step order (metric_series.time_in_step_order). */
  timeInStepOrder: boolean;
  /** Likewise for epochs (metric_series.epoch_in_step_order). */
  epochInStepOrder: boolean;
}

/**
 * A series' points in columns, ordered by step (points without a step last, by time).
 * step/epoch are NaN where the point has none.
 */
export interface PointColumns {
  step: Float64Array;
  epoch: Float64Array;
  time: BigInt64Array;
  value: Float64Array;
}

export class PostgresMetricReader {
  constructor(private readonly pool: pg.Pool) {}

  async findSeries(q: SeriesQuery): Promise<SeriesInfo[]> {
    const { text, values } = findSeriesStatement(q);
    const { rows } = q.filter ? await queryWithFilter<SeriesRow>(this.pool, q.filter, text, values) : await this.pool.query<SeriesRow>(text, values);
    return rows.map(toSeriesInfo);
  }

  /**
   * Every point of the given series, at full resolution. Points stream out of Postgres as binary
   * COPY (no per-row objects), on two connections at once for many series.
   */
  async readPoints(project: string, seriesIds: string[]): Promise<Map<string, PointColumns>> {
    const out = new Map<string, PointColumns>();
    if (seriesIds.length === 0) return out;
    const half = Math.ceil(seriesIds.length / 2);
    const parts = seriesIds.length > 8 ? [seriesIds.slice(0, half), seriesIds.slice(half)] : [seriesIds];
    const results = await Promise.all(parts.map((ids) => this.readPart(project, ids)));
    for (const part of results) for (const [id, cols] of part) out.set(id, cols);
    return out;
  }

  /**
   * The tile candidates (metric-tiles.ts) of the given series, for the downsampled read: per series
   * its tiles' first, last, lowest and highest points in (step, time) order, and how many points
   * the tiles count. A series with no tiles is absent.
   */
  async readTileCandidates(project: string, seriesIds: string[]): Promise<Map<string, TileCandidates>> {
    if (seriesIds.length === 0) return new Map();
    return parseTileRows(await this.copySeries(project, seriesIds, TILE_ROWS_SQL), seriesIds);
  }

  private async readPart(project: string, seriesIds: string[]): Promise<Map<string, PointColumns>> {
    // One row per series with its points packed into byte strings (in index order; see
    // point-arrays.ts), so the client handles a few large rows instead of one message per
    // point. Rows come in any order (each names its series): sorting them would spill to disk.
    const data = await this.copySeries(
      project,
      seriesIds,
      `SELECT r.no, p.steps, p.epochs, p.times, p.vals
         FROM read_series r
         CROSS JOIN LATERAL (SELECT ${POINT_ARRAYS_SQL.steps} AS steps, ${POINT_ARRAYS_SQL.epochs} AS epochs,
                                    ${POINT_ARRAYS_SQL.times} AS times, ${POINT_ARRAYS_SQL.values} AS vals
                               FROM (SELECT step, epoch, time_unix_nano, value FROM metric_points m
                                      WHERE m.project = r.project AND m.series_id = r.series_id
                                      ORDER BY m.step, m.time_unix_nano) AS ordered) p`,
    );
    return parsePointArrays(data, seriesIds);
  }

  /**
   * The binary COPY of a SELECT over the given series, which it finds in the temporary table
   * read_series (no: index into seriesIds, project, series_id): COPY takes no bind parameters.
   */
  private async copySeries(project: string, seriesIds: string[], select: string): Promise<Buffer> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      // JIT compilation would cost more than these plain scans save (tens of ms per call).
      await client.query("SET LOCAL jit = off");
      await client.query("CREATE TEMP TABLE IF NOT EXISTS read_series (no integer, project text, series_id bytea) ON COMMIT DELETE ROWS");
      await client.query("INSERT INTO read_series SELECT o - 1, $1, decode(id, 'hex') FROM unnest($2::text[]) WITH ORDINALITY AS u(id, o)", [
        project,
        seriesIds,
      ]);
      const chunks: Buffer[] = [];
      for await (const chunk of client.query(copyTo(`COPY (${select}) TO STDOUT (FORMAT binary)`))) chunks.push(chunk as Buffer);
      await client.query("COMMIT");
      return Buffer.concat(chunks);
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async readDistributions(project: string, seriesIds: string[]): Promise<Map<string, DistributionRow[]>> {
    const { rows } = await this.pool.query<DistributionRow & { series_id: string }>(
      `SELECT encode(series_id, 'hex') AS series_id, step, epoch, time_unix_nano, start_time_unix_nano, count::text AS count, sum, min, max, flags, data
         FROM metric_distributions
        WHERE project = $1 AND series_id = ANY ($2::bytea[])
        ORDER BY series_id, step, time_unix_nano`,
      [project, seriesIds.map((id) => Buffer.from(id, "hex"))],
    );
    const out = new Map<string, DistributionRow[]>();
    for (const { series_id, ...row } of rows) {
      let list = out.get(series_id);
      if (!list) out.set(series_id, (list = []));
      list.push(row);
    }
    return out;
  }
}

/** The series-list statement for a query (also used by GET /api/query/explain and bench:query). */
export function findSeriesStatement(q: SeriesQuery): { text: string; values: unknown[] } {
  const params: unknown[] = [q.project];
  const p = (v: unknown): string => `$${params.push(v)}`;
  const where = ["s.project = $1"];
  if (q.runIds) where.push(`s.run_id = ANY (${p(q.runIds)}::text[])`);
  // left(name, 300) is what the metric_series indexes hold.
  if (q.names) {
    const names = p(q.names);
    where.push(`left(s.name, 300) = ANY (ARRAY(SELECT left(n, 300) FROM unnest(${names}::text[]) AS n)) AND s.name = ANY (${names}::text[])`);
  }
  if (q.context) where.push(`s.context @> ${p(q.context)}::jsonb`);
  if (q.kinds) where.push(`s.kind = ANY (${p(q.kinds)}::text[])`);
  if (q.filter) where.push(q.filter.toSql("s", p));
  const text = `SELECT encode(s.series_id, 'hex') AS series_id, s.run_id, s.name, s.kind, s.context::text AS context, s.unit, s.description,
            s.temporality, s.monotonic, s.value_type, s.point_count, s.last_step, s.last_time_unix_nano, s.last_value, s.min_value, s.max_value,
            s.time_in_step_order, s.epoch_in_step_order
       FROM metric_series s
      WHERE ${where.join(" AND ")}
      ORDER BY s.run_id, s.name, s.context::text
      LIMIT ${p(q.limit)}`;
  return { text, values: params };
}

export interface DistributionRow {
  step: string | null;
  epoch: string | null;
  time_unix_nano: string;
  start_time_unix_nano: string;
  count: string;
  sum: number | null;
  min: number | null;
  max: number | null;
  flags: number;
  data: Record<string, unknown>;
}

interface SeriesRow {
  series_id: string;
  run_id: string;
  name: string;
  kind: SeriesKind;
  context: string;
  unit: string;
  description: string;
  temporality: number;
  monotonic: boolean;
  value_type: "int" | "double" | null;
  point_count: string;
  last_step: string | null;
  last_time_unix_nano: string | null;
  last_value: number | null;
  min_value: number | null;
  max_value: number | null;
  time_in_step_order: boolean;
  epoch_in_step_order: boolean;
}

function toSeriesInfo(r: SeriesRow): SeriesInfo {
  return {
    seriesId: r.series_id,
    runId: r.run_id,
    name: r.name,
    kind: r.kind,
    context: r.context,
    unit: r.unit,
    description: r.description,
    temporality: r.temporality,
    monotonic: r.monotonic,
    valueType: r.value_type,
    pointCount: Number(r.point_count),
    lastStep: r.last_step,
    lastTimeUnixNano: r.last_time_unix_nano,
    lastValue: r.last_value,
    minValue: r.min_value,
    maxValue: r.max_value,
    timeInStepOrder: r.time_in_step_order,
    epochInStepOrder: r.epoch_in_step_order,
  };
}
