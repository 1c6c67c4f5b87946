import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { errorStatus, header, UNAVAILABLE } from "../support/error-status.ts";
import { lockSpans, waitFor } from "../support/ingest-stall.ts";
import { get, jsonSpan, jsonTraceRequest, post, spanId, traceId, type HttpAnswer } from "../support/otlp.ts";
import { assertStillServing, plantBaseline, type Baseline } from "../support/survival.ts";

/**
 * Overload of the group-commit write queue: requests beyond it get 429 with Retry-After (never a
 * 500), and every request that got a 200 is stored — no more, no less.
 */

const SPANS_PER_REQUEST = 5;

function traceRequest(id: string, spans = SPANS_PER_REQUEST): string {
  return JSON.stringify(jsonTraceRequest(Array.from({ length: spans }, (_, i) => jsonSpan({ traceId: id, spanId: spanId(), name: `span ${i}` }))));
}

async function totalSpans(c: TestCollector): Promise<number> {
  return Number((await c.pool.query<{ n: string }>("SELECT count(*) AS n FROM spans")).rows[0]!.n);
}

function assertRetryLater(res: HttpAnswer, what: string): void {
  assert.equal(res.status, 429, `${what}: ${res.body.toString()}`);
  const retryAfter = header(res, "retry-after");
  assert.match(retryAfter ?? "", /^[1-9][0-9]*$/, `${what}: Retry-After in seconds`);
  assert.equal(errorStatus(res, "json").code, UNAVAILABLE, `${what}: retryable`);
}

describe("a full write queue", () => {
  let c: TestCollector;
  let baseline: Baseline;
  const QUEUED_REQUESTS = 4;

  before(async () => {
    c = await startTestCollector({}, { groupCommit: { maxBatchRows: 1000, maxQueuedRows: QUEUED_REQUESTS * SPANS_PER_REQUEST, concurrency: 1 } });
    baseline = await plantBaseline(c);
  });
  after(() => c.close());

  test("refuses what does not fit with 429 + Retry-After, and stores every request it answered 200", async () => {
    const N = 30;
    const first = traceId();
    const ids = Array.from({ length: N }, () => traceId());
    const spansBefore = await totalSpans(c);
    const lock = await lockSpans(c);
    const answers = new Map<string, HttpAnswer>();
    try {
      // One transaction in flight, blocked; the queue then holds exactly QUEUED_REQUESTS requests.
      const firstAnswer = post(c.httpUrl, "/v1/traces", traceRequest(first));
      await lock.waitForBlockedWriters(1);
      const pending = ids.map((id) => post(c.httpUrl, "/v1/traces", traceRequest(id)).then((res) => answers.set(id, res)));
      await waitFor(() => answers.size >= N - QUEUED_REQUESTS, `${N - QUEUED_REQUESTS} requests refused while the writer is stalled`);
      assert.equal(answers.size, N - QUEUED_REQUESTS, "the queued requests wait for their commit");
      for (const [id, res] of answers) assertRetryLater(res, `request ${id}`);
      await lock.release();
      answers.set(first, await firstAnswer);
      await Promise.all(pending);
    } finally {
      await lock.release();
    }

    const accepted = [...answers].filter(([, res]) => res.status === 200).map(([id]) => id);
    const refused = [...answers].filter(([, res]) => res.status === 429).map(([id]) => id);
    assert.equal(accepted.length + refused.length, N + 1, "every answer is a 200 or a 429; none is a 500");
    assert.equal(accepted.length, 1 + QUEUED_REQUESTS);
    assert.ok(accepted.includes(first));

    assert.equal(await totalSpans(c), spansBefore + accepted.length * SPANS_PER_REQUEST, "the 200s and nothing else are stored");
    for (const id of accepted) assert.equal((await get(c.httpUrl, `/api/traces/${id}`)).json().spans.length, SPANS_PER_REQUEST);
    for (const id of refused) assert.equal((await get(c.httpUrl, `/api/traces/${id}`)).status, 404);

    // An exporter retries what got 429; now there is room, and each is stored exactly once.
    for (const id of refused) assert.equal((await post(c.httpUrl, "/v1/traces", traceRequest(id))).status, 200);
    assert.equal(await totalSpans(c), spansBefore + (N + 1) * SPANS_PER_REQUEST);
    await assertStillServing(c, baseline, "a full write queue");
  });
});

describe("free-running overload", () => {
  let c: TestCollector;
  let baseline: Baseline;

  before(async () => {
    c = await startTestCollector({}, { groupCommit: { maxBatchRows: 16, maxQueuedRows: 32, concurrency: 1 } });
    baseline = await plantBaseline(c);
  });
  after(() => c.close());

  test("many concurrent clients that retry on 429 get everything stored exactly once, and never a 500", async (t) => {
    const CLIENTS = 48;
    const REQUESTS_PER_CLIENT = 6;
    const SPANS = 4;
    const statuses = new Map<number, number>();
    const missingRetryAfter: number[] = [];
    const sent: string[] = [];
    const spansBefore = await totalSpans(c);

    const client = async (): Promise<void> => {
      for (let r = 0; r < REQUESTS_PER_CLIENT; r++) {
        const id = traceId();
        const body = traceRequest(id, SPANS);
        for (let attempt = 0; ; attempt++) {
          const res = await post(c.httpUrl, "/v1/traces", body);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 200) break;
          assert.equal(res.status, 429, `only 200 or 429 under overload, got ${res.status}: ${res.body.toString()}`);
          if (!header(res, "retry-after")) missingRetryAfter.push(res.status);
          assert.ok(attempt < 2000, "a retried request is eventually accepted");
          await sleep(5 + Math.random() * 20); // sooner than Retry-After says, to keep the pressure on
        }
        sent.push(id);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    t.diagnostic(`answers: ${JSON.stringify(Object.fromEntries(statuses))}`);

    assert.deepEqual(missingRetryAfter, [], "every 429 carries Retry-After");
    assert.equal(sent.length, CLIENTS * REQUESTS_PER_CLIENT);
    assert.equal(statuses.get(200), sent.length, "one 200 per request");
    assert.equal(await totalSpans(c), spansBefore + sent.length * SPANS, "every accepted span stored, none twice");
    const { rows } = await c.pool.query<{ trace_id: string; n: string; summary: number }>(
      `SELECT encode(s.trace_id, 'hex') AS trace_id, count(*) AS n, min(t.span_count) AS summary
         FROM spans s JOIN traces t USING (project, trace_id)
        WHERE s.trace_id = ANY($1::bytea[]) GROUP BY s.trace_id`,
      [sent.map((id) => Buffer.from(id, "hex"))],
    );
    assert.equal(rows.length, sent.length);
    for (const row of rows) {
      assert.equal(Number(row.n), SPANS, `trace ${row.trace_id}: spans`);
      assert.equal(Number(row.summary), SPANS, `trace ${row.trace_id}: summary span count`);
    }
    await assertStillServing(c, baseline, "free-running overload");
  });
});
