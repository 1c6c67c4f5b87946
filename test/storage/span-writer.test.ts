import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type pg from "pg";
import { PermanentError } from "../../collector/errors.ts";
import { DEFAULT_GROUP_COMMIT } from "../../collector/storage/group-commit.ts";
import { GroupCommitSpanWriter } from "../../collector/storage/span-writer.ts";
import { PostgresTraceReader, type TraceSummary } from "../../collector/storage/trace-reader.ts";
import { spanId, traceId } from "../support/otlp.ts";
import { batchOf, migratedDatabase, modelSpan } from "../support/storage.ts";

let db: Awaited<ReturnType<typeof migratedDatabase>>;
let writer: GroupCommitSpanWriter;
let reader: PostgresTraceReader;

before(async () => {
  db = await migratedDatabase();
  writer = new GroupCommitSpanWriter(db.pool);
  reader = new PostgresTraceReader(db.pool);
});
after(async () => {
  await writer.close();
  await db.close();
});

async function summary(id: string, project = "default"): Promise<TraceSummary> {
  const page = await reader.findTraces({ project, limit: 1000 });
  const found = page.traces.find((t) => t.traceId === id);
  assert.ok(found, `trace ${id} is listed`);
  return found;
}

async function spanRows(pool: pg.Pool, id: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM spans WHERE trace_id = $1", [Buffer.from(id, "hex")]);
  return Number(rows[0]!.n);
}

const NS = 1_000_000_000n;
const T = 1_700_000_000n * NS;

