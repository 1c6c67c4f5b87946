import type { Exemplar, ExponentialBuckets, Metric, MetricData, MetricsBatch, NumberPoint, ScopeMetrics } from "../../../model/metrics.ts";
import { decodeOrReject, hex, pbAttributes, pbResource, pbScope, signed64, unsigned64 } from "../common/protobuf-values.ts";
import { Rejections } from "../rejections.ts";
import { ExportMetricsServiceRequest } from "../schema.ts";
import type { PbBuckets, PbExemplar, PbMetric, PbMetricsRequest, PbNumberPoint } from "../wire-types.ts";
import { convertPoints, keepValidPoints } from "./keep-valid-points.ts";

export interface DecodedMetrics {
  batch: MetricsBatch;
  rejected: Rejections;
}

/** OTLP/protobuf ExportMetricsServiceRequest → the model; invalid data points dropped and counted. */
export function decodeMetricsRequestProtobuf(body: Uint8Array): DecodedMetrics {
  const message = decodeOrReject(() => ExportMetricsServiceRequest.decode(body) as unknown as PbMetricsRequest);
  const rejected = new Rejections();
  const batch: MetricsBatch = { resourceMetrics: [] };
  for (const rm of message.resourceMetrics) {
    const scopeMetrics: ScopeMetrics[] = [];
    for (const sm of rm.scopeMetrics) {
      const metrics: Metric[] = [];
      for (const pb of sm.metrics) {
        const data = metricData(pb, rejected);
        if (!data) {
          rejected.add(`metric "${pb.name}" has no data`, 0);
          continue;
        }
        const metric: Metric = { name: pb.name, description: pb.description, unit: pb.unit, data, metadata: pbAttributes(pb.metadata, 0) };
        if (keepValidPoints(metric, rejected)) metrics.push(metric);
      }
      scopeMetrics.push({ scope: pbScope(sm.scope), schemaUrl: sm.schemaUrl, metrics });
    }
    batch.resourceMetrics.push({ resource: pbResource(rm.resource), schemaUrl: rm.schemaUrl, scopeMetrics });
  }
  return { batch, rejected };
}

/** A data point that cannot be converted (an attribute value nested too deep) is dropped and counted. */
function metricData(pb: PbMetric, rejected: Rejections): MetricData | null {
  switch (pb.data) {
    case "gauge":
      return { kind: "gauge", points: convertPoints(pb.gauge!.dataPoints, numberPoint, rejected) };
    case "sum":
      return { kind: "sum", points: convertPoints(pb.sum!.dataPoints, numberPoint, rejected), temporality: pb.sum!.aggregationTemporality, isMonotonic: pb.sum!.isMonotonic };
    case "histogram":
      return {
        kind: "histogram",
        temporality: pb.histogram!.aggregationTemporality,
        points: convertPoints(pb.histogram!.dataPoints, (p) => ({
          attributes: pbAttributes(p.attributes, 0),
          startTimeUnixNano: unsigned64(p.startTimeUnixNano),
          timeUnixNano: unsigned64(p.timeUnixNano),
          count: unsigned64(p.count),
          sum: p.sum ?? null,
          bucketCounts: p.bucketCounts.map(unsigned64),
          explicitBounds: [...p.explicitBounds],
          exemplars: p.exemplars.map(exemplar),
          flags: p.flags,
          min: p.min ?? null,
          max: p.max ?? null,
        }), rejected),
      };
    case "exponentialHistogram":
      return {
        kind: "exponentialHistogram",
        temporality: pb.exponentialHistogram!.aggregationTemporality,
        points: convertPoints(pb.exponentialHistogram!.dataPoints, (p) => ({
          attributes: pbAttributes(p.attributes, 0),
          startTimeUnixNano: unsigned64(p.startTimeUnixNano),
          timeUnixNano: unsigned64(p.timeUnixNano),
          count: unsigned64(p.count),
          sum: p.sum ?? null,
          scale: p.scale,
          zeroCount: unsigned64(p.zeroCount),
          positive: buckets(p.positive),
          negative: buckets(p.negative),
          flags: p.flags,
          exemplars: p.exemplars.map(exemplar),
          min: p.min ?? null,
          max: p.max ?? null,
          zeroThreshold: p.zeroThreshold,
        }), rejected),
      };
    case "summary":
      return {
        kind: "summary",
        points: convertPoints(pb.summary!.dataPoints, (p) => ({
          attributes: pbAttributes(p.attributes, 0),
          startTimeUnixNano: unsigned64(p.startTimeUnixNano),
          timeUnixNano: unsigned64(p.timeUnixNano),
          count: unsigned64(p.count),
          sum: p.sum,
          quantileValues: p.quantileValues.map((q) => ({ quantile: q.quantile, value: q.value })),
          flags: p.flags,
        }), rejected),
      };
    default:
      return null;
  }
}

function numberPoint(p: PbNumberPoint): NumberPoint {
  return {
    attributes: pbAttributes(p.attributes, 0),
    startTimeUnixNano: unsigned64(p.startTimeUnixNano),
    timeUnixNano: unsigned64(p.timeUnixNano),
    value: p.value === "asDouble" ? p.asDouble : p.value === "asInt" ? signed64(p.asInt) : null,
    exemplars: p.exemplars.map(exemplar),
    flags: p.flags,
  };
}

function exemplar(e: PbExemplar): Exemplar {
  return {
    filteredAttributes: pbAttributes(e.filteredAttributes, 0),
    timeUnixNano: unsigned64(e.timeUnixNano),
    value: e.value === "asDouble" ? e.asDouble : e.value === "asInt" ? signed64(e.asInt) : null,
    spanId: hex(e.spanId),
    traceId: hex(e.traceId),
  };
}

function buckets(b: PbBuckets | null): ExponentialBuckets {
  return { offset: b?.offset ?? 0, bucketCounts: (b?.bucketCounts ?? []).map(unsigned64) };
}
