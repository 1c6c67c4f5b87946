/**
 * `npm run bench:metrics`: experiment-tracking metrics through the collector, which runs in its
 * own process — points/s ingested via the Run API and via OTLP/HTTP (protobuf and JSON), then the
 * latency of GET /api/metrics over the 1M points just written (runs × steps), downsampled
 * (points=500) and at full resolution. Prints figures and their ratio to the goals; it is a
 * measurement, not a test. Method and results: docs/benchmarks.md; options: `--help`.
 */
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import type pg from "pg";
import { createPool } from "../../collector/storage/database.ts";
import { migrate } from "../../collector/storage/migrate.ts";
import { openBenchDatabase, type BenchDatabase } from "../bench-database.ts";
import { resolveCollector, startCollectorProcess, type CollectorProcess } from "../collector-process.ts";
import { machineBusyCpuSeconds, memoryOf, processCpuSeconds, resetPeakRss } from "../process-stats.ts";
import { parseMetricsBenchOptions, USAGE, type IngestPath, type MetricsBenchOptions } from "./options.ts";
import { CONTENT_TYPE, workloadBodies, type Format } from "./otlp-bodies.ts";
import { postAll } from "../http-load.ts";
import { postgresCpuBetween, postgresCpuMark, type PostgresCpuMark } from "./postgres-cpu.ts";
import { formatStageProfile, profileStages } from "./profile-stages.ts";
import { queryBreakdown, type QueryBreakdown } from "./query-breakdown.ts";
import { measureQuery, type QueryCase, type QueryLatency } from "./query-latency.ts";
import { breakdownTable, ingestTable, queryTable, type IngestResult } from "./report.ts";
import { runApiLoad } from "./run-api-load.ts";
import { resetMetricTables, verifyStored } from "./verify.ts";
import { METRIC, PROJECT, runId, type Workload } from "./workload.ts";

const log = (m: string): void => console.error(`[bench:metrics] ${m}`);

async function main(): Promise<void> {
  const parsed = parseMetricsBenchOptions(process.argv.slice(2), process.env);
  if (parsed === "help") return void console.log(USAGE);
  const resolved = resolveCollector(parsed.collector);
  const options: MetricsBenchOptions = { ...parsed, collector: resolved.collector };
  const workload: Workload = { runs: options.runs, steps: options.steps };
  const db = await openBenchDatabase(options.databaseUrl, log);
  const pool = createPool(db.url, 4);
  const ingest: IngestResult[] = [];
  try {
    await migrate(pool);
    printHeader(options, db, resolved.why);
    for (const path of options.paths) ingest.push(await ingestPhase(options, db, pool, workload, path));
    console.log("\nIngest\n\n" + ingestTable(ingest));
    if (ingest.at(-1)?.check !== "ok") {
      process.exitCode = 1;
      return log("the last phase did not store what was sent: no query phase");
    }
    const { latencies, breakdown } = await queryPhase(options, db, pool, workload);
    console.log("\nGET /api/metrics over " + `${workload.runs} runs × ${workload.steps} steps (${(workload.runs * workload.steps).toLocaleString("en-US")} points)\n\n` + queryTable(latencies));
    console.log("\n" + breakdownTable(breakdown));
    const sent = ingest.reduce((n, r) => n + r.points, 0);
    const stored = ingest.reduce((n, r) => n + r.storedPoints, 0);
    const allOk = ingest.every((r) => r.check === "ok") && latencies.every((q) => q.check === "ok");
    console.log(`\ncheck: ${sent.toLocaleString("en-US")} points sent over ${ingest.length} phases, ${stored.toLocaleString("en-US")} found in metric_points; series aggregates ${allOk ? "exact" : "WRONG (see the tables)"}`);
    if (!allOk || sent !== stored) process.exitCode = 1;
  } finally {
    await pool.end();
    await db.close({ keep: options.keep });
  }
}

