import type pg from "pg";
import type { SelectedSpanRow } from "./span-rows.ts";
import { addAiFromLogEvents } from "./ai-from-log-events.ts";
import type { QueryFilter } from "../query/compile-query.ts";
import { queryWithFilter } from "../query/execute-filtered.ts";

/** The read half of the storage seam: typed queries in, rows with raw stored JSON out. */

export type AttributeScalar = string | number | boolean;

export interface TraceQuery {
  project: string;
  /** The trace has a span of this service (the same span as spanName/attributes when those are set). */
  service?: string;
  /** The trace has a span with this name. */
  spanName?: string;
  /** The trace took part in this run. */
  runId?: string;
  /** The trace has a span carrying every one of these attributes; a key matches any of its candidate values. */
  attributes?: Array<{ key: string; anyOf: AttributeScalar[] }>;
  /** Trace start in [startFrom, startTo), nanoseconds. */
  startFrom?: bigint;
  startTo?: bigint;
  minDurationNanos?: bigint;
  maxDurationNanos?: bigint;
  /** error: at least one span has status ERROR; ok: none has. */
  status?: "error" | "ok";
  limit: number;
  /** Keyset position: traces strictly older than this (start, trace id). */
  after?: TraceCursor;
  /** A compiled `q=` (target "traces"), ANDed with the conditions above. */
  filter?: QueryFilter;
}

export interface TraceCursor {
  startTimeUnixNano: bigint;
  traceId: string;
}

export interface TraceSummary {
  traceId: string;
  rootSpanId: string;
  rootIsParentless: boolean;
  rootName: string;
  serviceName: string;
  serviceNames: string[];
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationNanos: string;
  spanCount: number;
  errorCount: number;
  /** The AI rollup, for traces with AI spans. */
  ai?: TraceAiRollup;
}

export interface TraceAiRollup {
  llmCalls: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
  /** The earliest LLM call's input and the latest one's output, shortened, for list views. */
  firstInput: string | null;
  lastOutput: string | null;
  sessionIds: string[];
}

export interface TracePage {
  traces: TraceSummary[];
  /** Where the next page starts, or null at the end. */
  next: TraceCursor | null;
}

export interface StoredSpan {
  spanId: string;
  parentSpanId: string;
  traceState: string;
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  serviceName: string;
  statusCode: number;
  statusMessage: string;
  /** Stored JSON text, exactly as in Postgres. */
  attributes: string;
  droppedAttributesCount: number;
  events: string;
  droppedEventsCount: number;
  links: string;
  droppedLinksCount: number;
  resourceId: string;
  scopeId: string;
  runId: string;
  /** The canonical AI fields as stored JSON text, or null for a span that is not an AI span. */
  ai: string | null;
}

export interface StoredResource {
  attributes: string;
  droppedAttributesCount: number;
  schemaUrl: string;
}

export interface StoredScope {
  name: string;
  version: string;
  attributes: string;
  droppedAttributesCount: number;
  schemaUrl: string;
}

export interface StoredTrace {
  traceId: string;
  /** Ordered by start time, then span id. */
  spans: StoredSpan[];
  resources: Map<string, StoredResource>;
  scopes: Map<string, StoredScope>;
}

export interface TraceReader {
  findTraces(query: TraceQuery): Promise<TracePage>;
  getTrace(project: string, traceId: string): Promise<StoredTrace | null>;
}

export class PostgresTraceReader implements TraceReader {
  constructor(private readonly pool: pg.Pool) {}

  async findTraces(q: TraceQuery): Promise<TracePage> {
    const { text, values } = findTracesStatement(q);
    const { rows } = q.filter ? await queryWithFilter<TraceRow>(this.pool, q.filter, text, values) : await this.pool.query<TraceRow>(text, values);
    const more = rows.length > q.limit;
    const traces = rows.slice(0, q.limit).map(toSummary);
    const last = traces[traces.length - 1];
    return { traces, next: more && last ? { startTimeUnixNano: BigInt(last.startTimeUnixNano), traceId: last.traceId } : null };
  }

