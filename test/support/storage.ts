import type pg from "pg";
import type { Span } from "../../collector/model/trace.ts";
import { createPool } from "../../collector/storage/database.ts";
import { migrate } from "../../collector/storage/migrate.ts";
import type { NormalizedTraceBatch } from "../../collector/storage/trace-records.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";

/** A migrated fresh database and a pool on it, for storage-level tests. */
export async function migratedDatabase(): Promise<{ pool: pg.Pool; database: TestDatabase; close(): Promise<void> }> {
  const database = await createTestDatabase();
  const pool = createPool(database.url);
  await migrate(pool);
  return {
    pool,
    database,
    async close() {
      await pool.end();
      await database.drop();
    },
  };
}

export function modelSpan(fields: Partial<Span> & { traceId: string; spanId: string }): Span {
  return {
    parentSpanId: "",
    traceState: "",
    flags: 0,
    name: "span",
    kind: 1,
    startTimeUnixNano: 1_700_000_000_000_000_000n,
    endTimeUnixNano: 1_700_000_000_100_000_000n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: "" },
    ...fields,
  };
}

/** One resource (service) with one scope holding the spans. */
export function batchOf(spans: Span[], service = "svc", project = "default"): NormalizedTraceBatch {
  return {
    runs: [{ project, runId: `run-of-${service}`, implicit: false }],
    ai: new Map(),
    resourceSpans: [
      {
        project,
        serviceName: service,
        runId: `run-of-${service}`,
        resource: { attributes: [{ key: "service.name", value: service }], droppedAttributesCount: 0 },
        schemaUrl: "",
        scopeSpans: [{ scope: { name: "test", version: "1", attributes: [], droppedAttributesCount: 0 }, schemaUrl: "", spans }],
      },
    ],
  };
}
