/** The typical queries bench:query times: what the UI runs most, each answered by an index (and a few that are not, marked). */
export interface BenchQuery {
  id: string;
  endpoint: "traces" | "spans" | "runs" | "metrics";
  q: string;
  /** Other query parameters of the endpoint. */
  extra?: string;
  /** Expected to use an index (the p95 < 100 ms goal applies). */
  indexed: boolean;
  what: string;
}

export const BENCH_QUERIES: BenchQuery[] = [
  { id: "T1", endpoint: "traces", q: `span.service == "svc-7"`, indexed: true, what: "service" },
  { id: "T2", endpoint: "traces", q: `span.name == "GET /api/v1/r42"`, indexed: true, what: "span name, rare (0.5 % of traces)" },
  { id: "T3", endpoint: "traces", q: `span.name == "SELECT orders_16"`, indexed: true, what: "span name, common (8 % of traces)" },
  { id: "T4", endpoint: "traces", q: `span.status == error`, indexed: true, what: "status" },
  { id: "T5", endpoint: "traces", q: `trace.duration > 2s`, indexed: true, what: "duration range (trace)" },
  { id: "T5r", endpoint: "traces", q: `trace.duration > 45s`, indexed: true, what: "duration range, rare" },
  { id: "T6", endpoint: "traces", q: `trace.start >= 2026-11-24T12:00:00Z and trace.start < 2026-11-24T13:00:00Z`, indexed: true, what: "time range" },
  { id: "T7", endpoint: "traces", q: `span.attr.user.id == "user-4242"`, indexed: true, what: "one attribute equality" },
  { id: "T8", endpoint: "traces", q: `ai.model == "mistral-large" and ai.tokens.total > 3000`, indexed: true, what: "AI model" },
  { id: "T9", endpoint: "traces", q: `span.service == "svc-3" and span.attr.http.status_code == 500`, indexed: true, what: "service + attribute, same span" },
  { id: "S1", endpoint: "spans", q: `ai.model == "claude-sonnet-4" and ai.cost > 0.02`, indexed: true, what: "AI spans by model and cost" },
  { id: "S2", endpoint: "spans", q: `span.duration > 15ms and span.kind == client`, indexed: true, what: "slow client spans (newest first)" },
  { id: "S3", endpoint: "spans", q: `span.name =~ "^SELECT orders_1[0-9]$" and span.status == error`, indexed: true, what: "regex narrowed by status" },
  { id: "S4", endpoint: "spans", q: `span.service == "svc-7" and span.name == "HTTP POST"`, indexed: true, what: "service + name (spans)" },
  { id: "S5", endpoint: "spans", q: `span.start >= 2026-11-24T12:00:00Z and span.start < 2026-11-24T12:05:00Z and span.kind == server`, indexed: true, what: "time range (spans)" },
  { id: "R1", endpoint: "runs", q: `run.experiment == "exp-7"`, indexed: true, what: "run experiment" },
  { id: "R2", endpoint: "runs", q: `run.hparams.optimizer.name == "adam" and run.hparams.lr > 0.01`, indexed: true, what: "hparams" },
  { id: "M1", endpoint: "metrics", q: `metric.name == "loss" and metric.context.subset == "val" and run.experiment == "exp-7"`, extra: "points=50", indexed: true, what: "metric name + context + run" },
  { id: "M2", endpoint: "metrics", q: `metric.name == "accuracy" and metric.last > 0.99 and run.hparams.batch_size == 64`, extra: "points=50", indexed: true, what: "metric by last value, hparam" },
  { id: "X1", endpoint: "traces", q: `span.name =~ "step 3$" and trace.spans > 5`, indexed: false, what: "regex on names (not indexed; matches are common)" },
  { id: "X2", endpoint: "traces", q: `span.service == "svc-3" and span.attr.http.status_code >= 500`, indexed: false, what: "attribute range (not indexed: GIN answers equality only)" },
];
