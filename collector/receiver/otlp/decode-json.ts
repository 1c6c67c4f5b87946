import type { ResourceSpans, Span, SpanEvent, SpanLink, TraceBatch } from "../../model/trace.ts";
import { PermanentError } from "../../errors.ts";
import {
  array,
  enumValue,
  field,
  id,
  jsonAttributes,
  jsonResource,
  jsonScope,
  object,
  optionalObject,
  parseJsonBody,
  string,
  uint32,
  uint64,
} from "./common/json-values.ts";
import type { DecodedTraces } from "./decode-protobuf.ts";
import { Rejections } from "./rejections.ts";
import { InvalidSpanError, spanProblem } from "./span-validation.ts";

/**
 * OTLP/JSON ExportTraceServiceRequest → the in-memory model (leniency rules in common/json-values.ts).
 * Malformed structure outside spans rejects the request (400); a malformed span is dropped and
 * counted in partial_success.
 */
export function decodeTraceRequestJson(body: Uint8Array): DecodedTraces {
  const root = parseJsonBody(body);
  const rejected = new Rejections();
  const batch: TraceBatch = { resourceSpans: [] };
  for (const rsRaw of array(field(root, "resourceSpans", "resource_spans"), "resourceSpans")) {
    const rs = object(rsRaw, "resourceSpans[]");
    const resourceSpans: ResourceSpans = { resource: jsonResource(field(rs, "resource")), schemaUrl: string(field(rs, "schemaUrl", "schema_url"), "schemaUrl"), scopeSpans: [] };
    for (const ssRaw of array(field(rs, "scopeSpans", "scope_spans"), "scopeSpans")) {
      const ss = object(ssRaw, "scopeSpans[]");
      const spans: Span[] = [];
      for (const spanRaw of array(field(ss, "spans"), "spans")) {
        let span: Span;
        try {
          span = convertSpan(spanRaw);
        } catch (err) {
          if (!(err instanceof InvalidSpanError)) throw err;
          rejected.add(err.message);
          continue;
        }
        const problem = spanProblem(span);
        if (problem) rejected.add(problem);
        else spans.push(span);
      }
      resourceSpans.scopeSpans.push({ scope: jsonScope(field(ss, "scope")), schemaUrl: string(field(ss, "schemaUrl", "schema_url"), "schemaUrl"), spans });
    }
    batch.resourceSpans.push(resourceSpans);
  }
  return { batch, rejected };
}

const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

function convertSpan(raw: unknown): Span {
  try {
    const s = object(raw, "span");
    const st = optionalObject(field(s, "status"), "status");
    return {
      traceId: id(field(s, "traceId", "trace_id"), "traceId"),
      spanId: id(field(s, "spanId", "span_id"), "spanId"),
      parentSpanId: id(field(s, "parentSpanId", "parent_span_id"), "parentSpanId"),
      traceState: string(field(s, "traceState", "trace_state"), "traceState"),
      flags: uint32(field(s, "flags"), "flags"),
      name: string(field(s, "name"), "name"),
      kind: enumValue(field(s, "kind"), SPAN_KINDS, "kind"),
      startTimeUnixNano: uint64(field(s, "startTimeUnixNano", "start_time_unix_nano"), "startTimeUnixNano"),
      endTimeUnixNano: uint64(field(s, "endTimeUnixNano", "end_time_unix_nano"), "endTimeUnixNano"),
      attributes: jsonAttributes(field(s, "attributes"), 0),
      droppedAttributesCount: uint32(field(s, "droppedAttributesCount", "dropped_attributes_count"), "droppedAttributesCount"),
      events: array(field(s, "events"), "events").map(event),
      droppedEventsCount: uint32(field(s, "droppedEventsCount", "dropped_events_count"), "droppedEventsCount"),
      links: array(field(s, "links"), "links").map(link),
      droppedLinksCount: uint32(field(s, "droppedLinksCount", "dropped_links_count"), "droppedLinksCount"),
      status: { code: enumValue(field(st, "code"), STATUS_CODES, "status.code"), message: string(field(st, "message"), "status.message") },
    };
  } catch (err) {
    if (err instanceof PermanentError) throw new InvalidSpanError(err.message);
    throw err;
  }
}

function event(raw: unknown): SpanEvent {
  const e = object(raw, "event");
  return {
    timeUnixNano: uint64(field(e, "timeUnixNano", "time_unix_nano"), "event.timeUnixNano"),
    name: string(field(e, "name"), "event.name"),
    attributes: jsonAttributes(field(e, "attributes"), 0),
    droppedAttributesCount: uint32(field(e, "droppedAttributesCount", "dropped_attributes_count"), "event.droppedAttributesCount"),
  };
}

function link(raw: unknown): SpanLink {
  const l = object(raw, "link");
  return {
    traceId: id(field(l, "traceId", "trace_id"), "link.traceId"),
    spanId: id(field(l, "spanId", "span_id"), "link.spanId"),
    traceState: string(field(l, "traceState", "trace_state"), "link.traceState"),
    attributes: jsonAttributes(field(l, "attributes"), 0),
    droppedAttributesCount: uint32(field(l, "droppedAttributesCount", "dropped_attributes_count"), "link.droppedAttributesCount"),
    flags: uint32(field(l, "flags"), "link.flags"),
  };
}
