import type { Attributes } from "../../model/any-value.ts";
import type { Span, SpanLink, TraceBatch } from "../../model/trace.ts";
import { PermanentError } from "../../errors.ts";
import { decodeOrReject, hex, pbAttributes, pbResource, pbScope, unsigned64 } from "./common/protobuf-values.ts";
import { Rejections } from "./rejections.ts";
import { ExportTraceServiceRequest } from "./schema.ts";
import { InvalidSpanError, spanProblem } from "./span-validation.ts";
import type { PbKeyValue, PbLink, PbSpan, PbTraceRequest } from "./wire-types.ts";

export interface DecodedTraces {
  batch: TraceBatch;
  rejected: Rejections;
}

/** OTLP/protobuf ExportTraceServiceRequest bytes → the in-memory model, invalid spans dropped and counted. */
export function decodeTraceRequestProtobuf(body: Uint8Array): DecodedTraces {
  const message = decodeOrReject(() => ExportTraceServiceRequest.decode(body) as unknown as PbTraceRequest);
  const rejected = new Rejections();
  const batch: TraceBatch = { resourceSpans: [] };
  for (const rs of message.resourceSpans) {
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
      scopeSpans.push({ scope: pbScope(ss.scope), schemaUrl: ss.schemaUrl, spans });
    }
    batch.resourceSpans.push({ resource: pbResource(rs.resource), schemaUrl: rs.schemaUrl, scopeSpans });
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
    startTimeUnixNano: unsigned64(pb.startTimeUnixNano),
    endTimeUnixNano: unsigned64(pb.endTimeUnixNano),
    attributes: spanAttributes(pb.attributes),
    droppedAttributesCount: pb.droppedAttributesCount,
    events: pb.events.map((e) => ({
      timeUnixNano: unsigned64(e.timeUnixNano),
      name: e.name,
      attributes: spanAttributes(e.attributes),
      droppedAttributesCount: e.droppedAttributesCount,
    })),
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

/** Inside a span a value that nests too deep rejects the span, not the request. */
function spanAttributes(list: PbKeyValue[]): Attributes {
  try {
    return pbAttributes(list, 0);
  } catch (err) {
    if (err instanceof PermanentError) throw new InvalidSpanError(err.message);
    throw err;
  }
}
