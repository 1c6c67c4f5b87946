import type { Exemplar, ExponentialBuckets, Metric, MetricData, MetricsBatch, NumberPoint, ScopeMetrics } from "../../../model/metrics.ts";
import {
  array,
  bool,
  double,
  enumValue,
  field,
  id,
  int32,
  int64OrDouble,
  jsonAttributes,
  jsonResource,
  jsonScope,
  object,
  optionalDouble,
  optionalObject,
  parseJsonBody,
  string,
  uint32,
  uint64,
  type Json,
} from "../common/json-values.ts";
import { Rejections } from "../rejections.ts";
import type { DecodedMetrics } from "./decode-protobuf.ts";
import { convertPoints, keepValidPoints } from "./keep-valid-points.ts";

/** OTLP/JSON ExportMetricsServiceRequest → the model (leniency rules in common/json-values.ts). */
export function decodeMetricsRequestJson(body: Uint8Array): DecodedMetrics {
  const root = parseJsonBody(body);
  const rejected = new Rejections();
  const batch: MetricsBatch = { resourceMetrics: [] };
  for (const rmRaw of array(field(root, "resourceMetrics", "resource_metrics"), "resourceMetrics")) {
    const rm = object(rmRaw, "resourceMetrics[]");
    const scopeMetrics: ScopeMetrics[] = [];
    for (const smRaw of array(field(rm, "scopeMetrics", "scope_metrics"), "scopeMetrics")) {
      const sm = object(smRaw, "scopeMetrics[]");
      const metrics: Metric[] = [];
      for (const mRaw of array(field(sm, "metrics"), "metrics")) {
        const m = object(mRaw, "metric");
        const name = string(field(m, "name"), "metric.name");
        const data = metricData(m, rejected);
        if (!data) {
          rejected.add(`metric "${name}" has no data`, 0);
          continue;
        }
        const metric: Metric = {
          name,
          description: string(field(m, "description"), "metric.description"),
          unit: string(field(m, "unit"), "metric.unit"),
          data,
          metadata: jsonAttributes(field(m, "metadata"), 0),
        };
        if (keepValidPoints(metric, rejected)) metrics.push(metric);
      }
      scopeMetrics.push({ scope: jsonScope(field(sm, "scope")), schemaUrl: string(field(sm, "schemaUrl", "schema_url"), "schemaUrl"), metrics });
    }
    batch.resourceMetrics.push({ resource: jsonResource(field(rm, "resource")), schemaUrl: string(field(rm, "schemaUrl", "schema_url"), "schemaUrl"), scopeMetrics });
  }
  return { batch, rejected };
}

const TEMPORALITIES: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};

function temporality(o: Json): number {
  return enumValue(field(o, "aggregationTemporality", "aggregation_temporality"), TEMPORALITIES, "aggregationTemporality");
}

function points(o: Json): unknown[] {
  return array(field(o, "dataPoints", "data_points"), "dataPoints");
}

