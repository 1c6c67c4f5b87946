/**
 * The shapes protobufjs produces when it decodes the OTLP messages (camelCase fields,
 * bytes as Uint8Array, 64-bit integers as Long, unset fields read from prototype defaults).
 * Only the logs decoder (logs/decode-protobuf.ts, common/protobuf-values.ts) sees them; traces and
 * metrics are read straight off the wire (protobuf-wire-reader.ts).
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
export interface PbLogRecord {
  timeUnixNano: Long;
  observedTimeUnixNano: Long;
  severityNumber: number;
  severityText: string;
  body: PbAnyValue | null;
  attributes: PbKeyValue[];
  droppedAttributesCount: number;
  flags: number;
  traceId: Uint8Array;
  spanId: Uint8Array;
  eventName: string;
}
export interface PbLogsRequest {
  resourceLogs: Array<{
    resource: PbResource | null;
    schemaUrl: string;
    scopeLogs: Array<{ scope: PbScope | null; schemaUrl: string; logRecords: PbLogRecord[] }>;
  }>;
}
