import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ExportTraceServiceResponse } from "../../collector/receiver/otlp/schema.ts";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { get, jsonRequestToProtobuf, jsonSpan, jsonTraceRequest, post, spanId, traceId } from "../support/otlp.ts";
import { assertStillServing, plantBaseline, type Baseline } from "../support/survival.ts";

/**
 * Spans with invalid ids are dropped one by one: the request is a 200 whose partial_success
 * counts exactly the bad spans and says why, and the good spans of the same request are stored.
 */

let c: TestCollector;
let baseline: Baseline;

before(async () => {
  c = await startTestCollector();
  baseline = await plantBaseline(c);
});
after(() => c.close());

async function spanCount(): Promise<number> {
  return Number((await c.pool.query<{ n: string }>("SELECT count(*) AS n FROM spans")).rows[0]!.n);
}

async function storedSpanIds(id: string): Promise<string[]> {
  const res = await get(c.httpUrl, `/api/traces/${id}`);
  assert.equal(res.status, 200);
  return res.json().spans.map((s: { spanId: string }) => s.spanId).sort();
}

describe("invalid span ids over OTLP/JSON", () => {
  test("a 200 with partial_success counting exactly the bad spans; the good ones stored", async () => {
    const good = traceId();
    const goodIds = [spanId(), spanId(), spanId()];
    const valid = { traceId: traceId(), spanId: spanId() };
    const bad: Array<[string, Record<string, unknown> & { traceId: string; spanId: string }]> = [
      ["8-byte trace id", { ...valid, traceId: spanId() }],
      ["17-byte trace id", { ...valid, traceId: traceId() + "ab" }],
      ["all-zero trace id", { ...valid, traceId: "0".repeat(32) }],
      ["all-zero span id", { traceId: good, spanId: "0".repeat(16) }],
      ["non-hex trace id", { ...valid, traceId: "zz" + traceId().slice(2) }],
      ["non-hex span id", { traceId: good, spanId: "g" + spanId().slice(1) }],
      ["4-byte span id", { traceId: good, spanId: spanId().slice(0, 8) }],
      ["missing trace id", { traceId: "", spanId: spanId() }],
      ["missing span id", { traceId: good, spanId: "" }],
      ["3-byte parent span id", { traceId: good, spanId: spanId(), parentSpanId: "abcdef" }],
      ["base64 instead of hex", { traceId: Buffer.from(traceId(), "hex").toString("base64"), spanId: spanId() }],
    ];
    const spans = [
      jsonSpan({ traceId: good, spanId: goodIds[0]!, name: "good root" }),
      ...bad.map(([what, ids]) => jsonSpan({ ...ids, name: what })),
      jsonSpan({ traceId: good.toUpperCase(), spanId: goodIds[1]!.toUpperCase(), parentSpanId: goodIds[0]!, name: "good, upper-case hex" }),
      jsonSpan({ traceId: good, spanId: goodIds[2]!, parentSpanId: "0".repeat(16), name: "good, all-zero parent means none" }),
    ];
    const before = await spanCount();
    const res = await post(c.httpUrl, "/v1/traces", JSON.stringify(jsonTraceRequest(spans)));
    assert.equal(res.status, 200, res.body.toString());
    const partial = res.json().partialSuccess;
    assert.equal(partial.rejectedSpans, String(bad.length), "rejectedSpans is an int64: a string in OTLP/JSON");
    assert.equal(typeof partial.errorMessage, "string");
    assert.match(partial.errorMessage, /trace id/);
    assert.match(partial.errorMessage, /span id/);

    assert.equal((await spanCount()) - before, goodIds.length, "exactly the good spans are stored");
    assert.deepEqual(await storedSpanIds(good), [...goodIds].sort());
    const read = (await get(c.httpUrl, `/api/traces/${good}`)).json();
    const allZeroParent = read.spans.find((s: { spanId: string }) => s.spanId === goodIds[2]);
    assert.equal(allZeroParent.parentSpanId, "");
    assert.equal((await get(c.httpUrl, `/api/traces/${"0".repeat(32)}`)).status, 404, "nothing under the all-zero trace id");
    await assertStillServing(c, baseline, "spans with invalid ids");
  });

  test("a request of only bad spans is still a 200 with partial_success", async () => {
    const before = await spanCount();
    const res = await post(
      c.httpUrl,
      "/v1/traces",
      JSON.stringify(jsonTraceRequest([jsonSpan({ traceId: "0".repeat(32), spanId: spanId() }), jsonSpan({ traceId: traceId(), spanId: "0".repeat(16) })])),
    );
    assert.equal(res.status, 200);
    assert.equal(res.json().partialSuccess.rejectedSpans, "2");
    assert.ok(res.json().partialSuccess.errorMessage.length > 0);
    assert.equal(await spanCount(), before);
  });

  test("bad spans in several resources and scopes are all counted", async () => {
    const good = traceId();
    const request = {
      resourceSpans: [1, 2].map((r) => ({
        resource: { attributes: [{ key: "service.name", value: { stringValue: `svc-${r}` } }] },
        scopeSpans: [1, 2].map((s) => ({
          scope: { name: `scope-${s}` },
          spans: [jsonSpan({ traceId: good, spanId: spanId(), name: `good ${r}.${s}` }), jsonSpan({ traceId: "0".repeat(32), spanId: spanId(), name: `bad ${r}.${s}` })],
        })),
      })),
    };
    const res = await post(c.httpUrl, "/v1/traces", JSON.stringify(request));
    assert.equal(res.status, 200);
    assert.equal(res.json().partialSuccess.rejectedSpans, "4");
    assert.equal((await storedSpanIds(good)).length, 4);
  });
});

describe("invalid span ids over OTLP/protobuf", () => {
  test("a 200 with partial_success counting exactly the bad spans; the good ones stored", async () => {
    const good = traceId();
    const goodIds = [spanId(), spanId()];
    const bad = [
      { traceId: spanId(), spanId: spanId(), name: "8-byte trace id" },
      { traceId: "0".repeat(32), spanId: spanId(), name: "all-zero trace id" },
      { traceId: good, spanId: "0".repeat(16), name: "all-zero span id" },
      { traceId: good, spanId: traceId(), name: "16-byte span id" },
      { traceId: "", spanId: spanId(), name: "no trace id" },
      { traceId: good, spanId: "", name: "no span id" },
    ];
    const spans = [jsonSpan({ traceId: good, spanId: goodIds[0]! }), ...bad.map((b) => jsonSpan(b)), jsonSpan({ traceId: good, spanId: goodIds[1]!, parentSpanId: goodIds[0]! })];
    const before = await spanCount();
    const res = await post(c.httpUrl, "/v1/traces", jsonRequestToProtobuf(jsonTraceRequest(spans)), { contentType: "application/x-protobuf" });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type")?.split(";")[0], "application/x-protobuf");
    const response = ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(res.body), { longs: String });
    assert.equal(response.partialSuccess?.rejectedSpans, String(bad.length));
    assert.match(response.partialSuccess?.errorMessage ?? "", /trace id/);
    assert.equal((await spanCount()) - before, goodIds.length);
    assert.deepEqual(await storedSpanIds(good), [...goodIds].sort());
    await assertStillServing(c, baseline, "protobuf spans with invalid ids");
  });
});
