import { KvList, type AnyValue, type Attributes } from "../../model/any-value.ts";
import type { Span, TraceBatch } from "../../model/trace.ts";

/**
 * The in-memory model → OTLP/JSON as the spec writes it: lowerCamelCase, ids as lowercase hex,
 * 64-bit integers as decimal strings, enums as integers, default values omitted.
 */
export function traceBatchToOtlpJson(batch: TraceBatch): object {
  return {
    resourceSpans: batch.resourceSpans.map((rs) => ({
      resource: withoutDefaults({ attributes: attributesJson(rs.resource.attributes), droppedAttributesCount: rs.resource.droppedAttributesCount }),
      scopeSpans: rs.scopeSpans.map((ss) =>
        withoutDefaults({
          scope: withoutDefaults({
            name: ss.scope.name,
            version: ss.scope.version,
            attributes: attributesJson(ss.scope.attributes),
            droppedAttributesCount: ss.scope.droppedAttributesCount,
          }),
          spans: ss.spans.map(spanJson),
          schemaUrl: ss.schemaUrl,
        }),
      ),
      ...(rs.schemaUrl ? { schemaUrl: rs.schemaUrl } : {}),
    })),
  };
}

function spanJson(s: Span): object {
  return withoutDefaults({
    traceId: s.traceId,
    spanId: s.spanId,
    traceState: s.traceState,
    parentSpanId: s.parentSpanId,
    flags: s.flags,
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: String(s.startTimeUnixNano),
    endTimeUnixNano: String(s.endTimeUnixNano),
    attributes: attributesJson(s.attributes),
    droppedAttributesCount: s.droppedAttributesCount,
    events: s.events.map((e) =>
      withoutDefaults({
        timeUnixNano: String(e.timeUnixNano),
        name: e.name,
        attributes: attributesJson(e.attributes),
        droppedAttributesCount: e.droppedAttributesCount,
      }),
    ),
    droppedEventsCount: s.droppedEventsCount,
    links: s.links.map((l) =>
      withoutDefaults({
        traceId: l.traceId,
        spanId: l.spanId,
        traceState: l.traceState,
        attributes: attributesJson(l.attributes),
        droppedAttributesCount: l.droppedAttributesCount,
        flags: l.flags,
      }),
    ),
    droppedLinksCount: s.droppedLinksCount,
    status: withoutDefaults({ message: s.status.message, code: s.status.code }),
  });
}

export function attributesJson(attributes: Attributes): object[] {
  return attributes.map((kv) => ({ key: kv.key, value: anyValueJson(kv.value) }));
}

export function anyValueJson(v: AnyValue): object {
  switch (typeof v) {
    case "string":
      return { stringValue: v };
    case "boolean":
      return { boolValue: v };
    case "bigint":
      return { intValue: v.toString() };
    case "number":
      // JSON numbers cannot carry NaN, ±Infinity or the sign of -0 (JSON.stringify(-0) is "0"); the JSON mapping accepts strings.
      return { doubleValue: Object.is(v, -0) ? "-0" : Number.isFinite(v) ? v : String(v) };
  }
  if (v === null) return {};
  if (v instanceof Uint8Array) return { bytesValue: Buffer.from(v.buffer, v.byteOffset, v.length).toString("base64") };
  if (v instanceof KvList) return { kvlistValue: { values: attributesJson(v.values) } };
  return { arrayValue: { values: v.map(anyValueJson) } };
}

/** Drops proto3 default values ("", 0, empty lists and objects) as the canonical JSON mapping does. */
function withoutDefaults(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === "" || v === 0 || v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}
