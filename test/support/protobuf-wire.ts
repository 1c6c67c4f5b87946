import protobuf from "protobufjs";
import { otlpRoot } from "../../collector/receiver/otlp/schema.ts";

/**
 * Hand-assembled OTLP protobuf, for inputs the official encoders cannot or will not produce:
 * nesting too deep for a recursive encoder, invalid UTF-8 in a string field, raw fields appended
 * to a message. Field numbers are those of opentelemetry/proto (trace.proto, common.proto).
 */

const Span = otlpRoot.lookupType("opentelemetry.proto.trace.v1.Span");
const LEN = 2;

function tag(fieldNumber: number): number {
  return (fieldNumber << 3) | LEN;
}

/** One length-delimited field: tag, varint length, bytes. */
export function lengthDelimited(fieldNumber: number, bytes: Uint8Array): Uint8Array {
  return protobuf.Writer.create().uint32(tag(fieldNumber)).bytes(bytes).finish();
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.length)));
}

/** AnyValue{string_value} whose UTF-8 bytes are given raw (they may be invalid UTF-8). */
export function rawStringValue(utf8: Uint8Array): Uint8Array {
  return lengthDelimited(1, utf8);
}

/** KeyValue{key, value} with the AnyValue given as bytes. */
export function keyValue(key: string, anyValue: Uint8Array): Uint8Array {
  return concat([lengthDelimited(1, Buffer.from(key, "utf8")), lengthDelimited(2, anyValue)]);
}

/**
 * An AnyValue that is a kvlist nested `depth` levels deep ({k: {k: … "leaf"}}), built from the
 * inside out without recursion, so any depth can be made.
 */
export function nestedKvlistValue(depth: number): Uint8Array {
  let value = rawStringValue(Buffer.from("leaf"));
  for (let i = 0; i < depth; i++) {
    const kvlist = lengthDelimited(1, keyValue("k", value)); // KeyValueList.values
    value = lengthDelimited(6, kvlist); // AnyValue.kvlist_value
  }
  return value;
}

/** Span.attributes (field 9) entry, to append to a span's bytes. */
export function spanAttributeField(key: string, anyValue: Uint8Array): Uint8Array {
  return lengthDelimited(9, keyValue(key, anyValue));
}

/** Span.name (field 5) with raw UTF-8 bytes; appended after the encoded span it replaces the name. */
export function spanNameField(utf8: Uint8Array): Uint8Array {
  return lengthDelimited(5, utf8);
}

/**
 * An OTLP/JSON-shaped span (hex ids, string nanos) → Span bytes, with raw fields appended
 * (protobuf merges a repeated field's entries and lets the last scalar win).
 */
export function spanBytes(span: Record<string, unknown>, ...extraFields: Uint8Array[]): Uint8Array {
  const converted = JSON.parse(JSON.stringify(span), (key, value: unknown) =>
    typeof value === "string" && ["traceId", "spanId", "parentSpanId"].includes(key) ? Buffer.from(value, "hex").toString("base64") : value,
  ) as Record<string, unknown>;
  return concat([Span.encode(Span.fromObject(converted)).finish(), ...extraFields]);
}

/** ExportTraceServiceRequest{resource_spans: [{resource: {service.name}, scope_spans: [{spans}]}]} from span bytes. */
export function traceRequestBytes(spans: Uint8Array[], serviceName = "test-service"): Uint8Array {
  const resource = lengthDelimited(1, keyValue("service.name", rawStringValue(Buffer.from(serviceName, "utf8"))));
  const scopeSpans = concat(spans.map((s) => lengthDelimited(2, s)));
  const resourceSpans = concat([lengthDelimited(1, resource), lengthDelimited(2, scopeSpans)]);
  return lengthDelimited(1, resourceSpans);
}