  /** Trace list entries for these ids (newest first), as GET /api/traces gives them. */
  async getSummaries(project: string, traceIds: string[]): Promise<TraceSummary[]> {
    if (traceIds.length === 0) return [];
    const { rows } = await this.pool.query<TraceRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM traces t WHERE t.project = $1 AND t.trace_id = ANY ($2::bytea[])
        ORDER BY t.start_time_unix_nano DESC, t.trace_id DESC`,
      [project, traceIds.map((id) => Buffer.from(id, "hex"))],
    );
    return rows.map(toSummary);
  }

  /** A trace's spans (or just one of them, with spanId), with their resources and scopes. */
  async getTrace(project: string, traceId: string, spanId?: string): Promise<StoredTrace | null> {
    const id = Buffer.from(traceId, "hex");
    const params: unknown[] = [project, id];
    if (spanId !== undefined) params.push(Buffer.from(spanId, "hex"));
    const { rows } = await this.pool.query<SpanRow>(
      `SELECT encode(span_id, 'hex') AS span_id, coalesce(encode(parent_span_id, 'hex'), '') AS parent_span_id, trace_state, flags,
              name, kind, start_time_unix_nano, end_time_unix_nano, service_name, status_code, status_message,
              attributes::text AS attributes, dropped_attributes_count::float8 AS dropped_attributes_count, events::text AS events, dropped_events_count::float8 AS dropped_events_count,
              links::text AS links, dropped_links_count::float8 AS dropped_links_count, encode(resource_id, 'hex') AS resource_id, encode(scope_id, 'hex') AS scope_id,
              run_id, ai::text AS ai
         FROM spans WHERE project = $1 AND trace_id = $2 ${spanId === undefined ? "" : "AND span_id = $3"}
        ORDER BY start_time_unix_nano, span_id`,
      params,
    );
    if (rows.length === 0) return null;
    const resourceIds = [...new Set(rows.map((r) => r.resource_id))].map((h) => Buffer.from(h, "hex"));
    const scopeIds = [...new Set(rows.map((r) => r.scope_id))].map((h) => Buffer.from(h, "hex"));
    const [resources, scopes] = await Promise.all([
      this.pool.query<{ id: string; attributes: string; dropped_attributes_count: number; schema_url: string }>(
        `SELECT encode(resource_id, 'hex') AS id, attributes::text AS attributes, dropped_attributes_count::float8 AS dropped_attributes_count, schema_url
           FROM resources WHERE project = $1 AND resource_id = ANY ($2::bytea[])`,
        [project, resourceIds],
      ),
      this.pool.query<{ id: string; name: string; version: string; attributes: string; dropped_attributes_count: number; schema_url: string }>(
        `SELECT encode(scope_id, 'hex') AS id, name, version, attributes::text AS attributes, dropped_attributes_count::float8 AS dropped_attributes_count, schema_url
           FROM scopes WHERE project = $1 AND scope_id = ANY ($2::bytea[])`,
        [project, scopeIds],
      ),
    ]);
    const trace: StoredTrace = {
      traceId,
      spans: rows.map(
        (r): StoredSpan => ({
          spanId: r.span_id,
          parentSpanId: r.parent_span_id,
          traceState: r.trace_state,
          flags: Number(r.flags),
          name: r.name,
          kind: r.kind,
          startTimeUnixNano: r.start_time_unix_nano,
          endTimeUnixNano: r.end_time_unix_nano,
          serviceName: r.service_name,
          statusCode: r.status_code,
          statusMessage: r.status_message,
          attributes: r.attributes,
          droppedAttributesCount: r.dropped_attributes_count,
          events: r.events,
          droppedEventsCount: r.dropped_events_count,
          links: r.links,
          droppedLinksCount: r.dropped_links_count,
          resourceId: r.resource_id,
          scopeId: r.scope_id,
          runId: r.run_id,
          ai: r.ai,
        }),
      ),
      resources: new Map(
        resources.rows.map((r) => [r.id, { attributes: r.attributes, droppedAttributesCount: r.dropped_attributes_count, schemaUrl: r.schema_url }]),
      ),
      scopes: new Map(
        scopes.rows.map((s) => [
          s.id,
          { name: s.name, version: s.version, attributes: s.attributes, droppedAttributesCount: s.dropped_attributes_count, schemaUrl: s.schema_url },
        ]),
      ),
    };
    await addAiFromLogEvents(this.pool, project, trace);
    return trace;
  }
}

/** The trace-list statement for a query (also used by GET /api/query/explain and bench:query). */
export function findTracesStatement(q: TraceQuery): { text: string; values: unknown[] } {
  const params: unknown[] = [q.project];
  const p = (v: unknown): string => `$${params.push(v)}`;
  const where: string[] = ["t.project = $1"];
  if (q.after) where.push(`(t.start_time_unix_nano, t.trace_id) < (${p(String(q.after.startTimeUnixNano))}::bigint, decode(${p(q.after.traceId)}, 'hex'))`);
  if (q.startFrom !== undefined) where.push(`t.start_time_unix_nano >= ${p(String(q.startFrom))}::bigint`);
  if (q.startTo !== undefined) where.push(`t.start_time_unix_nano < ${p(String(q.startTo))}::bigint`);
  if (q.minDurationNanos !== undefined) where.push(`t.end_time_unix_nano - t.start_time_unix_nano >= ${p(String(q.minDurationNanos))}::bigint`);
  if (q.maxDurationNanos !== undefined) where.push(`t.end_time_unix_nano - t.start_time_unix_nano <= ${p(String(q.maxDurationNanos))}::bigint`);
  if (q.runId !== undefined) where.push(`t.trace_id IN (SELECT rt.trace_id FROM run_traces rt WHERE rt.project = $1 AND rt.run_id = ${p(q.runId)})`);
  if (q.status === "error") where.push("t.error_count > 0");
  if (q.status === "ok") where.push("t.error_count = 0");

  // Conditions on one span: all must hold on the same span.
  const spanWhere: string[] = [];
  // left(name, 300) is what spans_service_name_start indexes.
  if (q.spanName !== undefined) spanWhere.push(`left(s.name, 300) = left(${p(q.spanName)}, 300) AND s.name = $${params.length}`);
  for (const attr of q.attributes ?? []) {
    // One containment per candidate (OR), not @> ANY (…): GIN (spans_attributes) answers @> but not ANY.
    const candidates = attr.anyOf.map((v) => `s.attributes @> ${p(JSON.stringify({ [attr.key]: v }))}::jsonb`);
    spanWhere.push(`(${candidates.join(" OR ")})`);
  }
  if (q.service !== undefined) {
    where.push(`t.service_names @> ARRAY[${p(q.service)}]::text[]`);
    if (spanWhere.length > 0) spanWhere.push(`s.service_name = $${params.length}`);
  }
  if (spanWhere.length > 0) {
    where.push(`EXISTS (SELECT 1 FROM spans s WHERE s.project = t.project AND s.trace_id = t.trace_id AND ${spanWhere.join(" AND ")})`);
  }
  if (q.filter) where.push(q.filter.toSql("t", p));
  const sql = `
    SELECT ${SUMMARY_COLUMNS}
      FROM traces t
     WHERE ${where.join(" AND ")}
     ORDER BY t.start_time_unix_nano DESC, t.trace_id DESC
     LIMIT ${p(q.limit + 1)}`;
  return { text: sql, values: params };
}

/** The columns of a trace list entry (TraceRow), from `traces t`. */
const SUMMARY_COLUMNS = `encode(t.trace_id, 'hex') AS trace_id, encode(t.root_span_id, 'hex') AS root_span_id, t.root_is_parentless,
  t.root_name, t.root_service_name, t.service_names, t.start_time_unix_nano, t.end_time_unix_nano,
  t.span_count, t.error_count, t.ai_llm_calls, t.ai_input_tokens::float8 AS ai_input_tokens,
  t.ai_output_tokens::float8 AS ai_output_tokens, t.ai_total_tokens::float8 AS ai_total_tokens, t.ai_cost_usd,
  t.ai_first_input #>> '{}' AS ai_first_input, t.ai_last_output #>> '{}' AS ai_last_output, t.session_ids`;

interface TraceRow {
  trace_id: string;
  root_span_id: string;
  root_is_parentless: boolean;
  root_name: string;
  root_service_name: string;
  service_names: string[];
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  span_count: number;
  error_count: number;
  ai_llm_calls: number;
  ai_input_tokens: number;
  ai_output_tokens: number;
  ai_total_tokens: number;
  ai_cost_usd: number;
  ai_first_input: string | null;
  ai_last_output: string | null;
  session_ids: string[];
}

/** A span with every stored field (the AI columns come as the `ai` object). */
type SpanRow = Omit<SelectedSpanRow, "trace_id" | `ai_${string}`>;

function toSummary(r: TraceRow): TraceSummary {
  const duration = BigInt(r.end_time_unix_nano) - BigInt(r.start_time_unix_nano);
  return {
    traceId: r.trace_id,
    rootSpanId: r.root_span_id,
    rootIsParentless: r.root_is_parentless,
    rootName: r.root_name,
    serviceName: r.root_service_name,
    serviceNames: r.service_names,
    startTimeUnixNano: r.start_time_unix_nano,
    endTimeUnixNano: r.end_time_unix_nano,
    durationNanos: String(duration < 0n ? 0n : duration),
    spanCount: r.span_count,
    errorCount: r.error_count,
    ...(hasAi(r)
      ? {
          ai: {
            llmCalls: r.ai_llm_calls,
            inputTokens: r.ai_input_tokens,
            outputTokens: r.ai_output_tokens,
            totalTokens: r.ai_total_tokens,
            costUsd: r.ai_cost_usd,
            firstInput: r.ai_first_input,
            lastOutput: r.ai_last_output,
            sessionIds: r.session_ids,
          },
        }
      : {}),
  };
}

function hasAi(r: TraceRow): boolean {
  return r.ai_llm_calls > 0 || r.ai_total_tokens > 0 || r.ai_cost_usd > 0 || r.ai_first_input !== null || r.session_ids.length > 0;
}
