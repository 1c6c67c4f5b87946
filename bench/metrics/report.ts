import type { QueryBreakdown } from "./query-breakdown.ts";
import type { QueryLatency } from "./query-latency.ts";

/** The benchmark's results as Markdown tables (printed, and pasted into docs/benchmarks.md). */
export const INGEST_GOAL_POINTS_PER_S = 200_000;
export const QUERY_GOAL_MS = 200;

export interface IngestResult {
  path: string;
  /** Points per request, as sent. */
  batch: string;
  clients: string;
  points: number;
  seconds: number;
  collectorCpu: number;
  /** CPU seconds of the benchmark database's backends, and of the server's background processes (WAL writer, checkpointer, …). */
  postgresCpu: number;
  postgresBackgroundCpu: number;
  clientCpu: number;
  otherCpu: number;
  peakRss: number | null;
  retries: number;
  latency: string;
  storedPoints: number;
  check: string;
}

const row = (cells: string[]): string => `| ${cells.join(" | ")} |`;
const table = (header: string[], rows: string[][]): string => [row(header), row(header.map(() => "---")), ...rows.map(row)].join("\n");
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
const cpu = (s: number): string => (Number.isNaN(s) ? "?" : s.toFixed(1));

export function ingestTable(results: IngestResult[]): string {
  return table(
    ["path", "points/request", "clients", "points", "seconds", "points/s", "÷ goal 200k/s", "CPU s: collector / Postgres (+ background) / client / other", "collector peak RSS", "request latency p50 / p95", "429/503", "stored"],
    results.map((r) => [
      r.path,
      r.batch,
      r.clients,
      fmt(r.points),
      r.seconds.toFixed(2),
      fmt(r.points / r.seconds),
      `${((r.points / r.seconds / INGEST_GOAL_POINTS_PER_S) * 100).toFixed(0)} %`,
      `${cpu(r.collectorCpu)} / ${cpu(r.postgresCpu)} (+${cpu(r.postgresBackgroundCpu)}) / ${cpu(r.clientCpu)} / ${cpu(r.otherCpu)}`,
      r.peakRss === null ? "–" : `${Math.round(r.peakRss / 2 ** 20)} MiB`,
      r.latency,
      String(r.retries),
      r.check === "ok" ? `${fmt(r.storedPoints)} ✓` : r.check,
    ]),
  );
}

export function queryTable(results: QueryLatency[]): string {
  return table(
    ["GET /api/metrics", "calls", "p50 ms", "p95 ms", "min / max ms", "answer size", "series × points", "p50 ÷ goal 200 ms", "CPU ms per call: collector / Postgres / other", "check"],
    results.map((q) => [
      q.label,
      String(q.calls),
      q.p50.toFixed(0),
      q.p95.toFixed(0),
      `${q.min.toFixed(0)} / ${q.max.toFixed(0)}`,
      q.bytes >= 2 ** 20 ? `${(q.bytes / 2 ** 20).toFixed(1)} MiB` : `${(q.bytes / 1024).toFixed(0)} KiB`,
      `${q.series} × ${q.series > 0 ? Math.round(q.points / q.series) : 0}`,
      `${((q.p50 / QUERY_GOAL_MS) * 100).toFixed(0)} %`,
      q.cpuPerCallMs ? `${q.cpuPerCallMs.collector.toFixed(0)} / ${q.cpuPerCallMs.postgres.toFixed(0)} / ${q.cpuPerCallMs.other.toFixed(0)}` : "–",
      q.check,
    ]),
  );
}

export function breakdownTable(results: QueryBreakdown[]): string {
  return table(
    ["stage (in-process, median ms)", "find series", "pick points (read tiles or points, M4)", "render JSON", "total"],
    results.map((b) => [b.label, b.findSeries.toFixed(1), b.pickPoints.toFixed(1), b.render.toFixed(1), b.total.toFixed(1)]),
  );
}