function printHeader(o: MetricsBenchOptions, db: BenchDatabase, why: string): void {
  console.log(
    [
      "Sightline metrics benchmark",
      `  machine      ${cpus()[0]?.model ?? "?"} × ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
      `  database     ${db.description}`,
      `  workload     ${o.runs} runs × ${o.steps} steps = ${(o.runs * o.steps).toLocaleString("en-US")} points per phase (one series per run: loss {subset: train}, step + epoch)`,
      `  Run API      ${o.runApiParallel} runs at once in this process, maxBatchPoints ${o.runApiBatch || "default (10000)"}`,
      `  OTLP         ${o.batchPoints} points per request, ${o.concurrency} keep-alive HTTP clients`,
      `  collector    ${o.collector === "built" ? "node bin/sightline.js (dist/)" : "node --import tsx collector/cli.ts"} in its own process (${why})`,
    ].join("\n"),
  );
}

interface CpuMark {
  machine: number;
  pg: PostgresCpuMark;
  bench: number;
  collector: number;
}

function cpuMark(db: BenchDatabase, collectorPid: number): CpuMark {
  const usage = process.cpuUsage();
  return {
    machine: machineBusyCpuSeconds(),
    pg: postgresCpuMark(db.postmasterPid, new URL(db.url).pathname.slice(1)),
    bench: (usage.user + usage.system) / 1e6,
    collector: processCpuSeconds(collectorPid),
  };
}

async function withCollector<T>(o: MetricsBenchOptions, db: BenchDatabase, label: string, fn: (c: CollectorProcess) => Promise<T>): Promise<T> {
  const profileDir = o.profile ? mkdtempSync(join(tmpdir(), `sightline-bench-metrics-${label.replace(/\W+/g, "-")}-`)) : undefined;
  const collector = await startCollectorProcess({ databaseUrl: db.url, collector: o.collector, ...(profileDir ? { cpuProfileDir: profileDir } : {}) });
  try {
    return await fn(collector);
  } catch (err) {
    log(`collector log:\n${collector.log()}`);
    throw err;
  } finally {
    await collector.stop();
    // tsx's loader thread writes a profile too: the main thread's is the largest.
    const file = profileDir && readdirSync(profileDir).filter((f) => f.endsWith(".cpuprofile")).sort((a, b) => statSync(join(profileDir, b)).size - statSync(join(profileDir, a)).size)[0];
    if (profileDir && file) console.log(formatStageProfile(label, join(profileDir, file), profileStages(join(profileDir, file))));
  }
}

async function ingestPhase(o: MetricsBenchOptions, db: BenchDatabase, pool: pg.Pool, w: Workload, path: IngestPath): Promise<IngestResult> {
  const format: Format | undefined = path === "run-api" ? undefined : path;
  const bodies = format ? workloadBodies(w, format, o.batchPoints) : [];
  const warmup: Workload = { runs: Math.min(w.runs, 4), steps: Math.max(1, Math.floor(o.warmupPoints / Math.min(w.runs, 4))) };
  const label = path === "run-api" ? "Run API" : `OTLP/HTTP ${format}`;
  return withCollector(o, db, label, async (collector) => {
    if (o.warmupPoints > 0) {
      log(`${label}: warm-up, ${warmup.runs * warmup.steps} points …`);
      if (format) await postAll(collector.url, "/v1/metrics", CONTENT_TYPE[format], workloadBodies(warmup, format, o.batchPoints), o.concurrency);
      else await runApiLoad(warmup, { endpoint: collector.url, parallel: warmup.runs, maxBatchPoints: o.runApiBatch || undefined, stepsPerYield: 100 });
    }
    await resetMetricTables(pool);
    resetPeakRss(collector.pid);
    const bytes = bodies.reduce((n, b) => n + b.length, 0);
    log(`${label}: ${(w.runs * w.steps).toLocaleString("en-US")} points${format ? `, ${bodies.length} requests of ${(bytes / bodies.length / 1024).toFixed(0)} KiB` : ""} …`);
    const before = cpuMark(db, collector.pid);
    let seconds: number;
    let retries = 0;
    let latency = "–";
    let problems: string[] = [];
    if (format) {
      const r = await postAll(collector.url, "/v1/metrics", CONTENT_TYPE[format], bodies, o.concurrency);
      seconds = r.seconds;
      retries = r.retries;
      latency = `${r.latencyMs.p50.toFixed(0)} / ${r.latencyMs.p95.toFixed(0)} ms`;
      if (r.partialSuccess.length > 0) problems.push(`partial success: ${r.partialSuccess[0]}`);
    } else {
      const r = await runApiLoad(w, { endpoint: collector.url, parallel: o.runApiParallel, maxBatchPoints: o.runApiBatch || undefined, stepsPerYield: 100 });
      seconds = r.seconds;
      retries = r.retried;
      latency = `${r.requests} requests`;
      if (r.droppedPoints > 0 || r.failedRequests > 0) problems.push(`Run API dropped ${r.droppedPoints} points, ${r.failedRequests} requests: ${r.warnings[0] ?? ""}`);
    }
    const after = cpuMark(db, collector.pid);
    const memory = memoryOf(collector.pid);
    const verified = await verifyStored(pool, w);
    if (verified.check !== "ok") problems.push(verified.check);
    if (format && problems.length === 0) {
      // Idempotency: a re-sent request (an exporter's retry) must store nothing new.
      await postAll(collector.url, "/v1/metrics", CONTENT_TYPE[format], [bodies[0]!], 1);
      const again = await verifyStored(pool, w);
      if (again.check !== "ok") problems.push(`after re-sending a request: ${again.check}`);
    }
    const pgCpu = postgresCpuBetween(before.pg, after.pg);
    const ours = after.collector - before.collector + pgCpu.backends + pgCpu.background + (after.bench - before.bench);
    return {
      path: label,
      batch: format ? String(o.batchPoints) : String(o.runApiBatch || 10_000),
      clients: format ? `${o.concurrency} connections` : `${o.runApiParallel} runs`,
      points: w.runs * w.steps,
      seconds,
      collectorCpu: after.collector - before.collector,
      postgresCpu: pgCpu.backends,
      postgresBackgroundCpu: pgCpu.background,
      clientCpu: after.bench - before.bench,
      otherCpu: Math.max(0, after.machine - before.machine - ours),
      peakRss: memory?.peakRss ?? null,
      retries,
      latency,
      storedPoints: verified.storedPoints,
      check: problems.length === 0 ? "ok" : problems.join("; "),
    };
  });
}

async function queryPhase(o: MetricsBenchOptions, db: BenchDatabase, pool: pg.Pool, w: Workload): Promise<{ latencies: QueryLatency[]; breakdown: QueryBreakdown[] }> {
  await pool.query("VACUUM ANALYZE metric_points, metric_series");
  const runIds = Array.from({ length: w.runs }, (_, i) => runId(i));
  const base = `/api/metrics?runs=${runIds.join(",")}&names=${METRIC}`;
  const latencies = await withCollector(o, db, "GET /api/metrics", async (collector) => {
    // CPU per call of the collector, the database's backends and everything else on the machine.
    const measure = async (c: QueryCase): Promise<QueryLatency> => {
      const before = cpuMark(db, collector.pid);
      const q = await measureQuery(collector.url, c);
      const after = cpuMark(db, collector.pid);
      const pgCpu = postgresCpuBetween(before.pg, after.pg);
      const calls = c.warmup + c.repeat;
      const collectorCpu = after.collector - before.collector;
      const other = after.machine - before.machine - collectorCpu - pgCpu.backends - pgCpu.background - (after.bench - before.bench);
      return { ...q, cpuPerCallMs: { collector: (collectorCpu / calls) * 1000, postgres: (pgCpu.backends / calls) * 1000, other: (Math.max(0, other) / calls) * 1000 } };
    };
    log(`GET /api/metrics, points=${o.downsamplePoints}: ${o.downsampledCalls} calls …`);
    const down = await measure({
      label: `points=${o.downsamplePoints}`,
      path: `${base}&points=${o.downsamplePoints}`,
      repeat: o.downsampledCalls,
      warmup: 3,
      expectSeries: w.runs,
      expectPoints: { atMost: o.downsamplePoints },
    });
    // x = time cannot use the tiles (they are per step): every point is read, then M4 on time buckets.
    log(`GET /api/metrics, points=${o.downsamplePoints}, x=time: ${o.downsampledCalls} calls …`);
    const byTime = await measure({
      label: `points=${o.downsamplePoints}, x=time`,
      path: `${base}&points=${o.downsamplePoints}&x=time`,
      repeat: o.downsampledCalls,
      warmup: 3,
      expectSeries: w.runs,
      expectPoints: { atMost: o.downsamplePoints },
    });
    log(`GET /api/metrics, full resolution: ${o.fullCalls} calls …`);
    const full = await measure({ label: "full resolution", path: base, repeat: o.fullCalls, warmup: 1, expectSeries: w.runs, expectPoints: { exactly: w.steps } });
    return [down, byTime, full];
  });
  log("stage breakdown (in-process) …");
  const breakdown = [
    await queryBreakdown(pool, `points=${o.downsamplePoints}`, PROJECT, runIds, [METRIC], o.downsamplePoints, 9),
    await queryBreakdown(pool, "full resolution", PROJECT, runIds, [METRIC], 0, 5),
  ];
  return { latencies, breakdown };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
