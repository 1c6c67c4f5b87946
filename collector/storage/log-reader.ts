import type pg from "pg";

export interface LogQuery {
  project: string;
  runId?: string;
  traceId?: string;
  spanId?: string;
  /** Records at or above this SeverityNumber. */
  minSeverity?: number;
  eventName?: string;
  limit: number;
  /** Keyset position: records strictly after this (sort time, log id). */
  after?: { sortTimeUnixNano: bigint; logId: string };
}

/** A stored log record with its attribute and body JSON as Postgres returns it. */
export interface StoredLog {
  logId: string;
  runId: string;
  timeUnixNano: string;
  observedTimeUnixNano: string;
  sortTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: string;
  attributes: string;
  droppedAttributesCount: number;
  flags: number;
  traceId: string;
  spanId: string;
  eventName: string;
}

/** Reads log records, oldest first, keyset-paginated. */
export class PostgresLogReader {
  constructor(private readonly pool: pg.Pool) {}

  async findLogs(q: LogQuery): Promise<{ logs: StoredLog[]; next: { sortTimeUnixNano: bigint; logId: string } | null }> {
    const params: unknown[] = [q.project];
    const p = (v: unknown): string => `$${params.push(v)}`;
    const where = ["project = $1"];
    if (q.runId !== undefined) where.push(`run_id = ${p(q.runId)}`);
    if (q.traceId !== undefined) where.push(`trace_id = decode(${p(q.traceId)}, 'hex')`);
    if (q.spanId !== undefined) where.push(`span_id = decode(${p(q.spanId)}, 'hex')`);
    if (q.minSeverity !== undefined) where.push(`severity_number >= ${p(q.minSeverity)}`);
    if (q.eventName !== undefined) where.push(`event_name = ${p(q.eventName)}`);
    if (q.after) where.push(`(sort_time_unix_nano, log_id) > (${p(String(q.after.sortTimeUnixNano))}::bigint, decode(${p(q.after.logId)}, 'hex'))`);
    const { rows } = await this.pool.query<LogRow>(
      `SELECT encode(log_id, 'hex') AS log_id, run_id, time_unix_nano, observed_time_unix_nano, sort_time_unix_nano, severity_number, severity_text,
              body::text AS body, attributes::text AS attributes, dropped_attributes_count::float8 AS dropped_attributes_count, flags,
              coalesce(encode(trace_id, 'hex'), '') AS trace_id, coalesce(encode(span_id, 'hex'), '') AS span_id, event_name
         FROM logs WHERE ${where.join(" AND ")}
        ORDER BY sort_time_unix_nano, log_id
        LIMIT ${p(q.limit + 1)}`,
      params,
    );
    const logs = rows.slice(0, q.limit).map(
      (r): StoredLog => ({
        logId: r.log_id,
        runId: r.run_id,
        timeUnixNano: r.time_unix_nano,
        observedTimeUnixNano: r.observed_time_unix_nano,
        sortTimeUnixNano: r.sort_time_unix_nano,
        severityNumber: r.severity_number,
        severityText: r.severity_text,
        body: r.body,
        attributes: r.attributes,
        droppedAttributesCount: r.dropped_attributes_count,
        flags: Number(r.flags),
        traceId: r.trace_id,
        spanId: r.span_id,
        eventName: r.event_name,
      }),
    );
    const last = logs[logs.length - 1];
    return { logs, next: rows.length > q.limit && last ? { sortTimeUnixNano: BigInt(last.sortTimeUnixNano), logId: last.logId } : null };
  }
}

interface LogRow {
  log_id: string;
  run_id: string;
  time_unix_nano: string;
  observed_time_unix_nano: string;
  sort_time_unix_nano: string;
  severity_number: number;
  severity_text: string;
  body: string;
  attributes: string;
  dropped_attributes_count: number;
  flags: string;
  trace_id: string;
  span_id: string;
  event_name: string;
}
