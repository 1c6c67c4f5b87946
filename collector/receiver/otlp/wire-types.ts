/**
 * The shapes protobufjs produces when it decodes the OTLP messages (camelCase fields,
 * bytes as Uint8Array, 64-bit integers as Long, unset fields read from prototype defaults).
 * Only decode-protobuf.ts sees them.
 */
/** protobufjs' 64-bit integer: two 32-bit halves. */
export interface Long {
  low: number;
  high: number;
  unsigned: boolean;
}

export interface PbAnyValue {
  value?: "stringValue" | "boolValue" | "intValue" | "doubleValue" | "arrayValue" | "kvlistValue" | "bytesValue";
  stringValue: string;
  boolValue: boolean;
  intValue: Long;
  doubleValue: number;
  arrayValue: { values: PbAnyValue[] } | null;
  kvlistValue: { values: PbKeyValue[] } | null;
  bytesValue: Uint8Array;
}
export interface PbKeyValue {
  key: string;
  value: PbAnyValue | null;
}
export interface PbResource {
  attributes: PbKeyValue[];
  droppedAttributesCount: number;
}
export interface PbScope {
  name: string;
  version: string;
  attributes: PbKeyValue[];
  droppedAttributesCount: number;
}
export interface PbEvent {
  timeUnixNano: Long;
  name: string;
  attributes: PbKeyValue[];
  droppedAttributesCount: number;
}
export interface PbLink {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState: string;
  attributes: PbKeyValue[];
  droppedAttributesCount: number;
  flags: number;
}
export interface PbSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState: string;
  parentSpanId: Uint8Array;
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: Long;
  endTimeUnixNano: Long;
  attributes: PbKeyValue[];
  droppedAttributesCount: number;
  events: PbEvent[];
  droppedEventsCount: number;
  links: PbLink[];
  droppedLinksCount: number;
  status: { code: number; message: string } | null;
}
export interface PbTraceRequest {
  resourceSpans: Array<{
    resource: PbResource | null;
    schemaUrl: string;
    scopeSpans: Array<{ scope: PbScope | null; schemaUrl: string; spans: PbSpan[] }>;
  }>;
}
