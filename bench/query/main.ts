/**
 * `npm run bench:query`: seeds a database (1M spans in 100k traces, 10k runs × 10 metric series by
 * default, generated in PostgreSQL), then times typical query-language queries through the HTTP
 * API (the collector's own router, in this process) and prints p50 / p95 per query. --plans also
 * prints PostgreSQL's plan of each query (EXPLAIN ANALYZE of the statement the endpoint runs).
 * A measurement, not a test; results in docs/benchmarks.md. `--help` for the options.
 */
import type { AddressInfo } from "node:net";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import express from "express";
import type pg from "pg";
import { apiRouter } from "../../collector/api/api-router.ts";
import { targetStatement } from "../../collector/api/query-routes.ts";
import { compileQuery } from "../../collector/query/compile-query.ts";
import { queryWithFilter } from "../../collector/query/execute-filtered.ts";
import { createPool, redactUrl } from "../../collector/storage/database.ts";
import { postgresReaders } from "../../collector/storage/readers.ts";
import { migrate } from "../../collector/storage/migrate.ts";
import { openQueryBenchDatabase } from "./database.ts";
import { BENCH_QUERIES, type BenchQuery } from "./queries.ts";
import { measureIndexCost, type IndexCostResult } from "./index-cost.ts";
import { seed, type SeedSize } from "./seed.ts";

const USAGE = `npm run bench:query -- [options]
  --traces N            traces to seed (default 100000)
  --spans-per-trace N   spans per trace (default 10)
  --runs N              runs to seed (default 10000)
  --metrics-per-run N   series per run, at most 10 (default 10)
  --points N            points per series (default 20)
  --iterations N        timed requests per query (default 40, after 3 warm-up requests)
  --only A,B            run only these query ids (T1,R2,…)
  --plans               print EXPLAIN ANALYZE of each query's statement
  --index-cost N        instead of timing queries: insert the seeded spans (and traces) N rounds without
                        the query-language indexes, with each alone and with all (transactions of 1000)
  --database-url URL    server to create the database on (DATABASE_URL; default: embedded PostgreSQL)
  --reuse URL           use this already seeded database (skips seeding; nothing is dropped)
  --keep                keep the seeded database`;

const log = (m: string): void => console.error(`[bench:query] ${m}`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      traces: { type: "string" },
      "spans-per-trace": { type: "string" },
      runs: { type: "string" },
      "metrics-per-run": { type: "string" },
      points: { type: "string" },
      iterations: { type: "string" },
      only: { type: "string" },
      plans: { type: "boolean" },
      "index-cost": { type: "string" },
      "database-url": { type: "string" },
      reuse: { type: "string" },
      keep: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return void console.log(USAGE);
  const int = (v: string | undefined, fallback: number): number => {
    const n = v === undefined ? fallback : Number(v.replaceAll("_", ""));
    if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got "${v}"`);
    return n;
  };
  const size: SeedSize = {
    traces: int(values.traces, 100_000),
    spansPerTrace: int(values["spans-per-trace"], 10),
    runs: int(values.runs, 10_000),
    metricsPerRun: Math.min(10, int(values["metrics-per-run"], 10)),
    pointsPerSeries: int(values.points, 20),
  };
  const iterations = int(values.iterations, 40);
  const only = values.only?.split(",").map((s) => s.trim());
  const queries = BENCH_QUERIES.filter((q) => !only || only.includes(q.id));

  const db = values.reuse
    ? { url: values.reuse, description: redactUrl(values.reuse) + " (reused)", close: async () => undefined }
    : await openQueryBenchDatabase(values["database-url"] ?? process.env.DATABASE_URL, log);
  const pool = createPool(db.url, 4);
  let server: ReturnType<express.Express["listen"]> | undefined;
  try {
    await migrate(pool);
    if (!values.reuse) {
      log(`seeding ${size.traces * size.spansPerTrace} spans, ${size.runs} runs, ${size.runs * size.metricsPerRun} series …`);
      await seed(pool, size, log);
    }
    if (values["index-cost"]) {
      const results = await measureIndexCost(pool, int(values["index-cost"], 3), log);
      printIndexCost(results, db.description);
      return;
    }
    const counts = await pool.query<{ spans: string; traces: string; runs: string; series: string; points: string }>(
      `SELECT (SELECT count(*) FROM spans) AS spans, (SELECT count(*) FROM traces) AS traces, (SELECT count(*) FROM runs) AS runs,
              (SELECT count(*) FROM metric_series) AS series, (SELECT count(*) FROM metric_points) AS points`,
    );
    const app = express();
    app.use("/api", apiRouter({
      pool,
      ...postgresReaders(pool),
      health: () => ({}),
      log,
    }));
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server!.once("listening", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const c = counts.rows[0]!;
    console.log(
      [
        "Sightline query benchmark (bench:query)",
        `  machine     ${cpus()[0]?.model ?? "?"} × ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
        `  database    ${db.description}`,
        `  data        ${c.spans} spans, ${c.traces} traces, ${c.runs} runs, ${c.series} series, ${c.points} points`,
        `  method      ${iterations} timed GETs per query through the HTTP API after 3 warm-up GETs (HTTP: the whole request,`,
        `              SQL + point reads + JSON); then the compiled statement alone, ${iterations} times (SQL: read-only transaction,`,
        `              timeout, the statement and its rows, through the pool)`,
        "",
      ].join("\n"),
    );
    const rows: string[][] = [];
    for (const query of queries) {
      const result = await timeQuery(base, query, iterations);
      const sql = await timeStatement(pool, query, iterations);
      rows.push([
        query.id,
        query.endpoint,
        query.q + (query.extra ? `  [${query.extra}]` : ""),
        String(result.items),
        ms(result.p50),
        ms(result.p95),
        ms(sql.p50),
        ms(sql.p95),
        query.indexed ? (result.p95 < 100 ? "yes" : sql.p95 < 100 ? "SQL yes, HTTP NO" : "NO") : "(not indexed)",
      ]);
      if (values.plans) await printPlan(base, query);
    }
    console.log(table(["id", "endpoint", "q", "items", "HTTP p50 ms", "HTTP p95 ms", "SQL p50 ms", "SQL p95 ms", "p95 < 100 ms"], rows));
    if (rows.some((r) => r[8] !== "yes" && r[8] !== "(not indexed)")) process.exitCode = 1;
  } finally {
    server?.close();
    await pool.end();
    await db.close(values.keep ?? false);
  }
}

