import { createHash } from "node:crypto";
import type { Attributes } from "../model/any-value.ts";
import { attributeValue } from "../model/any-value.ts";
import { NO_RECORDED_VALUE, type Exemplar, type MetricsBatch } from "../model/metrics.ts";
import { stepOf } from "./step-value.ts";
import { attributesJson } from "../storage/stored-json.ts";
import { projectOf } from "./resource-identity.ts";
import { runOf, type ProjectRun } from "./run-identity.ts";
import { ATTR } from "./sightline-attributes.ts";

export type SeriesKind = "gauge" | "sum" | "histogram" | "exponential_histogram" | "summary";

/** One metric series: Aim's (run, name, context) sequence. */
export interface SeriesRecord {
  project: string;
  /** md5 hex of (run id, name, kind, context): the same series from any request maps here. */
  seriesId: string;
  runId: string;
  name: string;
  kind: SeriesKind;
  /** The point attributes other than sightline.step / sightline.epoch, as a stored JSON object with keys sorted. */
  context: string;
  unit: string;
  description: string;
  /** 0 unspecified, 1 delta, 2 cumulative. */
  temporality: number;
  monotonic: boolean;
  /** Number series: whether values were sent as int or double. */
  valueType: "int" | "double" | null;
  scopeName: string;
}

export interface PointRecord {
  project: string;
  seriesId: string;
  step: bigint | null;
  epoch: bigint | null;
  timeUnixNano: bigint;
  startTimeUnixNano: bigint;
  /** Always a double: ints are converted (series.valueType remembers); a point without a recorded value is NaN with flags bit 1. */
  value: number;
  flags: number;
  exemplars: Exemplar[];
}

/** A histogram, exponential histogram or summary point: Aim's Distribution at one step. */
export interface DistributionRecord {
  project: string;
  seriesId: string;
  step: bigint | null;
  epoch: bigint | null;
  timeUnixNano: bigint;
  startTimeUnixNano: bigint;
  count: bigint;
  sum: number | null;
  min: number | null;
  max: number | null;
  flags: number;
  /** Kind-specific content as plain JSON (bounds and counts, exponential buckets, or quantiles). */
  data: Record<string, unknown>;
  exemplars: Exemplar[];
}

export interface NormalizedMetricsBatch {
  runs: ProjectRun[];
  series: SeriesRecord[];
  points: PointRecord[];
  distributions: DistributionRecord[];
}

/** The normalize stage for metrics: runs from resources, series from (name, context), step and epoch from point attributes. */
export function normalizeMetrics(batch: MetricsBatch): NormalizedMetricsBatch {
  const out: NormalizedMetricsBatch = { runs: [], series: [], points: [], distributions: [] };
  const seen = new Map<string, SeriesRecord>();
  for (const rm of batch.resourceMetrics) {
    const project = projectOf(rm.resource);
    const run = runOf(rm.resource);
    out.runs.push({ ...run, project, resourceAttributes: rm.resource.attributes });
    for (const sm of rm.scopeMetrics) {
      for (const metric of sm.metrics) {
        const data = metric.data;
        const kind: SeriesKind = data.kind === "exponentialHistogram" ? "exponential_histogram" : data.kind;
        // The points of one metric mostly share a few contexts: the series id (an md5) once per context.
        const byContext = new Map<string, SeriesRecord>();
        // Per point, a cheap signature of its context finds the series without building the JSON.
        const bySignature = new Map<string, SeriesRecord>();
        // Consecutive points of one sequence (the usual case) carry equal contexts: compared in place, no signature built.
        let lastAttributes: Attributes = [];
        let lastSeries: SeriesRecord | undefined;
        const seriesFor = (attributes: Attributes, valueType: SeriesRecord["valueType"]): SeriesRecord => {
          if (lastSeries && sameContext(attributes, lastAttributes)) {
            if (valueType === "double") lastSeries.valueType = "double";
            lastAttributes = attributes;
            return lastSeries;
          }
          const series = findSeries(attributes, valueType);
          lastAttributes = attributes;
          lastSeries = series;
          return series;
        };
        const findSeries = (attributes: Attributes, valueType: SeriesRecord["valueType"]): SeriesRecord => {
          const signature = contextSignature(attributes);
          const bySig = signature === undefined ? undefined : bySignature.get(signature);
          if (bySig) {
            if (valueType === "double") bySig.valueType = "double";
            return bySig;
          }
          const context = contextJson(attributes);
          const known = byContext.get(context);
          if (known) {
            if (valueType === "double") known.valueType = "double";
            if (signature !== undefined) bySignature.set(signature, known);
            return known;
          }
          const seriesId = createHash("md5").update(`${run.runId}\n${metric.name}\n${kind}\n${context}`).digest("hex");
          let series = seen.get(project + "\n" + seriesId);
          if (!series) {
            series = {
              project,
              seriesId,
              runId: run.runId,
              name: metric.name,
              kind,
              context,
              unit: metric.unit,
              description: metric.description,
              temporality: "temporality" in data ? data.temporality : 0,
              monotonic: data.kind === "sum" && data.isMonotonic,
              valueType,
              scopeName: sm.scope.name,
            };
            seen.set(project + "\n" + seriesId, series);
            out.series.push(series);
          } else if (valueType === "double") series.valueType = "double";
          byContext.set(context, series);
          if (signature !== undefined) bySignature.set(signature, series);
          return series;
        };
        switch (data.kind) {
          case "gauge":
          case "sum":
            for (const p of data.points) {
              const series = seriesFor(p.attributes, typeof p.value === "bigint" ? "int" : "double");
              out.points.push({
                project,
                seriesId: series.seriesId,
                step: stepAttribute(p.attributes, ATTR.step),
                epoch: stepAttribute(p.attributes, ATTR.epoch),
                timeUnixNano: p.timeUnixNano,
                startTimeUnixNano: p.startTimeUnixNano,
                value: p.value === null ? NaN : Number(p.value),
                flags: p.value === null ? p.flags | NO_RECORDED_VALUE : p.flags,
                exemplars: p.exemplars,
              });
            }
            break;
          case "histogram":
            for (const p of data.points) {
              const data = { explicitBounds: p.explicitBounds, bucketCounts: p.bucketCounts.map(String) };
              out.distributions.push(distribution(project, seriesFor(p.attributes, null).seriesId, p, data, p.exemplars));
            }
            break;
          case "exponentialHistogram":
            for (const p of data.points) {
              const data = {
                scale: p.scale,
                zeroCount: String(p.zeroCount),
                zeroThreshold: p.zeroThreshold,
                positive: { offset: p.positive.offset, bucketCounts: p.positive.bucketCounts.map(String) },
                negative: { offset: p.negative.offset, bucketCounts: p.negative.bucketCounts.map(String) },
              };
              out.distributions.push(distribution(project, seriesFor(p.attributes, null).seriesId, p, data, p.exemplars));
            }
            break;
          case "summary":
            for (const p of data.points) {
              const summary = { ...p, min: null, max: null };
              out.distributions.push(distribution(project, seriesFor(p.attributes, null).seriesId, summary, { quantileValues: p.quantileValues }, []));
            }
            break;
        }
      }
    }
  }
  return out;
}

