import { AI_SPAN_TYPES } from "../normalize/ai/ai-fields.ts";
import { KEY_LIMITS } from "../normalize/bounded-key.ts";

/**
 * The field catalogue: every path the language knows, mapped to a FIXED SQL fragment over the
 * alias of its row. Nothing the user writes ever becomes SQL text: a path either names one of
 * these entries, or one of the JSON containers below (whose key or path is a bind parameter).
 */

/** What a field belongs to; each endpoint reaches some domains (see targets.ts). */
export type Domain = "span" | "trace" | "run" | "metric";

export type ScalarType = "text" | "number" | "duration" | "time" | "enum" | "bool" | "id";

interface FieldInfo {
  name: string;
  domain: Domain;
  /** One line for the docs and for "did you mean". */
  doc: string;
}

/** A column (or a fixed expression over columns) of the domain's row. */
export interface ColumnField extends FieldInfo {
  shape: "column";
  type: ScalarType;
  sql: (row: string) => string;
  nullable: boolean;
  /** The SQL type a literal is cast to. */
  cast: "text" | "bigint" | "integer" | "float8" | "timestamptz" | "boolean" | "bytea";
  /** Names indexed by their first 300 characters (schema.sql): equality also compares left(…, 300). */
  prefixIndexed?: boolean;
  /** enum fields: the words the language accepts → the stored value. */
  values?: Readonly<Record<string, string | number>>;
  /** Identifiers the collector bounds at ingest (bounded-key.ts): equality literals are bounded alike. */
  bounded?: number;
  /** id fields: the number of bytes (hex digits / 2). */
  idBytes?: number;
}

/** A set of strings (text[]): `==` / `contains` mean "has this element". */
export interface SetField extends FieldInfo {
  shape: "set";
  sql: (row: string) => string;
  bounded?: number;
}

/** A JSON object whose key (or path) comes from the query, as a bind parameter. */
export interface JsonField extends FieldInfo {
  shape: "json";
  container: JsonContainer;
  /** key: the rest of the path is one key (attribute keys contain dots); path: a nested path (hparams). */
  keyStyle: "key" | "path";
}

export type JsonContainer = "span.attributes" | "resource.attributes" | "run.hparams" | "metric.context";
export type FieldDef = ColumnField | SetField | JsonField;

const col = (
  name: string,
  domain: Domain,
  type: ScalarType,
  cast: ColumnField["cast"],
  sql: (row: string) => string,
  doc: string,
  extra: Partial<ColumnField> = {},
): ColumnField => ({ shape: "column", name, domain, type, cast, sql, doc, nullable: false, ...extra });

const SPAN_KINDS = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
const STATUS_CODES = { unset: 0, ok: 1, error: 2 } as const;
const enumOf = (values: readonly string[]): Record<string, string> => Object.fromEntries(values.map((v) => [v, v]));

