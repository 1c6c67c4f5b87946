import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { errorStatus, header, UNAVAILABLE } from "../support/error-status.ts";
import { grpc, grpcExport } from "../support/grpc-raw.ts";
import { lockSpans } from "../support/ingest-stall.ts";
import { get, jsonRequestToProtobuf, jsonSpan, jsonTraceRequest, post, spanId, traceId } from "../support/otlp.ts";
import { assertStillServing, plantBaseline, type Baseline } from "../support/survival.ts";

/**
 * --max-inflight-bytes bounds the request bytes held at once: concurrent large requests beyond it
 * get 429 + Retry-After (gRPC: UNAVAILABLE) instead of exhausting memory, and the budget is given
 * back in full whatever the outcome.
 */

const BUDGET = 1024 * 1024;
const LARGE = 600 * 1024;

let c: TestCollector;
let baseline: Baseline;

before(async () => {
  c = await startTestCollector({ maxInflightBytes: BUDGET }, { groupCommit: { maxBatchRows: 1000, maxQueuedRows: 10_000, concurrency: 1 } });
  baseline = await plantBaseline(c);
});
after(() => c.close());

/** An OTLP/JSON request of about `bytes` bytes (one span with a large attribute). */
function largeRequest(id: string, bytes: number): { json: string; protobuf: Uint8Array } {
  const request = jsonTraceRequest([jsonSpan({ traceId: id, spanId: spanId(), name: "large", attributes: [{ key: "payload", value: { stringValue: "x".repeat(bytes - 400) } }] })]);
  return { json: JSON.stringify(request), protobuf: jsonRequestToProtobuf(request) };
}

describe("the in-flight memory budget", () => {
  test("concurrent large requests beyond it get 429 + Retry-After, and the budget is returned in full", async () => {
    const held = traceId();
    const others = Array.from({ length: 4 }, () => traceId());
    const lock = await lockSpans(c);
    try {
      // A large request is held in the stalled writer: its 600 KiB stay in the 1 MiB budget.
      const heldAnswer = post(c.httpUrl, "/v1/traces", largeRequest(held, LARGE).json);
      await lock.waitForBlockedWriters(1);

      const answers = await Promise.all(others.map((id) => post(c.httpUrl, "/v1/traces", largeRequest(id, LARGE).json)));
      for (const res of answers) {
        assert.equal(res.status, 429, res.body.toString());
        assert.match(header(res, "retry-after") ?? "", /^[1-9][0-9]*$/);
        assert.equal(errorStatus(res, "json").code, UNAVAILABLE);
      }
      const grpcAnswer = await grpcExport(c.grpcAddress!, largeRequest(traceId(), LARGE).protobuf);
      assert.equal(grpcAnswer.code, grpc.status.UNAVAILABLE, `gRPC over the budget: ${grpcAnswer.details}`);


      await lock.release();
      const heldRes = await heldAnswer;
      assert.equal(heldRes.status, 200, heldRes.body.toString());
    } finally {
      await lock.release();
    }
    assert.equal((await get(c.httpUrl, `/api/traces/${held}`)).json().spans.length, 1);
    for (const id of others) assert.equal((await get(c.httpUrl, `/api/traces/${id}`)).status, 404, "a 429 stored nothing");

    // Nothing leaked from the refused requests (each had taken part of the budget): a request of
    // nearly the whole budget fits again, and so does each refused one when retried.
    const nearlyAll = traceId();
    const res = await post(c.httpUrl, "/v1/traces", largeRequest(nearlyAll, BUDGET - 4096).json);
    assert.equal(res.status, 200, res.body.toString());
    for (const id of others) assert.equal((await post(c.httpUrl, "/v1/traces", largeRequest(id, LARGE).json)).status, 200);
    for (const id of others) assert.equal((await get(c.httpUrl, `/api/traces/${id}`)).json().spans.length, 1);
    const grpcRetry = await grpcExport(c.grpcAddress!, largeRequest(traceId(), LARGE).protobuf);
    assert.equal(grpcRetry.code, grpc.status.OK, grpcRetry.details);
    await assertStillServing(c, baseline, "requests over the memory budget");
  });
});
