import type { Attributes, KeyValue } from "../../../model/any-value.ts";
import type {
  Exemplar,
  ExponentialBuckets,
  ExponentialHistogramPoint,
  HistogramPoint,
  Metric,
  MetricData,
  MetricsBatch,
  NumberPoint,
  ResourceMetrics,
  ScopeMetrics,
  SummaryPoint,
} from "../../../model/metrics.ts";
import { isTooDeep, keyValue, resource, scope } from "../common/protobuf-wire-values.ts";
import { FIXED64, LEN, VARINT, WireReader } from "../protobuf-wire-reader.ts";
import { Rejections } from "../rejections.ts";
import { keepValidPoints } from "./keep-valid-points.ts";

export interface DecodedMetrics {
  batch: MetricsBatch;
  rejected: Rejections;
}

/**
 * OTLP/protobuf ExportMetricsServiceRequest bytes → the model, read straight off the wire (field
 * numbers from proto/opentelemetry/proto/metrics/v1/metrics.proto), like the trace decoder in
 * ../decode-protobuf.ts. Proto3 rules: unknown fields are skipped, a known field with an
 * unexpected wire type is skipped like an unknown one, the last member of a oneof on the wire wins,
 * a message field given twice keeps the last one (replaced, not merged, as protobufjs reads it),
 * repeated scalars are read packed or not. (protobufjs' oneof getter names the member *first* seen
 * last, so for gauge, sum, gauge it took the sum; here, as the protobuf spec says, the last gauge.)
 * A malformed message is a 400; a data point that is well-formed protobuf but holds an attribute
 * value nested too deep, or is invalid OTLP (keepValidPoints), is dropped and counted.
 */
export function decodeMetricsRequestProtobuf(body: Uint8Array): DecodedMetrics {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.length);
  const r = new WireReader(buf);
  const rejected = new Rejections();
  const batch: MetricsBatch = { resourceMetrics: [] };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) batch.resourceMetrics.push(resourceMetrics(r.sub(), rejected));
    else r.skip(tag & 7);
  }
  return { batch, rejected };
}

function resourceMetrics(r: WireReader, rejected: Rejections): ResourceMetrics {
  const out: ResourceMetrics = { resource: { attributes: [], droppedAttributesCount: 0 }, schemaUrl: "", scopeMetrics: [] };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) out.resource = resource(r.sub());
    else if (tag === ((2 << 3) | LEN)) out.scopeMetrics.push(scopeMetrics(r.sub(), rejected));
    else if (tag === ((3 << 3) | LEN)) out.schemaUrl = r.string();
    else r.skip(tag & 7);
  }
  return out;
}

function scopeMetrics(r: WireReader, rejected: Rejections): ScopeMetrics {
  const out: ScopeMetrics = { scope: { name: "", version: "", attributes: [], droppedAttributesCount: 0 }, schemaUrl: "", metrics: [] };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) out.scope = scope(r.sub());
    else if (tag === ((2 << 3) | LEN)) {
      const m = metric(r.sub(), rejected);
      if (m) out.metrics.push(m);
    } else if (tag === ((3 << 3) | LEN)) out.schemaUrl = r.string();
    else r.skip(tag & 7);
  }
  return out;
}

/**
 * A Metric, or null when it is dropped (no data, no name). The reasons for the points of its data
 * that could not be read are kept aside until the metric is complete: a later member of the
 * `data` oneof replaces the earlier one, points, reasons and all.
 */
