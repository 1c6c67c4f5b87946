/**
 * What Sightline should show for metrics the OpenTelemetry JS SDK exported: a recording wrapper
 * around a real exporter keeps every ResourceMetrics the SDK handed over, and the expectations
 * (series, points, distributions) are derived from those, following docs/mapping.md.
 */
import type { ExportResult } from "@opentelemetry/core";
import { ValueType } from "@opentelemetry/api";
import {
  AggregationTemporality,
  DataPointType,
  type AggregationOption,
  type InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from "@opentelemetry/sdk-metrics";

/** Passes everything to the real exporter (temporality and aggregation choices included) and keeps what it exported. */
export class RecordingMetricExporter implements PushMetricExporter {
  readonly exported: ResourceMetrics[] = [];
  readonly results: ExportResult[] = [];
  constructor(private readonly inner: PushMetricExporter) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.exported.push(metrics);
    this.inner.export(metrics, (result) => {
      this.results.push(result);
      resultCallback(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return this.inner.selectAggregationTemporality?.(instrumentType) ?? AggregationTemporality.CUMULATIVE;
  }

  selectAggregation(instrumentType: InstrumentType): AggregationOption {
    return this.inner.selectAggregation!(instrumentType);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

export interface ExpectedPoint {
  step: number | null;
  time: bigint;
  value: number;
}

export interface ExpectedDistribution {
  step: number | null;
  timeUnixNano: string;
  startTimeUnixNano: string;
  count: string;
  sum: number | null;
  min: number | null;
  max: number | null;
  explicitBounds: number[];
  bucketCounts: string[];
}

export interface ExpectedSeries {
  name: string;
  kind: "gauge" | "sum" | "histogram" | "exponential_histogram";
  unit: string;
  description: string;
  temporality: "unspecified" | "delta" | "cumulative";
  monotonic: boolean;
  valueType: "int" | "double" | null;
  context: Record<string, unknown>;
  points: ExpectedPoint[];
  distributions: ExpectedDistribution[];
}

const STEP = "sightline.step";
const EPOCH = "sightline.epoch";

function nanos(t: [number, number]): bigint {
  return BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
}

function sortedContext(attributes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(attributes).sort()) if (key !== STEP && key !== EPOCH) out[key] = attributes[key];
  return out;
}

export function seriesKey(name: string, context: Record<string, unknown>): string {
  return name + "\n" + JSON.stringify(sortedContext(context));
}

/** Every series the exports describe, keyed by seriesKey(name, context). Re-sent (step, time) pairs count once. */
export function expectedSeries(exports: ResourceMetrics[]): Map<string, ExpectedSeries> {
  const out = new Map<string, ExpectedSeries>();
  for (const rm of exports) {
    for (const sm of rm.scopeMetrics) {
      for (const metric of sm.metrics) {
        const kind =
          metric.dataPointType === DataPointType.GAUGE ? "gauge"
          : metric.dataPointType === DataPointType.SUM ? "sum"
          : metric.dataPointType === DataPointType.HISTOGRAM ? "histogram"
          : "exponential_histogram";
        const numbers = kind === "gauge" || kind === "sum";
        for (const dp of metric.dataPoints) {
          const attributes = dp.attributes as Record<string, unknown>;
          const key = seriesKey(metric.descriptor.name, attributes);
          let series = out.get(key);
          if (!series) {
            series = {
              name: metric.descriptor.name,
              kind,
              unit: metric.descriptor.unit,
              description: metric.descriptor.description,
              temporality: kind === "gauge" ? "unspecified" : metric.aggregationTemporality === AggregationTemporality.DELTA ? "delta" : "cumulative",
              monotonic: metric.dataPointType === DataPointType.SUM && metric.isMonotonic,
              valueType: numbers ? (metric.descriptor.valueType === ValueType.INT ? "int" : "double") : null,
              context: sortedContext(attributes),
              points: [],
              distributions: [],
            };
            out.set(key, series);
          }
          const step = typeof attributes[STEP] === "number" ? (attributes[STEP] as number) : null;
          const time = nanos(dp.endTime);
          if (numbers) {
            if (!series.points.some((p) => p.step === step && p.time === time)) series.points.push({ step, time, value: dp.value as number });
          } else if (metric.dataPointType === DataPointType.HISTOGRAM) {
            const h = dp.value as { buckets: { boundaries: number[]; counts: number[] }; sum?: number; count: number; min?: number; max?: number };
            series.distributions.push({
              step,
              timeUnixNano: time.toString(),
              startTimeUnixNano: nanos(dp.startTime).toString(),
              count: String(h.count),
              sum: h.sum ?? null,
              min: h.min ?? null,
              max: h.max ?? null,
              explicitBounds: h.buckets.boundaries,
              bucketCounts: h.buckets.counts.map(String),
            });
          }
        }
      }
    }
  }
  return out;
}

/** Points in the order the API returns them: explicit steps by (step, time), then step-less ones by time, numbered on. */
export function apiOrder(points: ExpectedPoint[]): { step: number[]; time: string[]; value: number[] } {
  const withStep = points.filter((p) => p.step !== null).sort((a, b) => a.step! - b.step! || (a.time < b.time ? -1 : 1));
  const without = points.filter((p) => p.step === null).sort((a, b) => (a.time < b.time ? -1 : 1));
  let next = withStep.length > 0 ? withStep[withStep.length - 1]!.step! + 1 : 0;
  const ordered = [...withStep.map((p) => ({ ...p, shown: p.step! })), ...without.map((p) => ({ ...p, shown: next++ }))];
  return { step: ordered.map((p) => p.shown), time: ordered.map((p) => p.time.toString()), value: ordered.map((p) => p.value) };
}

/** The series' last point as documented: greatest step (step-less points before any with one), then latest time. */
export function lastPoint(points: ExpectedPoint[]): ExpectedPoint {
  return points.reduce((a, b) => {
    const sa = a.step ?? -1;
    const sb = b.step ?? -1;
    return sb > sa || (sb === sa && b.time > a.time) ? b : a;
  });
}
