import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { errorStatus, INVALID_ARGUMENT } from "../support/error-status.ts";
import { lockSpans, waitForBudgetFull } from "../support/ingest-stall.ts";
import { get, jsonSpan, jsonTraceRequest, post, spanId, traceId, type HttpAnswer } from "../support/otlp.ts";
import { assertStillServing, plantBaseline, type Baseline } from "../support/survival.ts";

/**
 * Group commit writes many requests in one transaction. When Postgres refuses the data of one of
 * them, the others of the same transaction must still be committed and answered 200; only the
 * offending request gets the (permanent, 400) error.
 *
 * No valid OTLP is refused by Postgres any more (the last two cases, a uint32 dropped count above
 * 2^31-1 and a span name too large for a btree entry, are stored since: large-values.test.ts). To
 * provoke a refusal, the test adds a real CHECK constraint to the spans table of its own database:
 * spans named "poison…" violate it (SQLSTATE 23514) at the INSERT into spans, after resources and
 * scopes were written in the same transaction.
 */

interface Planned {
  what: string;
  traceId: string;
  spans: number;
  body: string;
  bad: boolean;
}

function request(what: string, spans: number, extra: Record<string, unknown> = {}): Planned {
  const id = traceId();
  const list = Array.from({ length: spans }, (_, i) => jsonSpan({ traceId: id, spanId: spanId(), name: `${what} ${i}`, ...extra }));
  return { what, traceId: id, spans, body: JSON.stringify(jsonTraceRequest(list, { "service.name": what })), bad: Object.keys(extra).length > 0 };
}

const PROBE = 64;
const plan: Planned[] = [
  request("first, alone in its transaction", 1),
  request("good b", 2),
  request("poison in the middle", 1, { name: "poison 1" }),
  request("good c", 1),
  request("poison again", 1, { name: "poison 2" }),
  request("good d", 3),
];

let c: TestCollector;
let baseline: Baseline;

before(async () => {
  // The memory budget is sized so that it is full exactly when all planned bodies are held.
  const limit = plan.reduce((n, p) => n + Buffer.byteLength(p.body), 0) + PROBE - 1;
  c = await startTestCollector({ maxInflightBytes: limit }, { groupCommit: { maxBatchRows: 10_000, maxQueuedRows: 10_000, concurrency: 1 } });
  baseline = await plantBaseline(c);
  await c.pool.query("ALTER TABLE spans ADD CONSTRAINT test_poison CHECK (name NOT LIKE 'poison%')");
});
after(() => c.close());

async function storedSpans(id: string): Promise<number> {
  const res = await get(c.httpUrl, `/api/traces/${id}`);
  return res.status === 404 ? 0 : res.json().spans.length;
}

describe("group commit isolation", () => {
  test("each provocation alone is refused by Postgres as a permanent 400", async () => {
    for (const p of plan.filter((x) => x.bad)) {
      const alone = request(p.what, 1, { name: `poison alone ${p.what}` });
      const res = await post(c.httpUrl, "/v1/traces", alone.body);
      assert.equal(res.status, 400, `${p.what}: ${res.body.toString()}`);
      assert.equal(errorStatus(res, "json").code, INVALID_ARGUMENT);
      assert.match(errorStatus(res, "json").message, /storage rejected the data/);
      assert.equal(await storedSpans(alone.traceId), 0);
      await assertStillServing(c, baseline, p.what);
    }
  });

  test("a request Postgres refuses does not fail the others committed in the same transaction", async () => {
    const [first, ...grouped] = plan as [Planned, ...Planned[]];
    const lock = await lockSpans(c);
    let answers: HttpAnswer[];
    try {
      // The first request's transaction blocks on the lock; everything sent meanwhile queues and
      // will be written together in the next transaction.
      const firstAnswer = post(c.httpUrl, "/v1/traces", first.body);
      await lock.waitForBlockedWriters(1);
      const groupedAnswers = grouped.map((p) => post(c.httpUrl, "/v1/traces", p.body));
      // Every planned body is held (queued in the writer) once the budget is exactly full.
      await waitForBudgetFull(c, PROBE);
      await lock.release();
      answers = await Promise.all([firstAnswer, ...groupedAnswers]);
    } finally {
      await lock.release();
    }

    for (const [i, p] of plan.entries()) {
      const res = answers[i]!;
      if (p.bad) {
        assert.equal(res.status, 400, `${p.what}: ${res.body.toString()}`);
        assert.match(errorStatus(res, "json").message, /storage rejected the data/, p.what);
        assert.equal(await storedSpans(p.traceId), 0, `${p.what}: nothing stored`);
      } else {
        assert.equal(res.status, 200, `${p.what}: ${res.body.toString()}`);
        assert.deepEqual(res.json(), {});
        assert.equal(await storedSpans(p.traceId), p.spans, `${p.what}: all its spans stored`);
        const summary = (await get(c.httpUrl, `/api/traces?service=${encodeURIComponent(p.what)}`)).json().traces;
        assert.equal(summary.length, 1);
        assert.equal(summary[0].spanCount, p.spans, `${p.what}: the trace summary counts its spans once`);
      }
    }
    await assertStillServing(c, baseline, "a group commit with refused data");
  });
});