describe("GroupCommitSpanWriter", () => {
  test("stores a re-sent span once and counts it once in the summary", async () => {
    const t = traceId();
    const spans = [modelSpan({ traceId: t, spanId: spanId(), name: "root" }), modelSpan({ traceId: t, spanId: spanId(), name: "child", status: { code: 2, message: "x" } })];
    spans[1]!.parentSpanId = spans[0]!.spanId;
    await writer.writeSpans(batchOf(spans));
    await writer.writeSpans(batchOf(spans));
    await Promise.all([writer.writeSpans(batchOf(spans)), writer.writeSpans(batchOf([spans[1]!]))]);
    assert.equal(await spanRows(db.pool, t), 2);
    const s = await summary(t);
    assert.equal(s.spanCount, 2);
    assert.equal(s.errorCount, 1);
  });

  test("keeps the summary right when a trace arrives out of order in several requests", async () => {
    const t = traceId();
    const root = spanId();
    const child = spanId();
    const grandchild = spanId();
    // Grandchild first, from another service, ending last.
    await writer.writeSpans(
      batchOf([modelSpan({ traceId: t, spanId: grandchild, parentSpanId: child, name: "db", startTimeUnixNano: T + 3n * NS, endTimeUnixNano: T + 9n * NS })], "db"),
    );
    let s = await summary(t);
    assert.equal(s.rootName, "db", "until a root arrives, the earliest span stands in");
    assert.equal(s.rootIsParentless, false);
    // Then the child, which started earlier: it becomes the stand-in root.
    await writer.writeSpans(batchOf([modelSpan({ traceId: t, spanId: child, parentSpanId: root, name: "handler", startTimeUnixNano: T + 2n * NS, endTimeUnixNano: T + 4n * NS })], "api"));
    s = await summary(t);
    assert.equal(s.rootName, "handler");
    // Then the real root: it has no parent, so it wins over the stand-in that started as early.
    await writer.writeSpans(
      batchOf([modelSpan({ traceId: t, spanId: root, name: "GET /", startTimeUnixNano: T + 2n * NS, endTimeUnixNano: T + 5n * NS, status: { code: 2, message: "" } })], "web"),
    );
    s = await summary(t);
    assert.equal(s.rootName, "GET /");
    assert.equal(s.rootSpanId, root);
    assert.equal(s.rootIsParentless, true);
    assert.equal(s.serviceName, "web");
    assert.deepEqual(s.serviceNames, ["api", "db", "web"]);
    assert.equal(s.spanCount, 3);
    assert.equal(s.errorCount, 1);
    assert.equal(s.startTimeUnixNano, String(T + 2n * NS));
    assert.equal(s.durationNanos, String(7n * NS));
    // A later span of the trace that starts earlier than the root does not displace it.
    await writer.writeSpans(batchOf([modelSpan({ traceId: t, spanId: spanId(), parentSpanId: root, name: "early", startTimeUnixNano: T + 1n * NS, endTimeUnixNano: T + 2n * NS })], "web"));
    s = await summary(t);
    assert.equal(s.rootName, "GET /");
    assert.equal(s.startTimeUnixNano, String(T + 1n * NS));
    assert.equal(s.spanCount, 4);
  });

  test("many concurrent writers of overlapping traces leave exact counts", async () => {
    const traces = Array.from({ length: 20 }, () => ({ id: traceId(), spans: Array.from({ length: 10 }, () => spanId()) }));
    const writes: Array<Promise<void>> = [];
    for (let round = 0; round < 3; round++) {
      for (const t of traces) {
        // Each round re-sends every span, in a different grouping and order.
        const order = round === 1 ? [...t.spans].reverse() : t.spans;
        for (let i = 0; i < order.length; i += round + 2) {
          writes.push(writer.writeSpans(batchOf(order.slice(i, i + round + 2).map((s) => modelSpan({ traceId: t.id, spanId: s })))));
        }
      }
    }
    await Promise.all(writes);
    for (const t of traces) {
      assert.equal(await spanRows(db.pool, t.id), 10);
      assert.equal((await summary(t.id)).spanCount, 10);
    }
  });

  test("groups concurrent requests into few transactions", async () => {
    const t = traceId();
    await Promise.all(Array.from({ length: 100 }, () => writer.writeSpans(batchOf([modelSpan({ traceId: t, spanId: spanId() })]))));
    // received_at defaults to now(), the transaction's start time: one distinct value per transaction.
    const { rows } = await db.pool.query<{ n: string }>("SELECT count(DISTINCT received_at) AS n FROM spans WHERE trace_id = $1", [Buffer.from(t, "hex")]);
    assert.equal(await spanRows(db.pool, t), 100);
    assert.ok(Number(rows[0]!.n) <= DEFAULT_GROUP_COMMIT.concurrency + 1, `100 requests took ${rows[0]!.n} transactions`);
  });

  test("a request the database refuses fails alone, not the requests grouped with it", async () => {
    const good = Array.from({ length: 5 }, () => traceId());
    // Ids that bypassed receiver validation: not hex, so Postgres refuses the bytea.
    const bad = batchOf([modelSpan({ traceId: "zz".repeat(16), spanId: spanId() })]);
    const results = await Promise.allSettled([
      ...good.slice(0, 2).map((t) => writer.writeSpans(batchOf([modelSpan({ traceId: t, spanId: spanId() })]))),
      writer.writeSpans(bad),
      ...good.slice(2).map((t) => writer.writeSpans(batchOf([modelSpan({ traceId: t, spanId: spanId() })]))),
    ]);
    const rejected = results.filter((r) => r.status === "rejected");
    assert.equal(rejected.length, 1);
    assert.ok((rejected[0] as PromiseRejectedResult).reason instanceof PermanentError);
    for (const t of good) assert.equal(await spanRows(db.pool, t), 1);
  });

  test("keeps projects apart", async () => {
    const t = traceId();
    const s = spanId();
    await writer.writeSpans(batchOf([modelSpan({ traceId: t, spanId: s, name: "in a" })], "svc", "project-a"));
    await writer.writeSpans(batchOf([modelSpan({ traceId: t, spanId: s, name: "in b" })], "svc", "project-b"));
    assert.equal((await summary(t, "project-a")).rootName, "in a");
    assert.equal((await summary(t, "project-b")).rootName, "in b");
    assert.equal((await reader.getTrace("default", t)), null);
  });

  test("spans carry their run: the resource's, or their own sightline.run.id", async () => {
    const t = traceId();
    const own = `own-run-${spanId()}`;
    const batch = batchOf([
      modelSpan({ traceId: t, spanId: spanId(), name: "resource run" }),
      modelSpan({ traceId: t, spanId: spanId(), name: "own run", attributes: [{ key: "sightline.run.id", value: own }] }),
    ], "runner");
    batch.runs.push({ project: "default", runId: own, implicit: false });
    await writer.writeSpans(batch);
    const spans = await db.pool.query<{ name: string; run_id: string }>("SELECT name, run_id FROM spans WHERE trace_id = $1 ORDER BY name", [Buffer.from(t, "hex")]);
    assert.deepEqual(spans.rows, [
      { name: "own run", run_id: own },
      { name: "resource run", run_id: "run-of-runner" },
    ]);
    const pairs = await db.pool.query<{ run_id: string }>("SELECT run_id FROM run_traces WHERE trace_id = $1 ORDER BY run_id", [Buffer.from(t, "hex")]);
    assert.deepEqual(pairs.rows.map((r) => r.run_id), [own, "run-of-runner"].sort());
    const runs = await db.pool.query<{ run_id: string }>("SELECT run_id FROM runs WHERE run_id = ANY ($1)", [[own, "run-of-runner"]]);
    assert.equal(runs.rowCount, 2, "both runs exist");
  });

  test("close() waits for queued writes to commit", async () => {
    const w = new GroupCommitSpanWriter(db.pool);
    const t = traceId();
    const pending = Array.from({ length: 10 }, () => w.writeSpans(batchOf([modelSpan({ traceId: t, spanId: spanId() })])));
    await w.close();
    assert.equal(await spanRows(db.pool, t), 10);
    await Promise.all(pending);
    await assert.rejects(w.writeSpans(batchOf([modelSpan({ traceId: t, spanId: spanId() })])), /shutting down/);
  });
});