async function timeQuery(base: string, query: BenchQuery, iterations: number): Promise<{ p50: number; p95: number; items: number }> {
  const url = `${base}/api/${query.endpoint}?q=${encodeURIComponent(query.q)}${query.extra ? "&" + query.extra : ""}`;
  let items = 0;
  const times: number[] = [];
  for (let i = 0; i < iterations + 3; i++) {
    const t0 = performance.now();
    const res = await fetch(url);
    const body = (await res.json()) as Record<string, unknown>;
    const elapsed = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${query.id}: HTTP ${res.status}: ${JSON.stringify(body)}`);
    const list = body[query.endpoint === "metrics" ? "series" : query.endpoint];
    items = Array.isArray(list) ? list.length : 0;
    if (i >= 3) times.push(elapsed);
  }
  return { ...percentiles(times), items };
}

function percentiles(times: number[]): { p50: number; p95: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95) };
}

async function timeStatement(pool: pg.Pool, query: BenchQuery, iterations: number): Promise<{ p50: number; p95: number }> {
  const filter = compileQuery(query.q, query.endpoint);
  const statement = targetStatement(query.endpoint, "default", filter);
  const times: number[] = [];
  for (let i = 0; i < iterations + 3; i++) {
    const t0 = performance.now();
    await queryWithFilter(pool, filter, statement.text, statement.values);
    if (i >= 3) times.push(performance.now() - t0);
  }
  return percentiles(times);
}

async function printPlan(base: string, query: BenchQuery): Promise<void> {
  const res = await fetch(`${base}/api/query/explain?target=${query.endpoint}&plan=analyze&q=${encodeURIComponent(query.q)}`);
  const body = (await res.json()) as { plan?: string };
  console.log(`\n### ${query.id} — ${query.what}\n\n\`${query.q}\` on /api/${query.endpoint}\n\n\`\`\`\n${body.plan ?? JSON.stringify(body)}\n\`\`\`\n`);
}

function printIndexCost(results: IndexCostResult[], database: string): void {
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const cpu = (r: IndexCostResult): number | null => (r.cpuMsPer1000.some((v) => v === null) ? null : median(r.cpuMsPer1000 as number[]));
  console.log(`Index cost at ingest (${database}; transactions of 1000 rows, synchronous_commit off; medians of ${results[0]?.rowsPerSecond.length} rounds)\n`);
  const rows = results.map((r) => {
    const base = results.find((b) => b.table === r.table)!;
    const c = cpu(r);
    const baseCpu = cpu(base);
    return [
      `${r.table} (${r.rows} rows)`,
      r.variant,
      c === null ? "?" : c.toFixed(1),
      c === null || baseCpu === null ? "?" : `${c >= baseCpu ? "+" : ""}${(c - baseCpu).toFixed(1)}`,
      String(Math.round(median(r.rowsPerSecond))),
      `${((median(r.rowsPerSecond) / median(base.rowsPerSecond)) * 100).toFixed(0)} %`,
    ];
  });
  console.log(table(["table", "indexes", "backend CPU ms / 1000 rows", "Δ CPU ms / 1000 rows", "rows/s (wall)", "rows/s vs without"], rows));
}

function ms(v: number): string {
  return v.toFixed(1);
}

function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
