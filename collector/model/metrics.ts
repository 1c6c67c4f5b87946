import type { Attributes } from "./any-value.ts";
import type { InstrumentationScope, Resource } from "./trace.ts";

/** OTLP metrics in memory. Counts are bigint (uint64 on the wire); values keep int vs double. */

export interface Exemplar {
  filteredAttributes: Attributes;
  timeUnixNano: bigint;
  value: number | bigint | null;
  spanId: string;
  traceId: string;
}

export interface NumberPoint {
  attributes: Attributes;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  /** as_double → number, as_int → bigint, neither set → null. */
  value: number | bigint | null;
  exemplars: Exemplar[];
  flags: number;
}

export interface HistogramPoint {
  attributes: Attributes;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: bigint;
  sum: number | null;
  bucketCounts: bigint[];
  explicitBounds: number[];
  exemplars: Exemplar[];
  flags: number;
  min: number | null;
  max: number | null;
}

export interface ExponentialBuckets {
  offset: number;
  bucketCounts: bigint[];
}

export interface ExponentialHistogramPoint {
  attributes: Attributes;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: bigint;
  sum: number | null;
  scale: number;
  zeroCount: bigint;
  positive: ExponentialBuckets;
  negative: ExponentialBuckets;
  flags: number;
  exemplars: Exemplar[];
  min: number | null;
  max: number | null;
  zeroThreshold: number;
}

export interface SummaryPoint {
  attributes: Attributes;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: bigint;
  sum: number;
  quantileValues: Array<{ quantile: number; value: number }>;
  flags: number;
}

/** AggregationTemporality: 0 unspecified, 1 delta, 2 cumulative. */
export type Temporality = number;

export type MetricData =
  | { kind: "gauge"; points: NumberPoint[] }
  | { kind: "sum"; points: NumberPoint[]; temporality: Temporality; isMonotonic: boolean }
  | { kind: "histogram"; points: HistogramPoint[]; temporality: Temporality }
  | { kind: "exponentialHistogram"; points: ExponentialHistogramPoint[]; temporality: Temporality }
  | { kind: "summary"; points: SummaryPoint[] };

export interface Metric {
  name: string;
  description: string;
  unit: string;
  data: MetricData;
  metadata: Attributes;
}

export interface ScopeMetrics {
  scope: InstrumentationScope;
  schemaUrl: string;
  metrics: Metric[];
}

export interface ResourceMetrics {
  resource: Resource;
  schemaUrl: string;
  scopeMetrics: ScopeMetrics[];
}

/** One decoded OTLP ExportMetricsServiceRequest. */
export interface MetricsBatch {
  resourceMetrics: ResourceMetrics[];
}

export const TEMPORALITY_NAMES = ["unspecified", "delta", "cumulative"] as const;

/** DataPointFlags.NO_RECORDED_VALUE_MASK: the point marks a gap (e.g. a stale series), it has no value. */
export const NO_RECORDED_VALUE = 1;
