/**
 * instrumentation/protobuf-writer.ts and otlp-protobuf.ts, pure: what the Run API writes as
 * OTLP/protobuf must decode (with protobufjs, on the project's own .proto files) to exactly what
 * the same values give through the OTLP/JSON mapping — every AnyValue kind, nesting, lengths that
 * need one to three varint bytes, a buffer that has to grow mid-message — and the answers it reads
 * back (partial success, error status) must be understood.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { otlpRoot } from "../../collector/receiver/otlp/schema.ts";
import { attributes, type AttributeValue } from "../../instrumentation/otlp-json.ts";
import { intKeyValue, encodedKey, keyValues, partialSuccessMessage, statusMessage } from "../../instrumentation/otlp-protobuf.ts";
import { ProtoWriter } from "../../instrumentation/protobuf-writer.ts";

const KeyValueList = otlpRoot.lookupType("opentelemetry.proto.common.v1.KeyValueList");
const Gauge = otlpRoot.lookupType("opentelemetry.proto.metrics.v1.Gauge");
const TO_OBJECT = { longs: String, bytes: String, defaults: false, arrays: true };

/** What protobufjs reads from our bytes, and what it makes of the OTLP/JSON form of the same values. */
function bothWays(values: Record<string, AttributeValue>, initialSize?: number): { ours: unknown; viaJson: unknown } {
  const w = new ProtoWriter(initialSize);
  keyValues(w, 1, values);
  const ours = KeyValueList.toObject(KeyValueList.decode(w.finish()), TO_OBJECT);
  const viaJson = KeyValueList.toObject(KeyValueList.fromObject({ values: attributes(values) }), TO_OBJECT);
  return { ours, viaJson };
}

describe("ProtoWriter + keyValues", () => {
  test("every AnyValue kind, as the JSON mapping gives it", () => {
    const { ours, viaJson } = bothWays({
      s: "text",
      empty: "",
      unicode: "héllo ✓ 😀",
      t: true,
      f: false,
      zero: 0,
      int: 42,
      negative: -7,
      big: 2n ** 62n,
      minInt64: -(2n ** 63n),
      maxSafe: Number.MAX_SAFE_INTEGER,
      double: 0.1,
      negativeDouble: -2.5e-300,
      list: [1, "two", [3.5, false], { k: "v" }],
      nested: { optimizer: { name: "adam", betas: [0.9, 0.999] }, lr: 3e-4 },
      nothing: null,
    });
    assert.deepEqual(ours, viaJson);
  });

  test("lengths of one, two and three varint bytes, and a buffer that grows mid-message", () => {
    for (const size of [0, 1, 127, 128, 300, 16_383, 16_384, 70_000]) {
      const { ours, viaJson } = bothWays({ long: "x".repeat(size), after: { deep: "é".repeat(size % 1000) } }, 1);
      assert.deepEqual(ours, viaJson, `string of ${size}`);
    }
  });

  test("a number data point with step and epoch written through the hot-path helpers", () => {
    const w = new ProtoWriter(8);
    const start = w.begin(1);
    keyValues(w, 7, { subset: "train" });
    intKeyValue(w, 7, encodedKey("sightline.step"), 1_000_000);
    intKeyValue(w, 7, encodedKey("sightline.epoch"), 3);
    w.fixed64Field(3, 1_795_680_000_000_000_123n);
    w.doubleField(4, -Infinity);
    w.end(start);
    // Written as field 1 (data_points) of a Gauge.
    const gauge = Gauge.toObject(Gauge.decode(w.finish()), TO_OBJECT) as { dataPoints: unknown[] };
    assert.deepEqual(gauge.dataPoints, [{
      attributes: [
        { key: "subset", value: { stringValue: "train" } },
        { key: "sightline.step", value: { intValue: "1000000" } },
        { key: "sightline.epoch", value: { intValue: "3" } },
      ],
      timeUnixNano: "1795680000000000123",
      asDouble: -Infinity,
      exemplars: [],
    }]);
  });
});

describe("answers", () => {
  const MetricsResponse = otlpRoot.lookupType("opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse");
  const Status = otlpRoot.lookupType("google.rpc.Status");

  test("partial success: the error message, or none", () => {
    const partial = MetricsResponse.encode(MetricsResponse.fromObject({ partialSuccess: { rejectedDataPoints: 3, errorMessage: "3 points without a value" } })).finish();
    assert.equal(partialSuccessMessage(partial), "3 points without a value");
    assert.equal(partialSuccessMessage(MetricsResponse.encode(MetricsResponse.fromObject({})).finish()), undefined);
    assert.equal(partialSuccessMessage(Buffer.from([0x0a, 0x05, 0x12])), undefined, "truncated bytes read as no message");
  });

  test("an error status's message", () => {
    assert.equal(statusMessage(Status.encode(Status.fromObject({ code: 3, message: "invalid OTLP protobuf" })).finish()), "invalid OTLP protobuf");
  });
});
