import type pg from "pg";
import type { SelectedSpanRow } from "./span-rows.ts";

/**
 * Reads for the UI's trace view: a trace's span tree as compact columns (no attributes, so a
 * 100,000-span trace is a few MB) and span search. One span with everything and summaries by id
 * come from trace-reader.ts.
 */

export type SpanTreeRow = Pick<
  SelectedSpanRow,
  "span_id" | "parent_span_id" | "name" | "kind" | "start_time_unix_nano" | "end_time_unix_nano" | "service_name" | "status_code" | "ai_type" | "ai_model" | "ai_total_tokens" | "ai_cost_usd"
>;

export async function readSpanTree(pool: pg.Pool, project: string, traceId: string): Promise<SpanTreeRow[]> {
  const { rows } = await pool.query<SpanTreeRow>(
    `SELECT encode(span_id, 'hex') AS span_id, coalesce(encode(parent_span_id, 'hex'), '') AS parent_span_id, name, kind,
            start_time_unix_nano, end_time_unix_nano, service_name, status_code,
            ai_type, ai_model, ai_total_tokens, ai_cost_usd
       FROM spans WHERE project = $1 AND trace_id = $2
      ORDER BY start_time_unix_nano, span_id`,
    [project, Buffer.from(traceId, "hex")],
  );
  return rows;
}

/** Ids of a trace's spans whose name, attributes or events contain `text` (case-insensitive), in start order. */
export async function searchSpans(pool: pg.Pool, project: string, traceId: string, text: string, limit: number): Promise<string[]> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { rows } = await pool.query<{ span_id: string }>(
    `SELECT encode(span_id, 'hex') AS span_id FROM spans
      WHERE project = $1 AND trace_id = $2 AND (name ILIKE $3 OR attributes::text ILIKE $3 OR events::text ILIKE $3)
      ORDER BY start_time_unix_nano, span_id LIMIT $4`,
    [project, Buffer.from(traceId, "hex"), pattern, limit],
  );
  return rows.map((r) => r.span_id);
}
