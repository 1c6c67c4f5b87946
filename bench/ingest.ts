/**
 * `npm run bench:ingest`: spans/s through the collector (OTLP/HTTP protobuf and JSON, sent from
 * this process to a collector in its own process) against a raw COPY of the same rows into the
 * same PostgreSQL, in one run. Prints figures and ratios; it is a measurement, not a test.
 * See docs/benchmarks.md for the method and results; `--help` for the options.
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createPool } from "../collector/storage/database.ts";
import { migrate } from "../collector/storage/migrate.ts";
import { openBenchDatabase, type BenchDatabase } from "./bench-database.ts";
import { resolveCollector, startCollectorProcess } from "./collector-process.ts";
import { summarizeCpuProfile } from "./cpu-profile-summary.ts";
import { postAll } from "./http-load.ts";
import { parseIngestOptions, USAGE, type IngestOptions } from "./options.ts";
import { CONTENT_TYPE, encodeCopyText, encodeRequest, type Format } from "./otlp-payloads.ts";
import { machineBusyCpuSeconds, memoryOf, postgresCpuSeconds, processCpuSeconds } from "./process-stats.ts";
import { copyAll, createRawTable, RAW_TABLE } from "./raw-copy.ts";
import { resultsTable, type PhaseResult } from "./results-table.ts";
import { SpanGenerator } from "./span-generator.ts";
import { measureStageCosts } from "./stage-costs.ts";

const log = (m: string): void => console.error(`[bench] ${m}`);

async function main(): Promise<void> {
  const parsed = parseIngestOptions(process.argv.slice(2), process.env);
  if (parsed === "help") return void console.log(USAGE);
  const resolved = resolveCollector(parsed.collector);
  const options = { ...parsed, collector: resolved.collector };
  const db = await openBenchDatabase(options.databaseUrl, log);
  const pool = createPool(db.url, 2);
  const results: PhaseResult[] = [];
  try {
    await migrate(pool);
    await createRawTable(pool);
    printHeader(options, db, resolved.why);
    let seed = 1;
    for (const batchSize of options.batchSizes) {
      results.push(await rawCopyPhase(options, db, pool, batchSize, seed++));
      for (const format of options.formats) results.push(await collectorPhase(options, db, pool, format, batchSize, seed++));
    }
    console.log("\n" + resultsTable(results));
    const sent = results.filter((r) => r.path !== "raw COPY").reduce((n, r) => n + r.spans, 0);
    const stored = results.filter((r) => r.path !== "raw COPY").reduce((n, r) => n + r.storedSpans, 0);
    console.log(`\nthrough the collector: ${sent} spans sent, ${stored} found in the spans table ${sent === stored ? "(all stored)" : "(MISMATCH)"}`);
    if (sent !== stored) process.exitCode = 1;
    if (results.some((r) => r.otherCpu > 0.5)) {
      console.log("note: other programs used the CPUs during some phases (column \"other\"); their figures are low: rerun on a quiet machine");
    }
    const size = options.batchSizes.at(-1)!;
    console.log(`\ncollector stages, in this process (JIT warm, best of 5, ${size} spans per request; the collector's JS thread does all of these per span):`);
    for (const c of measureStageCosts(size)) console.log(`  ${c.microsPerSpan.toFixed(2).padStart(6)} µs/span  ${c.stage}`);
  } finally {
    await pool.end();
    await db.close({ keep: options.keep });
  }
}

function printHeader(options: IngestOptions, db: BenchDatabase, why: string): void {
  console.log(
    [
      "Sightline ingest benchmark",
      `  machine      ${cpus()[0]?.model ?? "?"} × ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
      `  database     ${db.description}`,
      `  spans/phase  ${options.spans}  (warm-up ${options.warmupSpans} per collector)`,
      `  batch sizes  ${options.batchSizes.join(", ")} spans per request / per COPY`,
      `  clients      ${options.concurrency} keep-alive HTTP connections; raw COPY on ${options.copyConcurrency} connections`,
      `  collector    ${options.collector === "tsx" ? "node --import tsx collector/cli.ts" : options.collector === "built" ? "node bin/sightline.js (dist/)" : options.collector} (own process; ${why})`,
    ].join("\n"),
  );
}

/** Empties the tables a phase writes and checkpoints, so every phase starts from the same state. */
async function resetTables(pool: pg.Pool): Promise<void> {
  await pool.query(`TRUNCATE spans, traces, run_traces, ${RAW_TABLE}`);
  await pool.query("CHECKPOINT");
}

interface CpuMark {
  machine: number;
  pg: number;
  bench: number;
  collector: number;
}

function cpuMark(db: BenchDatabase, collectorPid?: number): CpuMark {
  const usage = process.cpuUsage();
  return {
    machine: machineBusyCpuSeconds(),
    pg: db.postmasterPid === null ? NaN : postgresCpuSeconds(db.postmasterPid, db.name),
    bench: (usage.user + usage.system) / 1e6,
    collector: collectorPid === undefined ? 0 : processCpuSeconds(collectorPid),
  };
}

/** CPU the rest of the machine used meanwhile (other programs, and kernel work not charged to a process): a disturbed phase shows here. */
function otherCpu(before: CpuMark, after: CpuMark): number {
  const ours = after.collector - before.collector + (after.pg - before.pg) + (after.bench - before.bench);
  return Math.max(0, after.machine - before.machine - ours);
}