/**
 * Context: the point's attributes without step and epoch, sorted by key so attribute order never
 * splits a series, and with integral doubles written as integers: {fold: 1} from a JS SDK (an int)
 * and {fold: 1.0} from a Python SDK (a double) are one series.
 */
export function contextJson(attributes: Attributes): string {
  const context = attributes
    .filter((kv) => kv.key !== ATTR.step && kv.key !== ATTR.epoch)
    .map((kv) => (typeof kv.value === "number" && Number.isSafeInteger(kv.value) && !Object.is(kv.value, -0) ? { key: kv.key, value: BigInt(kv.value) } : kv));
  context.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return attributesJson(context);
}

/** The fields every distribution kind shares; `data` holds what is particular to the kind. */
function distribution(
  project: string,
  seriesId: string,
  p: { attributes: Attributes; timeUnixNano: bigint; startTimeUnixNano: bigint; count: bigint; sum: number | null; min: number | null; max: number | null; flags: number },
  data: Record<string, unknown>,
  exemplars: Exemplar[],
): DistributionRecord {
  return {
    project,
    seriesId,
    ...stepAndEpoch(p.attributes),
    timeUnixNano: p.timeUnixNano,
    startTimeUnixNano: p.startTimeUnixNano,
    count: p.count,
    sum: p.sum,
    min: p.min,
    max: p.max,
    flags: p.flags,
    data,
    exemplars,
  };
}

function stepAndEpoch(attributes: Attributes): { step: bigint | null; epoch: bigint | null } {
  return { step: stepAttribute(attributes, ATTR.step), epoch: stepAttribute(attributes, ATTR.epoch) };
}

function stepAttribute(attributes: Attributes, key: string): bigint | null {
  const v = attributeValue(attributes, key);
  return v === undefined ? null : stepOf(v);
}

/**
 * True when the two attribute lists, without step and epoch, hold the same keys with the same
 * values in the same order (a different order gives false: the signature path then decides).
 * Object.is: -0 is not 0 (contextJson keeps -0 a double), NaN is NaN.
 */
function sameContext(a: Attributes, b: Attributes): boolean {
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < a.length && (a[i]!.key === ATTR.step || a[i]!.key === ATTR.epoch)) i++;
    while (j < b.length && (b[j]!.key === ATTR.step || b[j]!.key === ATTR.epoch)) j++;
    if (i === a.length || j === b.length) return i === a.length && j === b.length;
    const x = a[i++]!;
    const y = b[j++]!;
    if (x.key !== y.key || !sameScalar(x.value, y.value)) return false;
  }
}

/** Equal scalar values of one type; lists and maps are never taken as equal here. */
function sameScalar(x: unknown, y: unknown): boolean {
  if (typeof x !== typeof y) return false;
  if (typeof x === "object") return false;
  return Object.is(x, y);
}

/**
 * A string that identifies a point's context (its attributes but step and epoch) as given —
 * length-prefixed, so two different contexts never share one — or undefined when a value is not
 * a plain string, number or boolean. Attributes in another order give another signature for the
 * same context: only a cache miss, as the series itself comes from contextJson.
 */
function contextSignature(attributes: Attributes): string | undefined {
  let signature = "";
  for (const kv of attributes) {
    if (kv.key === ATTR.step || kv.key === ATTR.epoch) continue;
    const v = kv.value;
    signature += kv.key.length + ":" + kv.key;
    if (typeof v === "string") signature += "s" + v.length + ":" + v;
    else if (typeof v === "bigint") signature += "i" + v + ";";
    // -0 is its own context (contextJson keeps it a double), yet prints as 0.
    else if (typeof v === "number" && !Object.is(v, -0)) signature += "d" + v + ";";
    else if (typeof v === "boolean") signature += v ? "T" : "F";
    else return undefined;
  }
  return signature;
}
