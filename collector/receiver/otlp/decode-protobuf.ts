import type { KeyValue } from "../../model/any-value.ts";
import type { ResourceSpans, ScopeSpans, Span, SpanEvent, SpanLink, TraceBatch } from "../../model/trace.ts";
import { isTooDeep, keyValue, resource, scope } from "./common/protobuf-wire-values.ts";
import { FIXED32, FIXED64, LEN, VARINT, WireReader } from "./protobuf-wire-reader.ts";
import { Rejections } from "./rejections.ts";
import { InvalidSpanError, spanProblem } from "./span-validation.ts";

export interface DecodedTraces {
  batch: TraceBatch;
  rejected: Rejections;
}

/**
 * OTLP/protobuf ExportTraceServiceRequest bytes → the in-memory model, read straight off the wire
 * (field numbers from proto/opentelemetry/proto/trace/v1/trace.proto). Proto3 rules: unknown
 * fields are skipped, a known field with an unexpected wire type is skipped like an unknown one,
 * the last value of a repeated scalar wins. A malformed message is a 400; a span that is
 * well-formed protobuf but invalid OTLP (ids, times, nesting) is dropped and counted.
 */
export function decodeTraceRequestProtobuf(body: Uint8Array): DecodedTraces {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.length);
  const r = new WireReader(buf);
  const rejected = new Rejections();
  const batch: TraceBatch = { resourceSpans: [] };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) batch.resourceSpans.push(resourceSpans(r.sub(), rejected));
    else r.skip(tag & 7);
  }
  return { batch, rejected };
}

function resourceSpans(r: WireReader, rejected: Rejections): ResourceSpans {
  const out: ResourceSpans = { resource: { attributes: [], droppedAttributesCount: 0 }, schemaUrl: "", scopeSpans: [] };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) out.resource = resource(r.sub());
    else if (tag === ((2 << 3) | LEN)) out.scopeSpans.push(scopeSpans(r.sub(), rejected));
    else if (tag === ((3 << 3) | LEN)) out.schemaUrl = r.string();
    else r.skip(tag & 7);
  }
  return out;
}

function scopeSpans(r: WireReader, rejected: Rejections): ScopeSpans {
  const out: ScopeSpans = { scope: { name: "", version: "", attributes: [], droppedAttributesCount: 0 }, schemaUrl: "", spans: [] };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) out.scope = scope(r.sub());
    else if (tag === ((2 << 3) | LEN)) {
      const spanReader = r.sub();
      let s: Span;
      try {
        s = span(spanReader);
      } catch (err) {
        // Invalid content inside a well-formed span rejects the span; the reader is already past it.
        if (!(err instanceof InvalidSpanError)) throw err;
        rejected.add(err.message);
        continue;
      }
      const problem = spanProblem(s);
      if (problem) rejected.add(problem);
      else out.spans.push(s);
    } else if (tag === ((3 << 3) | LEN)) out.schemaUrl = r.string();
    else r.skip(tag & 7);
  }
  return out;
}

function span(r: WireReader): Span {
  const s: Span = {
    traceId: "",
    spanId: "",
    parentSpanId: "",
    traceState: "",
    flags: 0,
    name: "",
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: "" },
  };
  while (!r.done) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | LEN:
        s.traceId = r.hex();
        break;
      case (2 << 3) | LEN:
        s.spanId = r.hex();
        break;
      case (3 << 3) | LEN:
        s.traceState = r.string();
        break;
      case (4 << 3) | LEN:
        s.parentSpanId = r.hex();
        break;
      case (16 << 3) | FIXED32:
        s.flags = r.fixed32();
        break;
      case (5 << 3) | LEN:
        s.name = r.string();
        break;
      case (6 << 3) | VARINT:
        s.kind = r.uint32() | 0;
        break;
      case (7 << 3) | FIXED64:
        s.startTimeUnixNano = r.fixed64();
        break;
      case (8 << 3) | FIXED64:
        s.endTimeUnixNano = r.fixed64();
        break;
      case (9 << 3) | LEN:
        s.attributes.push(spanKeyValue(r.sub()));
        break;
      case (10 << 3) | VARINT:
        s.droppedAttributesCount = r.uint32();
        break;
      case (11 << 3) | LEN:
        s.events.push(event(r.sub()));
        break;
      case (12 << 3) | VARINT:
        s.droppedEventsCount = r.uint32();
        break;
      case (13 << 3) | LEN:
        s.links.push(link(r.sub()));
        break;
      case (14 << 3) | VARINT:
        s.droppedLinksCount = r.uint32();
        break;
      case (15 << 3) | LEN:
        s.status = status(r.sub());
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return s;
}

function event(r: WireReader): SpanEvent {
  const e: SpanEvent = { timeUnixNano: 0n, name: "", attributes: [], droppedAttributesCount: 0 };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | FIXED64)) e.timeUnixNano = r.fixed64();
    else if (tag === ((2 << 3) | LEN)) e.name = r.string();
    else if (tag === ((3 << 3) | LEN)) e.attributes.push(spanKeyValue(r.sub()));
    else if (tag === ((4 << 3) | VARINT)) e.droppedAttributesCount = r.uint32();
    else r.skip(tag & 7);
  }
  return e;
}

function link(r: WireReader): SpanLink {
  const l: SpanLink = { traceId: "", spanId: "", traceState: "", attributes: [], droppedAttributesCount: 0, flags: 0 };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) l.traceId = r.hex();
    else if (tag === ((2 << 3) | LEN)) l.spanId = r.hex();
    else if (tag === ((3 << 3) | LEN)) l.traceState = r.string();
    else if (tag === ((4 << 3) | LEN)) l.attributes.push(spanKeyValue(r.sub()));
    else if (tag === ((5 << 3) | VARINT)) l.droppedAttributesCount = r.uint32();
    else if (tag === ((6 << 3) | FIXED32)) l.flags = r.fixed32();
    else r.skip(tag & 7);
  }
  return l;
}

function status(r: WireReader): Span["status"] {
  const st = { code: 0, message: "" };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((2 << 3) | LEN)) st.message = r.string();
    else if (tag === ((3 << 3) | VARINT)) st.code = r.uint32() | 0;
    else r.skip(tag & 7);
  }
  return st;
}

/** Inside a span a value that nests too deep rejects the span, not the request. */
function spanKeyValue(r: WireReader): KeyValue {
  try {
    return keyValue(r, 0);
  } catch (err) {
    if (isTooDeep(err)) throw new InvalidSpanError(err.message);
    throw err;
  }
}