export const COLUMN_FIELDS: readonly FieldDef[] = [
  // Spans
  col("span.name", "span", "text", "text", (r) => `${r}.name`, "the span's name", { prefixIndexed: true }),
  col("span.kind", "span", "enum", "integer", (r) => `${r}.kind`, "server, client, internal, producer, consumer, unspecified", { values: SPAN_KINDS }),
  col("span.status", "span", "enum", "integer", (r) => `${r}.status_code`, "ok, error, unset", { values: STATUS_CODES }),
  col("span.status.message", "span", "text", "text", (r) => `${r}.status_message`, "the status message"),
  col("span.duration", "span", "duration", "bigint", (r) => `(${r}.end_time_unix_nano - ${r}.start_time_unix_nano)`, "end − start"),
  col("span.start", "span", "time", "bigint", (r) => `${r}.start_time_unix_nano`, "start time"),
  col("span.end", "span", "time", "bigint", (r) => `${r}.end_time_unix_nano`, "end time"),
  col("span.service", "span", "text", "text", (r) => `${r}.service_name`, "service.name of the span's resource", { bounded: KEY_LIMITS.serviceName }),
  col("span.id", "span", "id", "bytea", (r) => `${r}.span_id`, "span id, 16 hex digits", { idBytes: 8 }),
  col("span.parent", "span", "id", "bytea", (r) => `${r}.parent_span_id`, "parent span id (null on a root span)", { idBytes: 8, nullable: true }),
  {
    shape: "set",
    name: "span.events.name",
    domain: "span",
    doc: "names of the span's events",
    sql: (r) => `ARRAY(SELECT q_ev ->> 'name' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${r}.events) = 'array' THEN ${r}.events ELSE '[]'::jsonb END) AS q_ev)`,
  },
  // Canonical AI fields of a span (NULL on spans that are not AI spans)
  col("ai.type", "span", "enum", "text", (r) => `${r}.ai_type`, AI_SPAN_TYPES.join(", "), { values: enumOf(AI_SPAN_TYPES), nullable: true }),
  col("ai.model", "span", "text", "text", (r) => `${r}.ai_model`, "response model, else request model", { nullable: true }),
  col("ai.provider", "span", "text", "text", (r) => `${r}.ai_provider`, "openai, anthropic, aws.bedrock, …", { nullable: true }),
  col("ai.cost", "span", "number", "float8", (r) => `${r}.ai_cost_usd`, "cost in USD", { nullable: true }),
  col("ai.tokens.input", "span", "number", "bigint", (r) => `${r}.ai_input_tokens`, "input tokens", { nullable: true }),
  col("ai.tokens.output", "span", "number", "bigint", (r) => `${r}.ai_output_tokens`, "output tokens", { nullable: true }),
  col("ai.tokens.total", "span", "number", "bigint", (r) => `${r}.ai_total_tokens`, "total tokens", { nullable: true }),
  col("ai.tokens", "span", "number", "bigint", (r) => `${r}.ai_total_tokens`, "total tokens (= ai.tokens.total)", { nullable: true }),
  col("ai.session", "span", "text", "text", (r) => `${r}.ai_session_id`, "session / conversation id", { nullable: true }),
  col("ai.user", "span", "text", "text", (r) => `${r}.ai_user_id`, "end-user id", { nullable: true }),
  col("ai.tool", "span", "text", "text", (r) => `${r}.ai_tool_name`, "tool name (tool spans)", { nullable: true }),
  col("ai.agent", "span", "text", "text", (r) => `${r}.ai_agent_name`, "agent name", { nullable: true }),
  // Traces (the per-trace summary)
  col("trace.id", "trace", "id", "bytea", (r) => `${r}.trace_id`, "trace id, 32 hex digits", { idBytes: 16 }),
  col("trace.duration", "trace", "duration", "bigint", (r) => `(${r}.end_time_unix_nano - ${r}.start_time_unix_nano)`, "latest span end − earliest span start"),
  col("trace.start", "trace", "time", "bigint", (r) => `${r}.start_time_unix_nano`, "earliest span start"),
  col("trace.end", "trace", "time", "bigint", (r) => `${r}.end_time_unix_nano`, "latest span end"),
  col("trace.spans", "trace", "number", "integer", (r) => `${r}.span_count`, "number of spans"),
  col("trace.errors", "trace", "number", "integer", (r) => `${r}.error_count`, "number of spans with status error"),
  col("trace.root.name", "trace", "text", "text", (r) => `${r}.root_name`, "the root span's name"),
  col("trace.root.service", "trace", "text", "text", (r) => `${r}.root_service_name`, "the root span's service"),
  { shape: "set", name: "trace.service", domain: "trace", doc: "every service in the trace", sql: (r) => `${r}.service_names`, bounded: KEY_LIMITS.serviceName },
  { shape: "set", name: "trace.session", domain: "trace", doc: "every AI session in the trace", sql: (r) => `${r}.session_ids` },
  col("trace.cost", "trace", "number", "float8", (r) => `${r}.ai_cost_usd`, "AI cost of the trace in USD"),
  col("trace.tokens", "trace", "number", "bigint", (r) => `${r}.ai_total_tokens`, "AI tokens of the trace (total)"),
  col("trace.tokens.input", "trace", "number", "bigint", (r) => `${r}.ai_input_tokens`, "AI input tokens of the trace"),
  col("trace.tokens.output", "trace", "number", "bigint", (r) => `${r}.ai_output_tokens`, "AI output tokens of the trace"),
  col("trace.tokens.total", "trace", "number", "bigint", (r) => `${r}.ai_total_tokens`, "AI tokens of the trace (total)"),
  col("trace.llm_calls", "trace", "number", "integer", (r) => `${r}.ai_llm_calls`, "LLM calls in the trace"),
  // Runs
  col("run.id", "run", "text", "text", (r) => `${r}.run_id`, "run id", { bounded: KEY_LIMITS.runId }),
  col("run.name", "run", "text", "text", (r) => `coalesce(${r}.edited_name, ${r}.name, ${r}.run_id)`, "run name (as shown: the edited name wins)"),
  col("run.experiment", "run", "text", "text", (r) => `${r}.experiment`, "experiment", { nullable: true, bounded: KEY_LIMITS.experiment }),
  { shape: "set", name: "run.tags", domain: "run", doc: "tags (as shown: the edited tags win)", sql: (r) => `coalesce(${r}.edited_tags, ${r}.tags, '{}'::text[])`, bounded: KEY_LIMITS.tag },
  col("run.status", "run", "enum", "text", (r) => `${r}.status`, "running, finished, failed", { values: enumOf(["running", "finished", "failed"]) }),
  col("run.created", "run", "time", "timestamptz", (r) => `${r}.created_at`, "when the run was first seen"),
  col("run.updated", "run", "time", "timestamptz", (r) => `${r}.updated_at`, "when the run last changed"),
  col("run.ended", "run", "time", "timestamptz", (r) => `${r}.ended_at`, "when the run finished or failed", { nullable: true }),
  col("run.archived", "run", "bool", "boolean", (r) => `${r}.archived`, "archived by a user"),
  col("run.implicit", "run", "bool", "boolean", (r) => `${r}.implicit`, "derived from a resource's identity (no sightline.run.id)"),
  col("run.description", "run", "text", "text", (r) => `${r}.description`, "the user's description"),
  col("run.cost", "run", "number", "float8", (r) => `${r}.ai_cost_usd`, "AI cost of the run in USD"),
  col("run.tokens", "run", "number", "bigint", (r) => `${r}.ai_total_tokens`, "AI tokens of the run (total)"),
  col("run.llm_calls", "run", "number", "integer", (r) => `${r}.ai_llm_calls`, "LLM calls of the run"),
  // Metric series
  col("metric.name", "metric", "text", "text", (r) => `${r}.name`, "metric name", { prefixIndexed: true }),
  col("metric.kind", "metric", "enum", "text", (r) => `${r}.kind`, "gauge, sum, histogram, exponential_histogram, summary", {
    values: enumOf(["gauge", "sum", "histogram", "exponential_histogram", "summary"]),
  }),
  col("metric.unit", "metric", "text", "text", (r) => `${r}.unit`, "unit"),
  col("metric.last", "metric", "number", "float8", (r) => `${r}.last_value`, "the latest value (by step, then time)", { nullable: true }),
  col("metric.min", "metric", "number", "float8", (r) => `${r}.min_value`, "the lowest value (NaN left out)", { nullable: true }),
  col("metric.max", "metric", "number", "float8", (r) => `${r}.max_value`, "the highest value (NaN left out)", { nullable: true }),
  col("metric.steps", "metric", "number", "bigint", (r) => `${r}.point_count`, "number of points tracked"),
  col("metric.last_step", "metric", "number", "bigint", (r) => `${r}.last_step`, "the highest step", { nullable: true }),
];