async function rawCopyPhase(options: IngestOptions, db: BenchDatabase, pool: pg.Pool, batchSize: number, seed: number): Promise<PhaseResult> {
  const generator = new SpanGenerator(seed);
  const chunks: string[] = [];
  for (let left = options.spans; left > 0; left -= batchSize) chunks.push(encodeCopyText(generator.nextBatch(Math.min(batchSize, left))));
  await resetTables(pool);
  log(`raw COPY, ${batchSize} spans per COPY …`);
  const run = await copyAll(db.url, chunks, options.copyConcurrency, () => cpuMark(db));
  const { before, after } = run;
  const stored = await countRows(pool, RAW_TABLE);
  return {
    path: "raw COPY",
    batchSize,
    spans: options.spans,
    storedSpans: stored,
    seconds: run.seconds,
    collectorCpu: null,
    postgresCpu: after.pg - before.pg,
    clientCpu: after.bench - before.bench,
    otherCpu: otherCpu(before, after),
    peakRss: null,
    retries: 0,
    commits: chunks.length,
    latencyMs: null,
    check: stored === options.spans ? "ok" : `MISMATCH: ${stored} rows`,
  };
}

async function collectorPhase(options: IngestOptions, db: BenchDatabase, pool: pg.Pool, format: Format, batchSize: number, seed: number): Promise<PhaseResult> {
  const bodies = (generator: SpanGenerator, spans: number): Buffer[] => {
    const out: Buffer[] = [];
    for (let left = spans; left > 0; left -= batchSize) out.push(encodeRequest(generator.nextBatch(Math.min(batchSize, left)), format));
    return out;
  };
  const generator = new SpanGenerator(seed);
  const payloads = bodies(generator, options.spans);
  const warmup = bodies(new SpanGenerator(1000 + seed), options.warmupSpans);
  const bytes = payloads.reduce((n, b) => n + b.length, 0);

  const profileDir = options.profile ? mkdtempSync(join(tmpdir(), `sightline-bench-profile-${format}-${batchSize}-`)) : undefined;
  const collector = await startCollectorProcess({
    databaseUrl: db.url,
    ...(profileDir ? { cpuProfileDir: profileDir } : {}),
    collector: options.collector,
  });
  try {
    if (warmup.length > 0) await postAll(collector.url, "/v1/traces", CONTENT_TYPE[format], warmup, options.concurrency);
    await resetTables(pool);
    log(`collector, OTLP/HTTP ${format}, ${batchSize} spans per request, ${(bytes / payloads.length / 1024).toFixed(0)} KiB each …`);
    const before = cpuMark(db, collector.pid);
    const run = await postAll(collector.url, "/v1/traces", CONTENT_TYPE[format], payloads, options.concurrency);
    const after = cpuMark(db, collector.pid);
    const memory = memoryOf(collector.pid);
    const stored = await countRows(pool, "spans");
    const summary = (await pool.query<{ traces: string; spans: string | null }>("SELECT count(*) AS traces, sum(span_count) AS spans FROM traces")).rows[0]!;
    // received_at defaults to now(), the transaction's start: one distinct value per commit.
    const commits = Number((await pool.query<{ n: string }>("SELECT count(DISTINCT received_at) AS n FROM spans")).rows[0]!.n);
    const problems: string[] = [];
    if (stored !== options.spans) problems.push(`${stored} span rows`);
    if (Number(summary.spans) !== options.spans) problems.push(`trace summaries count ${summary.spans} spans`);
    if (Number(summary.traces) !== generator.stats.traces) problems.push(`${summary.traces} trace rows, ${generator.stats.traces} traces sent`);
    return {
      path: `collector ${format}`,
      batchSize,
      spans: options.spans,
      storedSpans: stored,
      seconds: run.seconds,
      collectorCpu: after.collector - before.collector,
      postgresCpu: after.pg - before.pg,
      clientCpu: after.bench - before.bench,
      otherCpu: otherCpu(before, after),
      peakRss: memory?.peakRss ?? null,
      retries: run.retries,
      commits,
      latencyMs: run.latencyMs,
      check: problems.length === 0 ? "ok" : `MISMATCH: ${problems.join("; ")}`,
    };
  } catch (err) {
    log(`collector log:\n${collector.log()}`);
    throw err;
  } finally {
    await collector.stop();
    if (profileDir) printProfile(profileDir, `${format}, ${batchSize} spans per request`);
  }
}

async function countRows(pool: pg.Pool, table: string): Promise<number> {
  return Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
}

function printProfile(dir: string, label: string): void {
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) return log(`no CPU profile was written in ${dir}`);
  const s = summarizeCpuProfile(join(dir, file));
  const busy = s.byStage.filter((r) => !r.stage.startsWith("idle")).reduce((n, r) => n + r.ms, 0);
  const lines = [`\ncollector CPU profile (${label}): ${join(dir, file)}`, `  ${(s.totalMs / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s on CPU; share of on-CPU time:`];
  for (const r of s.byStage) {
    if (r.stage.startsWith("idle")) lines.push(`  ${"".padStart(6)}  ${(r.ms / 1000).toFixed(2).padStart(6)} s  ${r.stage}`);
    else lines.push(`  ${((r.ms / busy) * 100).toFixed(1).padStart(5)} %  ${(r.ms / 1000).toFixed(2).padStart(6)} s  ${r.stage}`);
  }
  lines.push("  top functions by self time:");
  for (const r of s.topFunctions.filter((f) => !f.name.startsWith("(idle)"))) lines.push(`  ${((r.ms / busy) * 100).toFixed(1).padStart(5)} %  ${r.name}`);
  console.log(lines.join("\n"));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
