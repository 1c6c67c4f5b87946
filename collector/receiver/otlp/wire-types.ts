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
export interface PbExemplar {
  filteredAttributes: PbKeyValue[];
  timeUnixNano: Long;
  value?: "asDouble" | "asInt";
  asDouble: number;
  asInt: Long;
  spanId: Uint8Array;
  traceId: Uint8Array;
}
export interface PbNumberPoint {
  attributes: PbKeyValue[];
  startTimeUnixNano: Long;
  timeUnixNano: Long;
  value?: "asDouble" | "asInt";
  asDouble: number;
  asInt: Long;
  exemplars: PbExemplar[];
  flags: number;
}
export interface PbHistogramPoint {
  attributes: PbKeyValue[];
  startTimeUnixNano: Long;
  timeUnixNano: Long;
  count: Long;
  sum?: number | null;
  bucketCounts: Long[];
  explicitBounds: number[];
  exemplars: PbExemplar[];
  flags: number;
  min?: number | null;
  max?: number | null;
}
export interface PbBuckets {
  offset: number;
  bucketCounts: Long[];
}
export interface PbExponentialHistogramPoint {
  attributes: PbKeyValue[];
  startTimeUnixNano: Long;
  timeUnixNano: Long;
  count: Long;
  sum?: number | null;
  scale: number;
  zeroCount: Long;
  positive: PbBuckets | null;
  negative: PbBuckets | null;
  flags: number;
  exemplars: PbExemplar[];
  min?: number | null;
  max?: number | null;
  zeroThreshold: number;
}
export interface PbSummaryPoint {
  attributes: PbKeyValue[];
  startTimeUnixNano: Long;
  timeUnixNano: Long;
  count: Long;
  sum: number;
  quantileValues: Array<{ quantile: number; value: number }>;
  flags: number;
}
export interface PbMetric {
  name: string;
  description: string;
  unit: string;
  data?: "gauge" | "sum" | "histogram" | "exponentialHistogram" | "summary";
  gauge: { dataPoints: PbNumberPoint[] } | null;
  sum: { dataPoints: PbNumberPoint[]; aggregationTemporality: number; isMonotonic: boolean } | null;
  histogram: { dataPoints: PbHistogramPoint[]; aggregationTemporality: number } | null;
  exponentialHistogram: { dataPoints: PbExponentialHistogramPoint[]; aggregationTemporality: number } | null;
  summary: { dataPoints: PbSummaryPoint[] } | null;
  metadata: PbKeyValue[];
}
export interface PbMetricsRequest {
  resourceMetrics: Array<{
    resource: PbResource | null;
    schemaUrl: string;
    scopeMetrics: Array<{ scope: PbScope | null; schemaUrl: string; metrics: PbMetric[] }>;
  }>;
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