function metric(r: WireReader, rejected: Rejections): Metric | null {
  let name = "";
  let description = "";
  let unit = "";
  let data: MetricData | null = null;
  let lost: string[] = [];
  const metadata: Attributes = [];
  while (!r.done) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | LEN:
        name = r.string();
        break;
      case (2 << 3) | LEN:
        description = r.string();
        break;
      case (3 << 3) | LEN:
        unit = r.string();
        break;
      case (5 << 3) | LEN:
        data = gauge(r.sub(), (lost = []));
        break;
      case (7 << 3) | LEN:
        data = sum(r.sub(), (lost = []));
        break;
      case (9 << 3) | LEN:
        data = histogram(r.sub(), (lost = []));
        break;
      case (10 << 3) | LEN:
        data = exponentialHistogram(r.sub(), (lost = []));
        break;
      case (11 << 3) | LEN:
        data = summary(r.sub(), (lost = []));
        break;
      case (12 << 3) | LEN:
        metadata.push(keyValue(r.sub(), 0));
        break;
      default:
        r.skip(tag & 7);
    }
  }
  for (const reason of lost) rejected.add(reason);
  if (!data) {
    rejected.add(`metric "${name}" has no data`, 0);
    return null;
  }
  const out: Metric = { name, description, unit, data, metadata };
  return keepValidPoints(out, rejected) ? out : null;
}

/**
 * Reads the data point at the reader's position into `points`. One holding an attribute value
 * nested too deep is dropped, its reason added to `lost`; any other error is the request's.
 */
function readPoint<P>(r: WireReader, read: (r: WireReader) => P, points: P[], lost: string[]): void {
  const pointReader = r.sub();
  try {
    points.push(read(pointReader));
  } catch (err) {
    // The outer reader is already past the point.
    if (!isTooDeep(err)) throw err;
    lost.push(err.message);
  }
}

function gauge(r: WireReader, lost: string[]): MetricData {
  const out: Extract<MetricData, { kind: "gauge" }> = { kind: "gauge", points: [] };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) readPoint(r, numberPoint, out.points, lost);
    else r.skip(tag & 7);
  }
  return out;
}

function sum(r: WireReader, lost: string[]): MetricData {
  const out: Extract<MetricData, { kind: "sum" }> = { kind: "sum", points: [], temporality: 0, isMonotonic: false };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) readPoint(r, numberPoint, out.points, lost);
    else if (tag === ((2 << 3) | VARINT)) out.temporality = r.uint32() | 0;
    else if (tag === ((3 << 3) | VARINT)) out.isMonotonic = r.uint32() !== 0;
    else r.skip(tag & 7);
  }
  return out;
}

function histogram(r: WireReader, lost: string[]): MetricData {
  const out: Extract<MetricData, { kind: "histogram" }> = { kind: "histogram", temporality: 0, points: [] };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) readPoint(r, histogramPoint, out.points, lost);
    else if (tag === ((2 << 3) | VARINT)) out.temporality = r.uint32() | 0;
    else r.skip(tag & 7);
  }
  return out;
}

function exponentialHistogram(r: WireReader, lost: string[]): MetricData {
  const out: Extract<MetricData, { kind: "exponentialHistogram" }> = { kind: "exponentialHistogram", temporality: 0, points: [] };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) readPoint(r, exponentialHistogramPoint, out.points, lost);
    else if (tag === ((2 << 3) | VARINT)) out.temporality = r.uint32() | 0;
    else r.skip(tag & 7);
  }
  return out;
}

function summary(r: WireReader, lost: string[]): MetricData {
  const out: Extract<MetricData, { kind: "summary" }> = { kind: "summary", points: [] };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) readPoint(r, summaryPoint, out.points, lost);
    else r.skip(tag & 7);
  }
  return out;
}

/**
 * A data point's attributes are gathered here as they are read and copied out at their exact size
 * when the point is complete (gathered()): an array grown by push reserves 16 slots or more.
 * Points are read one at a time (an exemplar's attributes do not come here), so one array serves
 * them all.
 */
const GATHERED: KeyValue[] = [];
/**
 * The exemplars of every point that has none (nearly all): one array, not one per point. Frozen,
 * so a stray push fails loudly instead of giving every point the exemplar.
 */
const NO_EXEMPLARS = Object.freeze([]) as unknown as Exemplar[];
/** The point's exemplars with the one at the reader's position added (the shared empty list is never written to). */
function withExemplar(exemplars: Exemplar[], r: WireReader): Exemplar[] {
  const out = exemplars === NO_EXEMPLARS ? [] : exemplars;
  out.push(exemplar(r.sub()));
  return out;
}

/** Stands in for a point's attributes until gathered() replaces it; never handed out. */
const PENDING: Attributes = [];

