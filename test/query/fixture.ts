/**
 * A small world where every query's right answer is known: six traces over OTLP (web, db,
 * billing, an AI agent, a training run), three explicit runs with hparams and metric series
 * over OTLP metrics. The canonical AI columns and trace rollups are set directly in SQL (their
 * ingest path is built separately), so the AI fields have exact, known values.
 */
import assert from "node:assert/strict";
import type { TestCollector } from "../support/collector.ts";
import { jsonSpan, post } from "../support/otlp.ts";
import { attributes, exportVia, gauge, metricsRequest, type Json, type Plain } from "../support/otlp-signals.ts";

export const S = 1_000_000_000n;
export const MS = 1_000_000n;
export const T0 = 1_700_000_000n * S; // 2023-11-14T22:13:20Z

/** Trace ids, in the list order of /api/traces (newest first). */
export const TRACE = {
  health: "00000000000000000000000000000006",
  train: "00000000000000000000000000000005",
  agent: "00000000000000000000000000000004",
  report: "00000000000000000000000000000003",
  search: "00000000000000000000000000000002",
  checkout: "00000000000000000000000000000001",
} as const;
export type TraceName = keyof typeof TRACE;
export const TRACE_NAMES = Object.keys(TRACE) as TraceName[];

/** Span ids by a short name. */
export const SPAN = {
  c_root: "00000000000000c1",
  c_db: "00000000000000c2",
  c_pay: "00000000000000c3",
  s_root: "00000000000000d1",
  s_db: "00000000000000d2",
  r_root: "00000000000000e1",
  a_root: "00000000000000a1",
  a_llm1: "00000000000000a2",
  a_llm2: "00000000000000a3",
  a_tool: "00000000000000a4",
  t_root: "00000000000000b1",
  t_llm: "00000000000000b2",
  h_root: "00000000000000f1",
} as const;
export type SpanName = keyof typeof SPAN;

interface SpanSpec {
  id: SpanName;
  trace: TraceName;
  parent?: SpanName;
  name: string;
  kind: number;
  startMs: bigint;
  durMs: bigint;
  status?: { code: number; message?: string };
  attrs?: Record<string, Plain>;
  events?: string[];
}

const at = (sec: bigint, ms = 0n): bigint => T0 + sec * S + ms * MS;

function span(s: SpanSpec): Record<string, unknown> {
  const start = T0 + s.startMs * MS;
  return jsonSpan({
    traceId: TRACE[s.trace],
    spanId: SPAN[s.id],
    ...(s.parent ? { parentSpanId: SPAN[s.parent] } : {}),
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + s.durMs * MS),
    ...(s.status ? { status: s.status } : {}),
    attributes: attributes(s.attrs ?? {}),
    events: (s.events ?? []).map((name) => ({ name, timeUnixNano: String(start), attributes: [] })),
  });
}

function traceRequest(resource: Record<string, Plain>, spans: SpanSpec[]): Json {
  return { resourceSpans: [{ resource: { attributes: attributes(resource) }, scopeSpans: [{ scope: { name: "fixture" }, spans: spans.map(span) }] }] };
}

const WEB_V1 = { "service.name": "web", "service.version": "1.0" };

const REQUESTS: Array<[Record<string, Plain>, SpanSpec[]]> = [
  [
    WEB_V1,
    [
      {
        id: "c_root", trace: "checkout", name: "POST /checkout", kind: 2, startMs: 10_000n, durMs: 120n,
        attrs: { "http.route": "/checkout", "http.status_code": 200n, retries: 3n, ratio: 0.5, tags: ["a", "b"], "cache.hit": true },
      },
      { id: "s_root", trace: "search", name: "GET /search", kind: 2, startMs: 20_000n, durMs: 30n, attrs: { "http.route": "/search", "http.status_code": 200n, "user.id": "u1" } },
      {
        id: "r_root", trace: "report", name: "GET /report", kind: 2, startMs: 30_000n, durMs: 5_000n, status: { code: 2, message: "timeout" },
        attrs: { "http.route": "/report", "http.status_code": "500", big: 9223372036854775807n },
      },
    ],
  ],
  [
    { "service.name": "db", "service.version": "1.0" },
    [
      { id: "c_db", trace: "checkout", parent: "c_root", name: "SELECT orders", kind: 3, startMs: 10_010n, durMs: 50n, attrs: { "db.system": "postgresql", "db.rows": 12n } },
      { id: "s_db", trace: "search", parent: "s_root", name: "SELECT products", kind: 3, startMs: 20_005n, durMs: 20n, attrs: { "db.system": "postgresql", "db.rows": 1000n } },
    ],
  ],
  [
    { "service.name": "billing", "service.version": "1.0" },
    [
      {
        id: "c_pay", trace: "checkout", parent: "c_root", name: "charge card", kind: 3, startMs: 10_070n, durMs: 30n,
        status: { code: 2, message: "card declined" }, attrs: { amount: 99.5 }, events: ["exception"],
      },
    ],
  ],
  [
    { "service.name": "agent", "service.version": "3.0" },
    [
      { id: "a_root", trace: "agent", name: "invoke_agent planner", kind: 1, startMs: 40_000n, durMs: 3_000n },
      { id: "a_llm1", trace: "agent", parent: "a_root", name: "chat gpt-4o", kind: 3, startMs: 40_100n, durMs: 1_000n },
      { id: "a_llm2", trace: "agent", parent: "a_root", name: "chat claude-sonnet-4", kind: 3, startMs: 41_200n, durMs: 1_500n },
      { id: "a_tool", trace: "agent", parent: "a_root", name: "execute_tool search", kind: 1, startMs: 42_800n, durMs: 100n },
    ],
  ],
  [
    { "service.name": "trainer", "sightline.run.id": "run-a" },
    [
      { id: "t_root", trace: "train", name: "train epoch", kind: 1, startMs: 50_000n, durMs: 2_000n, attrs: { epoch: 1n } },
      { id: "t_llm", trace: "train", parent: "t_root", name: "chat gpt-4o-mini", kind: 3, startMs: 50_500n, durMs: 200n },
    ],
  ],
  [{ "service.name": "web", "service.version": "2.0" }, [{ id: "h_root", trace: "health", name: "GET /health", kind: 2, startMs: 60_000n, durMs: 1n, status: { code: 1 } }]],
];

