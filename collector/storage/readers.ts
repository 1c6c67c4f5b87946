import type pg from "pg";
import { PostgresAiUsageReader } from "./ai-usage-reader.ts";
import { PostgresLogReader } from "./log-reader.ts";
import { PostgresMetricReader } from "./metric-reader.ts";
import { PostgresRunReader } from "./run-reader.ts";
import { PostgresSessionReader } from "./session-reader.ts";
import { PostgresTraceReader } from "./trace-reader.ts";

/** Every reader the API needs, on one pool. */
export function postgresReaders(pool: pg.Pool) {
  return {
    traces: new PostgresTraceReader(pool),
    runs: new PostgresRunReader(pool),
    metrics: new PostgresMetricReader(pool),
    logs: new PostgresLogReader(pool),
    sessions: new PostgresSessionReader(pool),
    aiUsage: new PostgresAiUsageReader(pool),
  };
}