/** Reads one KeyValue into GATHERED[n]; returns n + 1. */
function gather(r: WireReader, n: number): number {
  GATHERED[n] = attribute(r);
  return n + 1;
}

function gathered(n: number): Attributes {
  if (n === 0) return [];
  const out = GATHERED.slice(0, n);
  // The slots keep the last points' attributes alive until overwritten; not those of a huge point.
  if (n > 64) GATHERED.length = 0;
  return out;
}

/** The KeyValue at the reader's position, read without a sub-reader (the point's reader is dropped on error). */
function attribute(r: WireReader): KeyValue {
  const end = r.enter();
  const kv = keyValue(r, 0);
  r.leave(end);
  return kv;
}

/** NumberDataPoint; `value` is its oneof (as_double → number, as_int → bigint), the last one on the wire wins. */
function numberPoint(r: WireReader): NumberPoint {
  const p: NumberPoint = { attributes: PENDING, startTimeUnixNano: 0n, timeUnixNano: 0n, value: null, exemplars: NO_EXEMPLARS, flags: 0 };
  let attributes = 0;
  while (!r.done) {
    const tag = r.tag();
    switch (tag) {
      case (7 << 3) | LEN:
        attributes = gather(r, attributes);
        break;
      case (2 << 3) | FIXED64:
        p.startTimeUnixNano = r.fixed64();
        break;
      case (3 << 3) | FIXED64:
        p.timeUnixNano = r.fixed64();
        break;
      case (4 << 3) | FIXED64:
        p.value = r.double();
        break;
      case (6 << 3) | FIXED64:
        p.value = r.sfixed64();
        break;
      case (5 << 3) | LEN:
        p.exemplars = withExemplar(p.exemplars, r);
        break;
      case (8 << 3) | VARINT:
        p.flags = r.uint32();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  p.attributes = gathered(attributes);
  return p;
}

function histogramPoint(r: WireReader): HistogramPoint {
  const p: HistogramPoint = {
    attributes: PENDING,
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0n,
    sum: null,
    bucketCounts: [],
    explicitBounds: [],
    exemplars: NO_EXEMPLARS,
    flags: 0,
    min: null,
    max: null,
  };
  let attributes = 0;
  while (!r.done) {
    const tag = r.tag();
    switch (tag) {
      case (9 << 3) | LEN:
        attributes = gather(r, attributes);
        break;
      case (2 << 3) | FIXED64:
        p.startTimeUnixNano = r.fixed64();
        break;
      case (3 << 3) | FIXED64:
        p.timeUnixNano = r.fixed64();
        break;
      case (4 << 3) | FIXED64:
        p.count = r.fixed64();
        break;
      case (5 << 3) | FIXED64:
        p.sum = r.double();
        break;
      case (6 << 3) | LEN: {
        const packed = r.sub();
        while (!packed.done) p.bucketCounts.push(packed.fixed64());
        break;
      }
      case (6 << 3) | FIXED64:
        p.bucketCounts.push(r.fixed64());
        break;
      case (7 << 3) | LEN: {
        const packed = r.sub();
        while (!packed.done) p.explicitBounds.push(packed.double());
        break;
      }
      case (7 << 3) | FIXED64:
        p.explicitBounds.push(r.double());
        break;
      case (8 << 3) | LEN:
        p.exemplars = withExemplar(p.exemplars, r);
        break;
      case (10 << 3) | VARINT:
        p.flags = r.uint32();
        break;
      case (11 << 3) | FIXED64:
        p.min = r.double();
        break;
      case (12 << 3) | FIXED64:
        p.max = r.double();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  p.attributes = gathered(attributes);
  return p;
}

function exponentialHistogramPoint(r: WireReader): ExponentialHistogramPoint {
  const p: ExponentialHistogramPoint = {
    attributes: PENDING,
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0n,
    sum: null,
    scale: 0,
    zeroCount: 0n,
    positive: { offset: 0, bucketCounts: [] },
    negative: { offset: 0, bucketCounts: [] },
    flags: 0,
    exemplars: NO_EXEMPLARS,
    min: null,
    max: null,
    zeroThreshold: 0,
  };
  let attributes = 0;
  while (!r.done) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | LEN:
        attributes = gather(r, attributes);
        break;
      case (2 << 3) | FIXED64:
        p.startTimeUnixNano = r.fixed64();
        break;
      case (3 << 3) | FIXED64:
        p.timeUnixNano = r.fixed64();
        break;
      case (4 << 3) | FIXED64:
        p.count = r.fixed64();
        break;
      case (5 << 3) | FIXED64:
        p.sum = r.double();
        break;
      case (6 << 3) | VARINT:
        p.scale = r.sint32();
        break;
      case (7 << 3) | FIXED64:
        p.zeroCount = r.fixed64();
        break;
      case (8 << 3) | LEN:
        p.positive = buckets(r.sub());
        break;
      case (9 << 3) | LEN:
        p.negative = buckets(r.sub());
        break;
      case (10 << 3) | VARINT:
        p.flags = r.uint32();
        break;
      case (11 << 3) | LEN:
        p.exemplars = withExemplar(p.exemplars, r);
        break;
      case (12 << 3) | FIXED64:
        p.min = r.double();
        break;
      case (13 << 3) | FIXED64:
        p.max = r.double();
        break;
      case (14 << 3) | FIXED64:
        p.zeroThreshold = r.double();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  p.attributes = gathered(attributes);
  return p;
}

function buckets(r: WireReader): ExponentialBuckets {
  const b: ExponentialBuckets = { offset: 0, bucketCounts: [] };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | VARINT)) b.offset = r.sint32();
    else if (tag === ((2 << 3) | LEN)) {
      const packed = r.sub();
      while (!packed.done) b.bucketCounts.push(packed.uint64());
    } else if (tag === ((2 << 3) | VARINT)) b.bucketCounts.push(r.uint64());
    else r.skip(tag & 7);
  }
  return b;
}

function summaryPoint(r: WireReader): SummaryPoint {
  const p: SummaryPoint = { attributes: PENDING, startTimeUnixNano: 0n, timeUnixNano: 0n, count: 0n, sum: 0, quantileValues: [], flags: 0 };
  let attributes = 0;
  while (!r.done) {
    const tag = r.tag();
    switch (tag) {
      case (7 << 3) | LEN:
        attributes = gather(r, attributes);
        break;
      case (2 << 3) | FIXED64:
        p.startTimeUnixNano = r.fixed64();
        break;
      case (3 << 3) | FIXED64:
        p.timeUnixNano = r.fixed64();
        break;
      case (4 << 3) | FIXED64:
        p.count = r.fixed64();
        break;
      case (5 << 3) | FIXED64:
        p.sum = r.double();
        break;
      case (6 << 3) | LEN:
        p.quantileValues.push(quantileValue(r.sub()));
        break;
      case (8 << 3) | VARINT:
        p.flags = r.uint32();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  p.attributes = gathered(attributes);
  return p;
}

function quantileValue(r: WireReader): { quantile: number; value: number } {
  const q = { quantile: 0, value: 0 };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | FIXED64)) q.quantile = r.double();
    else if (tag === ((2 << 3) | FIXED64)) q.value = r.double();
    else r.skip(tag & 7);
  }
  return q;
}

/** Exemplar; its `value` oneof as in numberPoint, span and trace ids as hex. */
function exemplar(r: WireReader): Exemplar {
  const e: Exemplar = { filteredAttributes: [], timeUnixNano: 0n, value: null, spanId: "", traceId: "" };
  while (!r.done) {
    const tag = r.tag();
    switch (tag) {
      case (7 << 3) | LEN:
        e.filteredAttributes.push(attribute(r));
        break;
      case (2 << 3) | FIXED64:
        e.timeUnixNano = r.fixed64();
        break;
      case (3 << 3) | FIXED64:
        e.value = r.double();
        break;
      case (6 << 3) | FIXED64:
        e.value = r.sfixed64();
        break;
      case (4 << 3) | LEN:
        e.spanId = r.hex();
        break;
      case (5 << 3) | LEN:
        e.traceId = r.hex();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return e;
}
