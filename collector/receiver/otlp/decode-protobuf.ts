import { KvList, type AnyValue, type Attributes } from "../../model/any-value.ts";
import type { InstrumentationScope, Resource, Span, SpanEvent, SpanLink, TraceBatch } from "../../model/trace.ts";
import { PermanentError } from "../../errors.ts";
import { ExportTraceServiceRequest } from "./schema.ts";
import { Rejections } from "./rejections.ts";
import { InvalidSpanError, MAX_VALUE_DEPTH, spanProblem } from "./span-validation.ts";
import type { Long, PbAnyValue, PbKeyValue, PbLink, PbScope, PbSpan, PbTraceRequest } from "./wire-types.ts";

export interface DecodedTraces {
  batch: TraceBatch;
  rejected: Rejections;
}

/** OTLP/protobuf ExportTraceServiceRequest bytes → the in-memory model, invalid spans dropped and counted. */
export function decodeTraceRequestProtobuf(body: Uint8Array): DecodedTraces {
  let message: PbTraceRequest;
  try {
    message = ExportTraceServiceRequest.decode(body) as unknown as PbTraceRequest;
  } catch (err) {
    // protobufjs throws Error for malformed input and RangeError for runaway nesting.
    throw new PermanentError(`invalid OTLP protobuf: ${err instanceof Error ? err.message : String(err)}`);
  }
  const rejected = new Rejections();
  const batch: TraceBatch = { resourceSpans: [] };
  for (const rs of message.resourceSpans) {
    const resource: Resource = {
      attributes: attributes(rs.resource?.attributes, 0),
      droppedAttributesCount: rs.resource?.droppedAttributesCount ?? 0,
    };
    const scopeSpans = [];
    for (const ss of rs.scopeSpans) {
      const spans: Span[] = [];
      for (const pb of ss.spans) {
        let span: Span;
        try {
          span = convertSpan(pb);
        } catch (err) {
          if (!(err instanceof InvalidSpanError)) throw err;
          rejected.add(err.message);
          continue;
        }
        const problem = spanProblem(span);
        if (problem) rejected.add(problem);
        else spans.push(span);
      }
      scopeSpans.push({ scope: scope(ss.scope), schemaUrl: ss.schemaUrl, spans });
    }
    batch.resourceSpans.push({ resource, schemaUrl: rs.schemaUrl, scopeSpans });
  }
  return { batch, rejected };
}

function convertSpan(pb: PbSpan): Span {
  return {
    traceId: hex(pb.traceId),
    spanId: hex(pb.spanId),
    parentSpanId: hex(pb.parentSpanId),
    traceState: pb.traceState,
    flags: pb.flags >>> 0,
    name: pb.name,
    kind: pb.kind,
    startTimeUnixNano: unsigned(pb.startTimeUnixNano),
    endTimeUnixNano: unsigned(pb.endTimeUnixNano),
    attributes: spanAttributes(pb.attributes),
    droppedAttributesCount: pb.droppedAttributesCount,
    events: pb.events.map(
      (e): SpanEvent => ({
        timeUnixNano: unsigned(e.timeUnixNano),
        name: e.name,
        attributes: spanAttributes(e.attributes),
        droppedAttributesCount: e.droppedAttributesCount,
      }),
    ),
    droppedEventsCount: pb.droppedEventsCount,
    links: pb.links.map(link),
    droppedLinksCount: pb.droppedLinksCount,
    status: { code: pb.status?.code ?? 0, message: pb.status?.message ?? "" },
  };
}

function link(l: PbLink): SpanLink {
  return {
    traceId: hex(l.traceId),
    spanId: hex(l.spanId),
    traceState: l.traceState,
    attributes: spanAttributes(l.attributes),
    droppedAttributesCount: l.droppedAttributesCount,
    flags: l.flags >>> 0,
  };
}

function scope(s: PbScope | null): InstrumentationScope {
  return {
    name: s?.name ?? "",
    version: s?.version ?? "",
    attributes: attributes(s?.attributes, 0),
    droppedAttributesCount: s?.droppedAttributesCount ?? 0,
  };
}

/** Inside a span a value that nests too deep rejects the span, not the request. */
function spanAttributes(list: PbKeyValue[]): Attributes {
  try {
    return attributes(list, 0);
  } catch (err) {
    if (err instanceof PermanentError) throw new InvalidSpanError(err.message);
    throw err;
  }
}

function attributes(list: PbKeyValue[] | undefined, depth: number): Attributes {
  if (!list || list.length === 0) return [];
  const out: Attributes = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const kv = list[i]!;
    out[i] = { key: kv.key, value: anyValue(kv.value, depth) };
  }
  return out;
}

function anyValue(v: PbAnyValue | null, depth: number): AnyValue {
  if (v === null || v === undefined) return null;
  switch (v.value) {
    case "stringValue":
      return v.stringValue;
    case "boolValue":
      return v.boolValue;
    case "intValue":
      return signed(v.intValue);
    case "doubleValue":
      return v.doubleValue;
    case "bytesValue":
      return v.bytesValue;
    case "arrayValue": {
      if (depth >= MAX_VALUE_DEPTH) throw tooDeep();
      const values = v.arrayValue?.values ?? [];
      return values.map((x) => anyValue(x, depth + 1));
    }
    case "kvlistValue":
      if (depth >= MAX_VALUE_DEPTH) throw tooDeep();
      return new KvList(attributes(v.kvlistValue?.values, depth + 1));
    default:
      return null;
  }
}

function tooDeep(): PermanentError {
  return new PermanentError(`attribute value nested deeper than ${MAX_VALUE_DEPTH} levels`);
}

function hex(bytes: Uint8Array): string {
  if (bytes.length === 0) return "";
  return Buffer.isBuffer(bytes) ? bytes.toString("hex") : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("hex");
}

function unsigned(l: Long | number): bigint {
  if (typeof l === "number") return BigInt(l);
  if (l.high === 0) return BigInt(l.low >>> 0);
  return (BigInt(l.high >>> 0) << 32n) | BigInt(l.low >>> 0);
}

function signed(l: Long | number): bigint {
  if (typeof l === "number") return BigInt(l);
  if ((l.high === 0 && l.low >= 0) || (l.high === -1 && l.low < 0)) return BigInt(l.low);
  return BigInt.asIntN(64, (BigInt(l.high >>> 0) << 32n) | BigInt(l.low >>> 0));
}
