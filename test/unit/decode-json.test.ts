import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { KvList } from "../../collector/model/any-value.ts";
import { PermanentError } from "../../collector/errors.ts";
import { decodeTraceRequestJson } from "../../collector/receiver/otlp/decode-json.ts";
import { decodeTraceRequestProtobuf } from "../../collector/receiver/otlp/decode-protobuf.ts";
import { jsonRequestToProtobuf } from "../support/otlp.ts";

const json = (o: unknown): Uint8Array => Buffer.from(JSON.stringify(o));
const TRACE = "5B8EFFF798038103D269B633813FC60C";
const SPAN = "EEE19B7EC3C1B174";

describe("OTLP/JSON decoding is as lenient as the reference collector", () => {
  test("camelCase or snake_case, ids in any case, int64 as string or number, enums as ints or names", () => {
    const variants = [
      { traceId: TRACE, spanId: SPAN, name: "a", kind: 2, startTimeUnixNano: "1544712660000000001", endTimeUnixNano: 1544712661000000, status: { code: 2 } },
      { trace_id: TRACE.toLowerCase(), span_id: SPAN, name: "a", kind: "SPAN_KIND_SERVER", start_time_unix_nano: "1544712660000000001", end_time_unix_nano: "1544712661000000", status: { code: "STATUS_CODE_ERROR" }, unknownField: { x: 1 } },
    ];
    for (const span of variants) {
      const { batch, rejected } = decodeTraceRequestJson(json({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }));
      assert.equal(rejected.count, 0);
      const s = batch.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
      assert.equal(s.traceId, TRACE.toLowerCase());
      assert.equal(s.spanId, SPAN.toLowerCase());
      assert.equal(s.kind, 2);
      assert.equal(s.status.code, 2);
      assert.equal(s.startTimeUnixNano, 1544712660000000001n);
      assert.equal(s.endTimeUnixNano, 1544712661000000n);
    }
  });

  test("decodes every AnyValue type, in both wire formats alike", () => {
    const attributes = [
      { key: "s", value: { stringValue: "x" } },
      { key: "b", value: { boolValue: true } },
      { key: "i", value: { intValue: "-9223372036854775808" } },
      { key: "i2", value: { intValue: 42 } },
      { key: "d", value: { doubleValue: 2 } },
      { key: "nan", value: { doubleValue: "NaN" } },
      { key: "bytes", value: { bytesValue: "AQID" } },
      { key: "arr", value: { arrayValue: { values: [{ intValue: "1" }, { stringValue: "two" }] } } },
      { key: "kv", value: { kvlistValue: { values: [{ key: "inner", value: { boolValue: false } }] } } },
      { key: "empty", value: {} },
    ];
    const request = { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE, spanId: SPAN, name: "a", attributes }] }] }] };
    const expected = [
      { key: "s", value: "x" },
      { key: "b", value: true },
      { key: "i", value: -9223372036854775808n },
      { key: "i2", value: 42n },
      { key: "d", value: 2 },
      { key: "nan", value: NaN },
      { key: "bytes", value: new Uint8Array([1, 2, 3]) },
      { key: "arr", value: [1n, "two"] },
      { key: "kv", value: new KvList([{ key: "inner", value: false }]) },
      { key: "empty", value: null },
    ];
    const fromJson = decodeTraceRequestJson(json(request)).batch.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes;
    assert.deepEqual(fromJson.map((a) => ({ ...a, value: a.value instanceof Uint8Array ? new Uint8Array(a.value) : a.value })), expected);
    const fromProto = decodeTraceRequestProtobuf(jsonRequestToProtobuf(request)).batch.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes;
    assert.deepEqual(fromProto.map((a) => ({ ...a, value: a.value instanceof Uint8Array ? new Uint8Array(a.value) : a.value })), expected);
  });

  test("a malformed span is dropped and counted; its neighbours are kept", () => {
    const spans = [
      { traceId: TRACE, spanId: SPAN, name: "good" },
      { traceId: "abc", spanId: SPAN, name: "short trace id" },
      { traceId: "0".repeat(32), spanId: SPAN, name: "zero trace id" },
      { traceId: TRACE, spanId: "0".repeat(16), name: "zero span id" },
      { traceId: TRACE, spanId: "zzzzzzzzzzzzzzzz", name: "not hex" },
      { traceId: TRACE, spanId: SPAN, name: "bad time", startTimeUnixNano: "yesterday" },
      { traceId: TRACE, spanId: SPAN, name: "bad kind", kind: "SPAN_KIND_WHATEVER" },
      { traceId: TRACE, spanId: SPAN, name: "too late", endTimeUnixNano: "18446744073709551615" },
    ];
    const { batch, rejected } = decodeTraceRequestJson(json({ resourceSpans: [{ scopeSpans: [{ spans }] }] }));
    assert.deepEqual(batch.resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.name), ["good"]);
    assert.equal(rejected.count, 7);
    assert.match(rejected.message(), /invalid trace id/);
  });

  test("an all-zero parent id means no parent", () => {
    const { batch } = decodeTraceRequestJson(json({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE, spanId: SPAN, parentSpanId: "0000000000000000" }] }] }] }));
    assert.equal(batch.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.parentSpanId, "");
  });

  test("structure that is not OTLP is a permanent error", () => {
    for (const bad of ["not json", "[]", '{"resourceSpans": {}}', '{"resourceSpans": [{"scopeSpans": [{"scope": []}]}]}', '{"resourceSpans":[{"resource":{"attributes":[{"key":1}]}}]}']) {
      assert.throws(() => decodeTraceRequestJson(Buffer.from(bad)), PermanentError, bad);
    }
  });

  test("empty requests decode to nothing", () => {
    for (const body of ["", "{}", '{"resourceSpans": []}']) assert.equal(decodeTraceRequestJson(Buffer.from(body)).batch.resourceSpans.length, 0);
    assert.equal(decodeTraceRequestProtobuf(new Uint8Array()).batch.resourceSpans.length, 0);
  });
});

describe("what the official http/json exporter really sends", () => {
  const attrs = (attributes: unknown[]) =>
    decodeTraceRequestJson(json({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE, spanId: SPAN, attributes }] }] }] })).batch.resourceSpans[0]!
      .scopeSpans[0]!.spans[0]?.attributes;

  test("a null member (its encoding of NaN and ±Infinity) is an empty value, not a broken span", () => {
    assert.deepEqual(attrs([{ key: "nan", value: { doubleValue: null } }, { key: "ok", value: { stringValue: "x" } }]), [
      { key: "nan", value: null },
      { key: "ok", value: "x" },
    ]);
  });

  test("an integral JSON number beyond int64 stays the double it is", () => {
    assert.deepEqual(attrs([{ key: "big", value: { intValue: 1e19 } }, { key: "max", value: { intValue: "9223372036854775807" } }]), [
      { key: "big", value: 1e19 },
      { key: "max", value: 9223372036854775807n },
    ]);
  });
});
