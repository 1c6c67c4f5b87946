import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ExportTraceServiceResponse } from "../../collector/receiver/otlp/schema.ts";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { errorStatus, INVALID_ARGUMENT } from "../support/error-status.ts";
import { get, jsonSpan, jsonTraceRequest, post, spanId, traceId } from "../support/otlp.ts";
import { nestedKvlistValue, spanAttributeField, spanBytes, traceRequestBytes } from "../support/protobuf-wire.ts";
import { assertStillServing, plantBaseline, type Baseline } from "../support/survival.ts";

/**
 * Attribute values nested absurdly deep (kvlist in kvlist …) must never crash the process or
 * become a 500: either the span carrying one is dropped and counted in partial_success (the good
 * span beside it stored), or the whole request is a 400 (nothing of it stored).
 */

let c: TestCollector;
let baseline: Baseline;

before(async () => {
  c = await startTestCollector();
  baseline = await plantBaseline(c);
});
after(() => c.close());

/** OTLP/JSON text of a kvlist AnyValue nested `depth` levels; built as text (JSON.stringify itself would overflow). */
function nestedKvlistJson(depth: number): string {
  return '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(depth) + '{"stringValue":"leaf"}' + "}]}}".repeat(depth);
}

interface Outcome {
  status: number;
  rejectedSpans: number;
  errorMessage: string;
}

/** Checks the request's fate is one of the two allowed, and that storage agrees with the answer. */
async function assertDeepSpanRefused(outcome: Outcome, traceIdOfRequest: string, goodSpanId: string, deepSpanId: string, what: string): Promise<void> {
  const read = await get(c.httpUrl, `/api/traces/${traceIdOfRequest}`);
  if (outcome.status === 200) {
    assert.equal(outcome.rejectedSpans, 1, `${what}: exactly the deep span is rejected`);
    assert.match(outcome.errorMessage, /nest|deep/i, `${what}: the reason is given`);
    assert.equal(read.status, 200, `${what}: the good span of the same request is stored`);
    assert.deepEqual(
      read.json().spans.map((s: { spanId: string }) => s.spanId),
      [goodSpanId],
      `${what}: only the good span is stored`,
    );
  } else {
    assert.equal(outcome.status, 400, `${what}: a 200 with partial success or a 400, nothing else`);
    assert.equal(read.status, 404, `${what}: a refused request stores nothing`);
  }
  assert.notEqual(deepSpanId, goodSpanId);
  await assertStillServing(c, baseline, what);
}

describe("deeply nested kvlist attributes", () => {
  for (const depth of [100, 10_000]) {
    test(`${depth} levels in OTLP/JSON`, async () => {
      const id = traceId();
      const good = spanId();
      const deep = spanId();
      const text = JSON.stringify(
        jsonTraceRequest([
          jsonSpan({ traceId: id, spanId: good, name: "good", startTimeUnixNano: "1700000000000000000" }),
          jsonSpan({ traceId: id, spanId: deep, name: "deep", attributes: [{ key: "deep", value: "__DEEP__" }] }),
        ]),
      ).replace('"__DEEP__"', nestedKvlistJson(depth));
      const res = await post(c.httpUrl, "/v1/traces", text);
      let outcome: Outcome = { status: res.status, rejectedSpans: 0, errorMessage: "" };
      if (res.status === 200) {
        const partial = res.json().partialSuccess ?? {};
        outcome = { status: 200, rejectedSpans: Number(partial.rejectedSpans ?? 0), errorMessage: String(partial.errorMessage ?? "") };
      } else {
        assert.equal(errorStatus(res, "json").code, INVALID_ARGUMENT);
      }
      await assertDeepSpanRefused(outcome, id, good, deep, `${depth} levels of JSON`);
    });

    test(`${depth} levels in OTLP/protobuf`, async () => {
      const id = traceId();
      const good = spanId();
      const deep = spanId();
      const body = traceRequestBytes([
        spanBytes(jsonSpan({ traceId: id, spanId: good, name: "good" })),
        spanBytes(jsonSpan({ traceId: id, spanId: deep, name: "deep" }), spanAttributeField("deep", nestedKvlistValue(depth))),
      ]);
      const res = await post(c.httpUrl, "/v1/traces", body, { contentType: "application/x-protobuf" });
      let outcome: Outcome = { status: res.status, rejectedSpans: 0, errorMessage: "" };
      if (res.status === 200) {
        const partial = ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(res.body), { longs: Number }).partialSuccess ?? {};
        outcome = { status: 200, rejectedSpans: Number(partial.rejectedSpans ?? 0), errorMessage: String(partial.errorMessage ?? "") };
      } else {
        assert.equal(errorStatus(res, "protobuf").code, INVALID_ARGUMENT);
      }
      await assertDeepSpanRefused(outcome, id, good, deep, `${depth} levels of protobuf`);
    });
  }

  test("the allowed depth is stored and read back whole", async () => {
    // The same construction at a modest depth is accepted, so the refusals above are about depth.
    const id = traceId();
    const sid = spanId();
    const text = JSON.stringify(jsonTraceRequest([jsonSpan({ traceId: id, spanId: sid, attributes: [{ key: "nested", value: "__DEEP__" }] })])).replace(
      '"__DEEP__"',
      nestedKvlistJson(10),
    );
    const res = await post(c.httpUrl, "/v1/traces", text);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), {});
    let value: unknown = (await get(c.httpUrl, `/api/traces/${id}`)).json().spans[0].attributes.nested;
    for (let i = 0; i < 10; i++) value = (value as { k: unknown }).k;
    assert.equal(value, "leaf");
  });
});
