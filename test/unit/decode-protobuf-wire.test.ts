/**
 * The hand-written protobuf trace decoder against the reference: random OTLP requests encoded by
 * protobufjs from the project's .proto files decode to exactly what the OTLP/JSON decoder makes of
 * the same request; and random corruption of valid bytes is only ever a 400 (PermanentError) or a
 * decoded request — never a crash, never a hang.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PermanentError } from "../../collector/errors.ts";
import { decodeTraceRequestJson } from "../../collector/receiver/otlp/decode-json.ts";
import { decodeTraceRequestProtobuf } from "../../collector/receiver/otlp/decode-protobuf.ts";
import { jsonRequestToProtobuf } from "../support/otlp.ts";
import { mulberry32 } from "../support/random.ts";

const rng = mulberry32;

function randomRequest(next: () => number): Record<string, unknown> {
  const int = (n: number): number => Math.floor(next() * n);
  const hex = (bytes: number): string => Array.from({ length: bytes }, () => int(256).toString(16).padStart(2, "0")).join("");
  const strings = ["", "plain", "ünïcödé ✓", "emoji 😀", "<script>x</script>", "tab\tnew\nline", "quote\"back\\slash"];
  const value = (depth: number): Record<string, unknown> => {
    switch (int(depth > 3 ? 5 : 7)) {
      case 0:
        return { stringValue: strings[int(strings.length)]! };
      case 1:
        return { boolValue: next() < 0.5 };
      case 2:
        return { intValue: String(BigInt.asIntN(64, BigInt(`0x${hex(8)}`))) };
      case 3:
        return { doubleValue: [1.5, -2.25, 1e300, 5e-324, 123456.789, 0.1][int(6)]! };
      case 4:
        return { bytesValue: Buffer.from(hex(int(6)), "hex").toString("base64") };
      case 5:
        return { arrayValue: { values: Array.from({ length: int(4) }, () => value(depth + 1)) } };
      default:
        return { kvlistValue: { values: Array.from({ length: int(4) }, (_, i) => ({ key: `k${i}`, value: value(depth + 1) })) } };
    }
  };
  const attrs = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `a.${i}.${strings[int(strings.length)]}`, value: value(0) }));
  const span = () => ({
    traceId: hex(16),
    spanId: hex(8),
    parentSpanId: next() < 0.5 ? hex(8) : "",
    traceState: next() < 0.3 ? "k=v" : "",
    flags: int(0x300),
    name: strings[int(strings.length)]!,
    kind: int(6),
    startTimeUnixNano: String(BigInt(`0x${hex(7)}`)),
    endTimeUnixNano: String(BigInt(`0x${hex(7)}`)),
    attributes: attrs(int(6)),
    droppedAttributesCount: int(3),
    events: Array.from({ length: int(3) }, () => ({ timeUnixNano: String(BigInt(`0x${hex(7)}`)), name: "ev", attributes: attrs(int(3)), droppedAttributesCount: int(2) })),
    droppedEventsCount: int(2),
    links: Array.from({ length: int(2) }, () => ({ traceId: hex(16), spanId: hex(8), traceState: "", attributes: attrs(int(2)), droppedAttributesCount: int(2), flags: int(0x300) })),
    droppedLinksCount: int(2),
    status: { code: int(3), message: next() < 0.5 ? "boom" : "" },
  });
  return {
    resourceSpans: Array.from({ length: 1 + int(2) }, () => ({
      resource: { attributes: attrs(int(4)), droppedAttributesCount: int(2) },
      schemaUrl: next() < 0.5 ? "https://opentelemetry.io/schemas/1.30.0" : "",
      scopeSpans: Array.from({ length: 1 + int(2) }, () => ({
        scope: { name: "lib", version: "1.0", attributes: attrs(int(2)), droppedAttributesCount: int(2) },
        schemaUrl: "",
        spans: Array.from({ length: int(5) }, span),
      })),
    })),
  };
}

/** Byte values as plain arrays, so models from both decoders compare structurally. */
function comparable(batch: unknown): unknown {
  return JSON.parse(JSON.stringify(batch, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? [...v] : v)));
}

describe("protobuf trace decoder", () => {
  test("decodes 300 random requests exactly as the JSON decoder reads the same requests", () => {
    const next = rng(7);
    for (let i = 0; i < 300; i++) {
      const request = randomRequest(next);
      const fromJson = decodeTraceRequestJson(Buffer.from(JSON.stringify(request)));
      const fromWire = decodeTraceRequestProtobuf(jsonRequestToProtobuf(request));
      assert.deepStrictEqual(comparable(fromWire.batch), comparable(fromJson.batch), `request ${i}`);
      assert.equal(fromWire.rejected.count, fromJson.rejected.count);
    }
  });

  test("corrupted bytes give a decoded request or a PermanentError, never anything else", () => {
    const next = rng(11);
    let refused = 0;
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(jsonRequestToProtobuf(randomRequest(next)));
      for (let flips = 1 + Math.floor(next() * 4); flips > 0 && bytes.length > 0; flips--) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      const cut = next() < 0.3 ? bytes.subarray(0, Math.floor(next() * bytes.length)) : bytes;
      try {
        decodeTraceRequestProtobuf(cut);
      } catch (err) {
        assert.ok(err instanceof PermanentError, `request ${i}: ${String(err)}`);
        refused++;
      }
    }
    assert.ok(refused > 0, "some corruption must be refused");
  });

  test("unknown fields are skipped and a repeated scalar keeps its last value", () => {
    // Span { name (5) = "first", 99 (unknown varint) = 1, name = "second", span_id, trace_id }.
    const traceId = Buffer.alloc(16, 1);
    const spanId = Buffer.alloc(8, 2);
    const spanBytes = Buffer.concat([
      Buffer.from([0x2a, 5]), Buffer.from("first"),
      Buffer.from([0x98, 0x06, 1]),
      Buffer.from([0x2a, 6]), Buffer.from("second"),
      Buffer.from([0x0a, 16]), traceId,
      Buffer.from([0x12, 8]), spanId,
    ]);
    const scopeSpans = Buffer.concat([Buffer.from([0x12, spanBytes.length]), spanBytes]);
    const resourceSpans = Buffer.concat([Buffer.from([0x12, scopeSpans.length]), scopeSpans]);
    const request = Buffer.concat([Buffer.from([0x0a, resourceSpans.length]), resourceSpans]);
    const { batch } = decodeTraceRequestProtobuf(request);
    const span = batch.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    assert.equal(span.name, "second");
    assert.equal(span.traceId, "01".repeat(16));
  });
});
