import assert from "node:assert/strict";
import type { TestCollector } from "./collector.ts";
import { get, jsonRequestToProtobuf, jsonSpan, jsonTraceRequest, post, spanId, traceId } from "./otlp.ts";

/**
 * "The process keeps serving and loses nothing": a trace planted before any hostile request, and
 * a check to run after each one — a fresh request still succeeds and the planted trace reads back
 * exactly as it did, with the same span count.
 */
export interface Baseline {
  traceId: string;
  spanCount: number;
  /** GET /api/traces/{traceId} right after it was stored. */
  stored: unknown;
}

const T0 = 1_700_000_000_000_000_000n;

export async function plantBaseline(c: TestCollector): Promise<Baseline> {
  const id = traceId();
  const root = spanId();
  const at = (ms: bigint, durMs: bigint) => ({ startTimeUnixNano: String(T0 + ms * 1_000_000n), endTimeUnixNano: String(T0 + (ms + durMs) * 1_000_000n) });
  const spans = [
    jsonSpan({ traceId: id, spanId: root, name: "baseline root", kind: 2, ...at(0n, 500n), attributes: [{ key: "http.route", value: { stringValue: "/baseline" } }] }),
    ...[1n, 2n, 3n].map((i) =>
      jsonSpan({
        traceId: id,
        spanId: spanId(),
        parentSpanId: root,
        name: `baseline child ${i}`,
        ...at(i * 10n, 50n),
        attributes: [
          { key: "i", value: { intValue: String(i) } },
          { key: "ratio", value: { doubleValue: Number(i) / 4 } },
          { key: "tags", value: { arrayValue: { values: [{ stringValue: "a" }, { boolValue: true }] } } },
        ],
        events: [{ timeUnixNano: String(T0 + i * 10_000_000n), name: "tick", attributes: [{ key: "n", value: { intValue: "1" } }] }],
      }),
    ),
    jsonSpan({ traceId: id, spanId: spanId(), parentSpanId: root, name: "baseline failure", ...at(100n, 10n), status: { code: 2, message: "expected" } }),
  ];
  const res = await post(c.httpUrl, "/v1/traces", jsonRequestToProtobuf(jsonTraceRequest(spans, { "service.name": "baseline" })), { contentType: "application/x-protobuf" });
  assert.equal(res.status, 200, "baseline trace accepted");
  const read = await get(c.httpUrl, `/api/traces/${id}`);
  assert.equal(read.status, 200, "baseline trace readable");
  const stored: { spans: unknown[] } = read.json();
  assert.equal(stored.spans.length, spans.length);
  return { traceId: id, spanCount: spans.length, stored };
}

/** After a hostile request: a normal request is accepted and readable, and the baseline is intact. */
export async function assertStillServing(c: TestCollector, baseline: Baseline, after: string): Promise<void> {
  const fresh = traceId();
  const res = await post(c.httpUrl, "/v1/traces", JSON.stringify(jsonTraceRequest([jsonSpan({ traceId: fresh, spanId: spanId(), name: "still serving" })])));
  assert.equal(res.status, 200, `a normal request after ${after}: ${res.body.toString()}`);
  const freshRead = await get(c.httpUrl, `/api/traces/${fresh}`);
  assert.equal(freshRead.status, 200, `a normal trace readable after ${after}`);
  assert.equal(freshRead.json().spans.length, 1);

  const read = await get(c.httpUrl, `/api/traces/${baseline.traceId}`);
  assert.equal(read.status, 200, `baseline readable after ${after}`);
  const now: { spans: unknown[] } = read.json();
  assert.equal(now.spans.length, baseline.spanCount, `baseline span count after ${after}`);
  assert.deepEqual(now, baseline.stored, `baseline unchanged after ${after}`);
}
