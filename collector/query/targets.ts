import type { Domain } from "./fields.ts";

/** The endpoints that take `q=`, and what each can see. */
export type QueryTarget = "traces" | "spans" | "runs" | "metrics";

export const QUERY_TARGETS: readonly QueryTarget[] = ["traces", "spans", "runs", "metrics"];

/**
 * traces, spans: span (and ai., resource), trace, and run (the span's run) conditions;
 * runs: run conditions; metrics: metric conditions and run conditions (the series' run, as in Aim).
 */
export const TARGET_DOMAINS: Readonly<Record<QueryTarget, readonly Domain[]>> = {
  traces: ["span", "trace", "run"],
  spans: ["span", "trace", "run"],
  runs: ["run"],
  metrics: ["metric", "run"],
};

export const TARGET_ENDPOINT: Readonly<Record<QueryTarget, string>> = {
  traces: "GET /api/traces",
  spans: "GET /api/spans",
  runs: "GET /api/runs",
  metrics: "GET /api/metrics",
};

const WHERE_DOMAIN: Readonly<Record<Domain, string>> = {
  span: "/api/traces or /api/spans",
  trace: "/api/traces or /api/spans",
  run: "/api/runs (or /api/traces, /api/spans, /api/metrics)",
  metric: "/api/metrics",
};

export function domainHint(domain: Domain): string {
  return WHERE_DOMAIN[domain];
}