/** A data point that cannot be read (a field of the wrong type, a value nested too deep) is dropped and counted, like a span. */
function metricData(m: Json, rejected: Rejections): MetricData | null {
  let x: unknown;
  if ((x = field(m, "gauge")) !== undefined) return { kind: "gauge", points: convertPoints(points(optionalObject(x, "gauge")), numberPoint, rejected) };
  if ((x = field(m, "sum")) !== undefined) {
    const s = optionalObject(x, "sum");
    return {
      kind: "sum",
      points: convertPoints(points(s), numberPoint, rejected),
      temporality: temporality(s),
      isMonotonic: bool(field(s, "isMonotonic", "is_monotonic"), "isMonotonic"),
    };
  }
  if ((x = field(m, "histogram")) !== undefined) {
    const h = optionalObject(x, "histogram");
    return {
      kind: "histogram",
      temporality: temporality(h),
      points: convertPoints(points(h), (raw) => {
        const p = object(raw, "data point");
        return {
          ...common(p),
          count: uint64(field(p, "count"), "count"),
          sum: optionalDouble(field(p, "sum"), "sum"),
          bucketCounts: array(field(p, "bucketCounts", "bucket_counts"), "bucketCounts").map((c) => uint64(c, "bucketCounts[]")),
          explicitBounds: array(field(p, "explicitBounds", "explicit_bounds"), "explicitBounds").map((b) => double(b, "explicitBounds[]")),
          exemplars: exemplars(p),
          flags: uint32(field(p, "flags"), "flags"),
          min: optionalDouble(field(p, "min"), "min"),
          max: optionalDouble(field(p, "max"), "max"),
        };
      }, rejected),
    };
  }
  if ((x = field(m, "exponentialHistogram", "exponential_histogram")) !== undefined) {
    const h = optionalObject(x, "exponentialHistogram");
    return {
      kind: "exponentialHistogram",
      temporality: temporality(h),
      points: convertPoints(points(h), (raw) => {
        const p = object(raw, "data point");
        return {
          ...common(p),
          count: uint64(field(p, "count"), "count"),
          sum: optionalDouble(field(p, "sum"), "sum"),
          scale: int32(field(p, "scale"), "scale"),
          zeroCount: uint64(field(p, "zeroCount", "zero_count"), "zeroCount"),
          positive: buckets(field(p, "positive")),
          negative: buckets(field(p, "negative")),
          flags: uint32(field(p, "flags"), "flags"),
          exemplars: exemplars(p),
          min: optionalDouble(field(p, "min"), "min"),
          max: optionalDouble(field(p, "max"), "max"),
          zeroThreshold: optionalDouble(field(p, "zeroThreshold", "zero_threshold"), "zeroThreshold") ?? 0,
        };
      }, rejected),
    };
  }
  if ((x = field(m, "summary")) !== undefined) {
    return {
      kind: "summary",
      points: convertPoints(points(optionalObject(x, "summary")), (raw) => {
        const p = object(raw, "data point");
        return {
          ...common(p),
          count: uint64(field(p, "count"), "count"),
          sum: optionalDouble(field(p, "sum"), "sum") ?? 0,
          quantileValues: array(field(p, "quantileValues", "quantile_values"), "quantileValues").map((q) => {
            const o = object(q, "quantileValue");
            return { quantile: optionalDouble(field(o, "quantile"), "quantile") ?? 0, value: optionalDouble(field(o, "value"), "value") ?? 0 };
          }),
          flags: uint32(field(p, "flags"), "flags"),
        };
      }, rejected),
    };
  }
  return null;
}

function common(p: Json): { attributes: NumberPoint["attributes"]; startTimeUnixNano: bigint; timeUnixNano: bigint } {
  return {
    attributes: jsonAttributes(field(p, "attributes"), 0),
    startTimeUnixNano: uint64(field(p, "startTimeUnixNano", "start_time_unix_nano"), "startTimeUnixNano"),
    timeUnixNano: uint64(field(p, "timeUnixNano", "time_unix_nano"), "timeUnixNano"),
  };
}

function numberValue(p: Json): number | bigint | null {
  const d = field(p, "asDouble", "as_double");
  if (d !== undefined && d !== null) return double(d, "asDouble");
  const i = field(p, "asInt", "as_int");
  if (i !== undefined && i !== null) return int64OrDouble(i, "asInt");
  return null;
}

function numberPoint(raw: unknown): NumberPoint {
  const p = object(raw, "data point");
  // Written out rather than spread from common(): one object per point, not two.
  return {
    attributes: jsonAttributes(field(p, "attributes"), 0),
    startTimeUnixNano: uint64(field(p, "startTimeUnixNano", "start_time_unix_nano"), "startTimeUnixNano"),
    timeUnixNano: uint64(field(p, "timeUnixNano", "time_unix_nano"), "timeUnixNano"),
    value: numberValue(p),
    exemplars: exemplars(p),
    flags: uint32(field(p, "flags"), "flags"),
  };
}

function exemplars(p: Json): Exemplar[] {
  return array(field(p, "exemplars"), "exemplars").map((raw) => {
    const e = object(raw, "exemplar");
    return {
      filteredAttributes: jsonAttributes(field(e, "filteredAttributes", "filtered_attributes"), 0),
      timeUnixNano: uint64(field(e, "timeUnixNano", "time_unix_nano"), "exemplar.timeUnixNano"),
      value: numberValue(e),
      spanId: id(field(e, "spanId", "span_id"), "exemplar.spanId"),
      traceId: id(field(e, "traceId", "trace_id"), "exemplar.traceId"),
    };
  });
}

function buckets(raw: unknown): ExponentialBuckets {
  const b = optionalObject(raw, "buckets");
  return {
    offset: int32(field(b, "offset"), "buckets.offset"),
    bucketCounts: array(field(b, "bucketCounts", "bucket_counts"), "bucketCounts").map((c) => uint64(c, "bucketCounts[]")),
  };
}