/** Canonical AI fields per span (set in SQL; see the file comment). */
const AI: Partial<Record<SpanName, { type: string; model?: string; provider?: string; tokens?: [number, number]; cost?: number; session?: string; user?: string; tool?: string; agent?: string }>> = {
  a_root: { type: "agent", agent: "planner", session: "s1" },
  a_llm1: { type: "llm", model: "gpt-4o", provider: "openai", tokens: [100, 50], cost: 0.002, session: "s1", user: "alice" },
  a_llm2: { type: "llm", model: "claude-sonnet-4", provider: "anthropic", tokens: [2000, 500], cost: 0.03, session: "s1", user: "alice" },
  a_tool: { type: "tool", tool: "search", session: "s1" },
  t_llm: { type: "llm", model: "gpt-4o-mini", provider: "openai", tokens: [10, 5], cost: 0.0001 },
};

export interface RunSpec {
  id: string;
  experiment: string;
  tags: string[];
  status: "running" | "finished" | "failed";
  hparams: Record<string, Plain>;
  /** metric name → subset → values by step */
  metrics: Record<string, Record<string, number[]>>;
}

export const RUNS: RunSpec[] = [
  {
    id: "run-a", experiment: "mnist", tags: ["baseline", "gpu"], status: "finished",
    hparams: { lr: 0.01, optimizer: { name: "adam", betas: [0.9, 0.999] }, layers: [64n, 32n], warmup: true },
    metrics: { loss: { train: [1.0, 0.5, 0.25], val: [1.2, 0.8, 0.6] }, accuracy: { train: [0.5, 0.7, 0.9] } },
  },
  { id: "run-b", experiment: "mnist", tags: ["sweep"], status: "running", hparams: { lr: 0.001, optimizer: { name: "sgd" } }, metrics: { loss: { train: [2.0, 1.5, 1.4] } } },
  {
    id: "run-c", experiment: "cifar", tags: ["gpu"], status: "failed", hparams: { lr: 0.1, batch_size: 128n },
    metrics: { loss: { train: [0.9, 0.3, 0.1] }, accuracy: { train: [0.2, 0.95, 0.99] } },
  },
];

export async function loadFixture(c: TestCollector): Promise<void> {
  for (const run of RUNS) {
    const metrics = Object.entries(run.metrics).flatMap(([name, subsets]) =>
      Object.entries(subsets).map(([subset, values]) =>
        gauge(name, values.map((value, step) => ({ value, time: at(100n, BigInt(step)), attributes: { subset, "sightline.step": BigInt(step) } }))),
      ),
    );
    const resource: Record<string, Plain> = {
      "service.name": "trainer",
      "sightline.run.id": run.id,
      "sightline.experiment": run.experiment,
      "sightline.run.tags": run.tags,
      "sightline.run.status": run.status,
      "sightline.hparams": run.hparams,
    };
    const outcome = await exportVia(c, "http/json", "metrics", JSON.stringify(metricsRequest(resource, metrics)));
    assert.equal(outcome.accepted, true, outcome.message);
  }
  for (const [resource, spans] of REQUESTS) {
    const res = await post(c.httpUrl, "/v1/traces", JSON.stringify(traceRequest(resource, spans)));
    assert.equal(res.status, 200, res.body.toString());
  }
  for (const [name, ai] of Object.entries(AI)) {
    await c.pool.query(
      `UPDATE spans SET ai_type = $2, ai_model = $3, ai_provider = $4, ai_input_tokens = $5, ai_output_tokens = $6, ai_total_tokens = $5::bigint + $6::bigint,
                        ai_cost_usd = $7, ai_session_id = $8, ai_user_id = $9, ai_tool_name = $10, ai_agent_name = $11
        WHERE span_id = decode($1, 'hex')`,
      [SPAN[name as SpanName], ai.type, ai.model ?? null, ai.provider ?? null, ai.tokens?.[0] ?? null, ai.tokens?.[1] ?? null, ai.cost ?? null, ai.session ?? null, ai.user ?? null, ai.tool ?? null, ai.agent ?? null],
    );
  }
  await c.pool.query(`
    UPDATE traces t SET ai_llm_calls = x.calls, ai_input_tokens = x.tin, ai_output_tokens = x.tout, ai_total_tokens = x.total, ai_cost_usd = x.cost, session_ids = x.sessions
      FROM (SELECT project, trace_id, count(*) FILTER (WHERE ai_type = 'llm') AS calls, coalesce(sum(ai_input_tokens), 0) AS tin,
                   coalesce(sum(ai_output_tokens), 0) AS tout, coalesce(sum(ai_total_tokens), 0) AS total, coalesce(sum(ai_cost_usd), 0) AS cost,
                   coalesce(array_agg(DISTINCT ai_session_id) FILTER (WHERE ai_session_id IS NOT NULL), '{}') AS sessions
              FROM spans GROUP BY project, trace_id) x
     WHERE t.project = x.project AND t.trace_id = x.trace_id`);
}
