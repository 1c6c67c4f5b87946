import { parseArgs } from "node:util";
import { choices, count as int, picker } from "../options.ts";

/** `npm run bench:metrics -- [flags]`; each flag also reads an environment variable, flags win. */
export type IngestPath = "run-api" | "protobuf" | "json";

export interface MetricsBenchOptions {
  runs: number;
  steps: number;
  paths: IngestPath[];
  /** Points per OTLP request (one run's step range). */
  batchPoints: number;
  /** Concurrent HTTP connections of the OTLP client. */
  concurrency: number;
  /** Runs alive at once in the Run API phase (default: all). */
  runApiParallel: number;
  /** Run option maxBatchPoints; 0: the Run API's default. */
  runApiBatch: number;
  /** Points sent to each fresh collector before measuring (JIT warm-up), then deleted. */
  warmupPoints: number;
  /** Timed calls of GET /api/metrics?points=500 and at full resolution. */
  downsampledCalls: number;
  fullCalls: number;
  downsamplePoints: number;
  databaseUrl: string | undefined;
  profile: boolean;
  keep: boolean;
  collector: string;
}

export const USAGE = `npm run bench:metrics -- [options]
  --runs N               runs (one series each)              BENCH_RUNS (default 100)
  --steps N              steps per run                       BENCH_STEPS (default 10000)
  --paths A,B            run-api, protobuf, json             BENCH_PATHS (default run-api,protobuf,json)
  --batch-points N       points per OTLP request              BENCH_BATCH_POINTS (default 10000)
  --concurrency N        concurrent OTLP HTTP clients        BENCH_CONCURRENCY (default 4)
  --run-api-parallel N   runs alive at once (Run API)        BENCH_RUN_API_PARALLEL (default: all)
  --run-api-batch N      Run maxBatchPoints (0: its default) BENCH_RUN_API_BATCH (default 0)
  --warmup-points N      warm-up points per collector        BENCH_WARMUP_POINTS (default 40000)
  --downsampled-calls N  timed calls at points=500           BENCH_DOWNSAMPLED_CALLS (default 30)
  --full-calls N         timed calls at full resolution      BENCH_FULL_CALLS (default 8)
  --points N             the downsampled query's points=     BENCH_POINTS (default 500)
  --database-url URL     PostgreSQL server to use            DATABASE_URL (default: embedded, temp dir)
  --profile              CPU-profile the collector           BENCH_PROFILE=1
  --keep                 keep the benchmark database         BENCH_KEEP=1
  --collector WHICH      auto | tsx | built                  BENCH_COLLECTOR (default auto)`;

export function parseMetricsBenchOptions(argv: string[], env: NodeJS.ProcessEnv): MetricsBenchOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: "string" },
      steps: { type: "string" },
      paths: { type: "string" },
      "batch-points": { type: "string" },
      concurrency: { type: "string" },
      "run-api-parallel": { type: "string" },
      "run-api-batch": { type: "string" },
      "warmup-points": { type: "string" },
      "downsampled-calls": { type: "string" },
      "full-calls": { type: "string" },
      points: { type: "string" },
      "database-url": { type: "string" },
      profile: { type: "boolean" },
      keep: { type: "boolean" },
      collector: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return "help";
  const pick = picker(env);
  const paths = choices(pick(values.paths, "BENCH_PATHS") ?? "run-api,protobuf,json", ["run-api", "protobuf", "json"] as const, "path");
  const runs = int(pick(values.runs, "BENCH_RUNS"), 100, "--runs");
  return {
    runs,
    steps: int(pick(values.steps, "BENCH_STEPS"), 10_000, "--steps"),
    paths: paths satisfies IngestPath[],
    batchPoints: int(pick(values["batch-points"], "BENCH_BATCH_POINTS"), 10_000, "--batch-points"),
    concurrency: int(pick(values.concurrency, "BENCH_CONCURRENCY"), 4, "--concurrency"),
    runApiParallel: int(pick(values["run-api-parallel"], "BENCH_RUN_API_PARALLEL"), runs, "--run-api-parallel"),
    runApiBatch: int(pick(values["run-api-batch"], "BENCH_RUN_API_BATCH"), 0, "--run-api-batch", 0),
    warmupPoints: int(pick(values["warmup-points"], "BENCH_WARMUP_POINTS"), 40_000, "--warmup-points", 0),
    downsampledCalls: int(pick(values["downsampled-calls"], "BENCH_DOWNSAMPLED_CALLS"), 30, "--downsampled-calls"),
    fullCalls: int(pick(values["full-calls"], "BENCH_FULL_CALLS"), 8, "--full-calls"),
    downsamplePoints: int(pick(values.points, "BENCH_POINTS"), 500, "--points"),
    databaseUrl: pick(values["database-url"], "DATABASE_URL"),
    profile: values.profile ?? env.BENCH_PROFILE === "1",
    keep: values.keep ?? env.BENCH_KEEP === "1",
    collector: pick(values.collector, "BENCH_COLLECTOR") ?? "auto",
  };
}
