import { parseArgs } from "node:util";
import type { Format } from "./otlp-payloads.ts";

/** `npm run bench:ingest -- [flags]`; each flag also reads an environment variable, flags win. */
export interface IngestOptions {
  /** Spans sent in each measured phase. */
  spans: number;
  /** Spans per OTLP request (and per COPY in the baseline); one phase per size. */
  batchSizes: number[];
  /** Concurrent HTTP clients (keep-alive connections). */
  concurrency: number;
  /** Concurrent connections of the raw COPY baseline. */
  copyConcurrency: number;
  formats: Format[];
  /** Spans sent to each fresh collector before measuring (JIT warm-up), then deleted. */
  warmupSpans: number;
  /** External PostgreSQL; unset → an embedded PostgreSQL in a temporary folder. */
  databaseUrl: string | undefined;
  /** Run the collector under `node --cpu-prof` and print where its CPU time went. */
  profile: boolean;
  /** Keep the benchmark database (and embedded data folder) instead of dropping it. */
  keep: boolean;
  /** "auto", "tsx" (collector/cli.ts from source), "built" (bin/sightline.js on dist/), or an experiment's script. */
  collector: string;
}

export const USAGE = `npm run bench:ingest -- [options]
  --spans N              spans per measured phase            BENCH_SPANS (default 200000)
  --batch-sizes A,B      spans per request / per COPY        BENCH_BATCH_SIZES (default 100,1000)
  --concurrency N        concurrent HTTP clients             BENCH_CONCURRENCY (default 16)
  --copy-concurrency N   concurrent raw-COPY connections     BENCH_COPY_CONCURRENCY (default 2)
  --formats F,G          protobuf and/or json                BENCH_FORMATS (default protobuf,json)
  --warmup-spans N       warm-up spans per collector         BENCH_WARMUP_SPANS (default 20000)
  --database-url URL     PostgreSQL server to use            DATABASE_URL (default: embedded, temp dir)
  --profile              CPU-profile the collector           BENCH_PROFILE=1
  --keep                 keep the benchmark database         BENCH_KEEP=1
  --collector WHICH      built: bin/sightline.js on dist/;    BENCH_COLLECTOR (default auto: built
                         tsx: collector/cli.ts under tsx;     when dist/ is up to date, else tsx)
                         a script path: run instead of cli.ts (.js: plain node; else tsx)`;

export function parseIngestOptions(argv: string[], env: NodeJS.ProcessEnv): IngestOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      spans: { type: "string" },
      "batch-sizes": { type: "string" },
      concurrency: { type: "string" },
      "copy-concurrency": { type: "string" },
      formats: { type: "string" },
      "warmup-spans": { type: "string" },
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
  const formats = choices(pick(values.formats, "BENCH_FORMATS") ?? "protobuf,json", ["protobuf", "json"] as const, "format");
  return {
    spans: count(pick(values.spans, "BENCH_SPANS"), 200_000, "--spans"),
    batchSizes: (pick(values["batch-sizes"], "BENCH_BATCH_SIZES") ?? "100,1000").split(",").map((s) => count(s.trim(), 0, "--batch-sizes")),
    concurrency: count(pick(values.concurrency, "BENCH_CONCURRENCY"), 16, "--concurrency"),
    copyConcurrency: count(pick(values["copy-concurrency"], "BENCH_COPY_CONCURRENCY"), 2, "--copy-concurrency"),
    formats: formats satisfies Format[],
    warmupSpans: count(pick(values["warmup-spans"], "BENCH_WARMUP_SPANS"), 20_000, "--warmup-spans", 0),
    databaseUrl: pick(values["database-url"], "DATABASE_URL"),
    profile: values.profile ?? env.BENCH_PROFILE === "1",
    keep: values.keep ?? env.BENCH_KEEP === "1",
    collector: pick(values.collector, "BENCH_COLLECTOR") ?? "auto",
  };
}

/** An option's value: its flag's, else its environment variable's (empty counts as unset). */
export function picker(env: NodeJS.ProcessEnv): (flag: string | undefined, name: string) => string | undefined {
  return (flag, name) => flag ?? (env[name] || undefined);
}

/** A comma-separated list of some of `allowed`. */
export function choices<T extends string>(text: string, allowed: readonly T[], what: string): T[] {
  const items = text.split(",").map((item) => item.trim());
  for (const item of items) if (!(allowed as readonly string[]).includes(item)) throw new Error(`unknown ${what} "${item}": use ${allowed.join(", ")}`);
  return items as T[];
}

/** An integer option (underscores allowed: 1_000_000), at least `min`. */
export function count(value: string | undefined, fallback: number, what: string, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value.replaceAll("_", ""));
  if (!Number.isInteger(n) || n < min) throw new Error(`${what} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}
