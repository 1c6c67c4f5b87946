import type { Attributes } from "./any-value.ts";

/** Ids are lowercase hex; an absent id (empty bytes) is "". Times are unsigned nanoseconds. */
export interface Resource {
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface SpanEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
}

export interface SpanStatus {
  /** 0 unset, 1 ok, 2 error; unknown values are kept as sent. */
  code: number;
  message: string;
}

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  flags: number;
  name: string;
  /** SpanKind enum value (0 unspecified … 5 consumer); unknown values are kept as sent. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  status: SpanStatus;
}

export interface ScopeSpans {
  scope: InstrumentationScope;
  schemaUrl: string;
  spans: Span[];
}

export interface ResourceSpans {
  resource: Resource;
  schemaUrl: string;
  scopeSpans: ScopeSpans[];
}

/** One decoded OTLP ExportTraceServiceRequest. */
export interface TraceBatch {
  resourceSpans: ResourceSpans[];
}

export function countSpans(batch: TraceBatch): number {
  let n = 0;
  for (const rs of batch.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  return n;
}

export const SPAN_KIND_NAMES = ["unspecified", "internal", "server", "client", "producer", "consumer"] as const;
export const STATUS_CODE_NAMES = ["unset", "ok", "error"] as const;
export const STATUS_CODE_ERROR = 2;