/** JSON containers: the path after the prefix is the key (or hparams path), passed as a bind parameter. Longest prefix wins. */
export const JSON_PREFIXES: ReadonlyArray<{ prefix: string[]; field: JsonField }> = (() => {
  const attrs: JsonField = { shape: "json", name: "span.attributes", domain: "span", container: "span.attributes", keyStyle: "key", doc: "a span attribute" };
  const resource: JsonField = { shape: "json", name: "resource", domain: "span", container: "resource.attributes", keyStyle: "key", doc: "an attribute of the span's resource" };
  const hparams: JsonField = { shape: "json", name: "run.hparams", domain: "run", container: "run.hparams", keyStyle: "path", doc: "a hyperparameter, nested to any depth" };
  const context: JsonField = { shape: "json", name: "metric.context", domain: "metric", container: "metric.context", keyStyle: "key", doc: "a key of the series' context" };
  return [
    { prefix: ["span", "attributes"], field: attrs },
    { prefix: ["span", "attr"], field: attrs },
    { prefix: ["resource", "attributes"], field: resource },
    { prefix: ["resource", "attr"], field: resource },
    { prefix: ["resource"], field: resource },
    { prefix: ["run", "hparams"], field: hparams },
    { prefix: ["metric", "context"], field: context },
  ];
})();

export const FIELDS_BY_NAME: ReadonlyMap<string, FieldDef> = new Map(COLUMN_FIELDS.map((f) => [f.name, f]));
