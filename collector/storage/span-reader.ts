import type pg from "pg";
import type { SelectedSpanRow } from "./span-rows.ts";
import type { QueryFilter } from "../query/compile-query.ts";
import { queryWithFilter } from "../query/execute-filtered.ts";

/** Finds single spans across traces (GET /api/spans): newest first, keyset-paginated. */

export interface SpanQuery {
  project: string;
  /** A compiled `q=` (target "spans"). */
  filter?: QueryFilter;
  /** Span start in [startFrom, startTo), nanoseconds. */
  startFrom?: bigint;
  startTo?: bigint;
  limit: number;
  /** Keyset position: spans strictly before this (start, trace id, span id) in the list order. */
  after?: SpanCursor;
}

export interface SpanCursor {
  startTimeUnixNano: bigint;
  traceId: string;
  spanId: string;
}

/** A span of the list: its own fields, attributes as stored JSON text, and the canonical AI columns. */
export type SpanListRow = Omit<
  SelectedSpanRow,
  "trace_state" | "flags" | "dropped_attributes_count" | "events" | "dropped_events_count" | "links" | "dropped_links_count" | "resource_id" | "scope_id" | "ai"
>;

export interface SpanPage {
  spans: SpanListRow[];
  next: SpanCursor | null;
}

export class PostgresSpanReader {
  constructor(private readonly pool: pg.Pool) {}

  async findSpans(q: SpanQuery): Promise<SpanPage> {
    const { text, values } = findSpansStatement(q);
    const { rows } = q.filter ? await queryWithFilter<SpanListRow>(this.pool, q.filter, text, values) : await this.pool.query<SpanListRow>(text, values);
    const more = rows.length > q.limit;
    const spans = rows.slice(0, q.limit);
    const last = spans[spans.length - 1];
    return { spans, next: more && last ? { startTimeUnixNano: BigInt(last.start_time_unix_nano), traceId: last.trace_id, spanId: last.span_id } : null };
  }
}

/** The span-list statement (also used by GET /api/query/explain and bench:query). */
export function findSpansStatement(q: SpanQuery): { text: string; values: unknown[] } {
  const params: unknown[] = [q.project];
  const p = (v: unknown): string => `$${params.push(v)}`;
  const where = ["s.project = $1"];
  if (q.after) {
    where.push(
      `(s.start_time_unix_nano, s.trace_id, s.span_id) < (${p(String(q.after.startTimeUnixNano))}::bigint, decode(${p(q.after.traceId)}, 'hex'), decode(${p(q.after.spanId)}, 'hex'))`,
    );
  }
  if (q.startFrom !== undefined) where.push(`s.start_time_unix_nano >= ${p(String(q.startFrom))}::bigint`);
  if (q.startTo !== undefined) where.push(`s.start_time_unix_nano < ${p(String(q.startTo))}::bigint`);
  if (q.filter) where.push(q.filter.toSql("s", p));
  const text = `
    SELECT encode(s.trace_id, 'hex') AS trace_id, encode(s.span_id, 'hex') AS span_id, coalesce(encode(s.parent_span_id, 'hex'), '') AS parent_span_id,
           s.name, s.kind, s.start_time_unix_nano, s.end_time_unix_nano, s.service_name, s.status_code, s.status_message, s.run_id,
           s.attributes::text AS attributes, s.ai_type, s.ai_model, s.ai_provider, s.ai_input_tokens, s.ai_output_tokens, s.ai_total_tokens,
           s.ai_cost_usd, s.ai_session_id, s.ai_user_id, s.ai_tool_name, s.ai_agent_name
      FROM spans s
     WHERE ${where.join(" AND ")}
     ORDER BY s.start_time_unix_nano DESC, s.trace_id DESC, s.span_id DESC
     LIMIT ${p(q.limit + 1)}`;
  return { text, values: params };
}
