/**
 * The Run API's hot path: the (name, context) sequences of a run, the points waiting to be sent
 * (columns of typed arrays, not an object per point) and their encoding as OTLP/protobuf
 * NumberDataPoints. A training loop tracks millions of points, and the client shares the machine
 * with the trainer (and often with the collector): each tracked point should cost tens of ns.
 */
import { encodedKey, encodedKeyValues } from "./otlp-protobuf.ts";
import { nanosAt } from "./otlp-json.ts";

export type ContextValue = string | number | boolean;

/** A (name, context) sequence: its step counter and its context attributes, encoded once. */
export class Sequence {
  /** The next default step: one more than the largest step tracked so far. */
  next = 0;
  private attrs: [Buffer | undefined, Buffer | undefined] = [undefined, undefined];

  constructor(
    readonly id: number,
    readonly name: string,
    /** A copy of the context as first tracked. */
    readonly context: Record<string, ContextValue>,
  ) {}

  /** The context attributes as repeated KeyValue `field` (7 in a NumberDataPoint, 9 in a HistogramDataPoint). */
  attributes(field: 7 | 9): Buffer {
    const i = field === 7 ? 0 : 1;
    let bytes = this.attrs[i];
    if (!bytes) {
      // sightline.step and .epoch come from the point, never from the context.
      const { "sightline.step": _step, "sightline.epoch": _epoch, ...rest } = this.context;
      this.attrs[i] = bytes = encodedKeyValues(field, rest);
    }
    return bytes;
  }
}

/** One way of writing a sequence's context (its keys in one order), matched without building a key. */
interface Shape {
  keys: string[];
  values: unknown[];
  sequence: Sequence;
}

/** Shapes scanned per name before falling back to the sequence key (e.g. a context per layer). */
const MAX_SHAPES = 8;

/** The sequences of a run, found per track() call without a string or object built in the usual case. */
export class Sequences {
  readonly list: Sequence[] = [];
  private readonly byKey = new Map<string, Sequence>();
  private readonly shapes = new Map<string, Shape[]>();

  get(name: string, context: Record<string, ContextValue> | undefined): Sequence {
    const shapes = this.shapes.get(name);
    if (shapes !== undefined) {
      for (let i = 0; i < shapes.length; i++) if (sameContext(context, shapes[i]!)) return shapes[i]!.sequence;
    }
    // The general case: the exact key (any key order, typed values), as tracked before this fast path.
    const copy = { ...context };
    const key = sequenceKey(name, copy);
    let sequence = this.byKey.get(key);
    if (!sequence) {
      sequence = new Sequence(this.list.length, name, copy);
      this.list.push(sequence);
      this.byKey.set(key, sequence);
    }
    const list = shapes ?? [];
    if (list.length < MAX_SHAPES) {
      const keys = Object.keys(copy);
      list.push({ keys, values: keys.map((k) => copy[k]), sequence });
      if (!shapes) this.shapes.set(name, list);
    }
    return sequence;
  }
}

/**
 * Whether `context` has exactly the shape's keys, in its order, with identical values. for…in sees
 * inherited keys too, which the copy does not: such a context misses here and takes the general
 * path, as does NaN (never identical). So a hit is always the right sequence.
 */
function sameContext(context: Record<string, unknown> | undefined, shape: Shape): boolean {
  const { keys, values } = shape;
  let n = 0;
  if (context === undefined || context === null) return keys.length === 0;
  for (const k in context) {
    if (n >= keys.length || k !== keys[n] || context[k] !== values[n]) return false;
    n++;
  }
  return n === keys.length;
}

/**
 * The key of a (name, context) sequence: the same for the same context in any key order, distinct
 * for different ones (length-prefixed, typed).
 */
export function sequenceKey(name: string, context: Record<string, ContextValue>): string {
  const keys = Object.keys(context);
  if (keys.length > 1) keys.sort();
  let key = name.length + ":" + name;
  for (const k of keys) {
    const v = context[k];
    key += k.length + ":" + k + (typeof v === "string" ? "s" + v.length + ":" + v : typeof v === "number" ? "n" + v + ";" : typeof v === "boolean" ? (v ? "T" : "F") : "j" + JSON.stringify(v) + ";");
  }
  return key;
}

// ---- time: ms since the epoch + ns within the ms, so that no BigInt is made per point ----

/** Where timeOf() puts its answer: [ms since the epoch (an integer), ns within that ms (0 … 999 999)]. */
export const TIME = new Float64Array(2);

let origin = { ms: 0, sub: 0, s: 0, n: 0 };
rebase();

/** nowNanos() at a process.hrtime() reading: same clock, so points and logs agree. */
function rebase(): void {
  const [s, n] = process.hrtime();
  const then = nanosAt(BigInt(s) * 1_000_000_000n + BigInt(n));
  origin = { ms: Number(then / 1_000_000n), sub: Number(then % 1_000_000n), s, n };
}

/**
 * A tracked time (a Date, ms as a number, or — from untyped callers — ns as a bigint; undefined is
 * now, at ns resolution) into TIME. The ns value is the same as BigInt(Math.round(ms)) * 10^6.
 */
export function timeOf(t: Date | number | bigint | undefined): void {
  let ms: number;
  let sub = 0;
  if (t === undefined) {
    const [s, n] = process.hrtime();
    // Exact below 2^53 ns (104 days) after the origin; rebased long before.
    const ns = (s - origin.s) * 1e9 + (n - origin.n) + origin.sub;
    if (ns > 2 ** 52) {
      rebase();
      return timeOf(undefined);
    }
    const whole = Math.floor(ns / 1e6);
    ms = origin.ms + whole;
    sub = ns - whole * 1e6;
  } else if (typeof t === "number") {
    ms = Math.round(t);
  } else if (typeof t === "bigint") {
    const u = BigInt.asUintN(64, t);
    ms = Number(u / 1_000_000n);
    sub = Number(u % 1_000_000n);
  } else if (typeof t?.getTime === "function") {
    ms = t.getTime();
  } else {
    throw new TypeError("track(): time must be a Date or a number of ms since the epoch");
  }
  if (!Number.isSafeInteger(ms)) throw new RangeError(`track(): invalid time ${String(t)}`);
  TIME[0] = ms;
  TIME[1] = sub;
}

/** The uint64 ns of (ms, sub) as two uint32 halves (negative ms wrap around, as BigInt.asUintN(64) does). */
function writeTime(view: DataView, pos: number, ms: number, sub: number): void {
  const a = Math.floor(ms / 2 ** 32);
  const t = (ms - a * 2 ** 32) * 1e6 + sub; // < 2^52: exact
  const tHigh = Math.floor(t / 2 ** 32);
  view.setUint32(pos, t - tHigh * 2 ** 32, true);
  view.setUint32(pos + 4, (a * 1e6 + tHigh) >>> 0, true);
}

/** The ns as a BigInt (the distributions' path, written with ProtoWriter). */
export function timeBigInt(ms: number, sub: number): bigint {
  return BigInt.asUintN(64, BigInt(ms) * 1_000_000n + BigInt(sub));
}

// ---- the points waiting to be sent ----

const NO_EPOCH = -1;

/** Points as columns: index i is one point. */
export class Columns {
  readonly sequence: Uint32Array;
  readonly value: Float64Array;
  readonly step: Float64Array;
  /** NO_EPOCH (-1): none. */
  readonly epoch: Float64Array;
  /** Time: ms since the epoch, and ns within the ms (see timeOf). */
  readonly ms: Float64Array;
  readonly sub: Uint32Array;

  constructor(readonly capacity: number) {
    this.sequence = new Uint32Array(capacity);
    this.value = new Float64Array(capacity);
    this.step = new Float64Array(capacity);
    this.epoch = new Float64Array(capacity);
    this.ms = new Float64Array(capacity);
    this.sub = new Uint32Array(capacity);
  }

  /** Copies points [from, to) of `source` to `at`. */
  copy(source: Columns, from: number, to: number, at: number): void {
    this.sequence.set(source.sequence.subarray(from, to), at);
    this.value.set(source.value.subarray(from, to), at);
    this.step.set(source.step.subarray(from, to), at);
    this.epoch.set(source.epoch.subarray(from, to), at);
    this.ms.set(source.ms.subarray(from, to), at);
    this.sub.set(source.sub.subarray(from, to), at);
  }
}

/**
 * Chunks are shared by all runs of the process and reused: growing (and copying) arrays per run,
 * or allocating fresh ones per batch, costs more than everything else a point does (zeroing, page
 * faults, garbage-collector pressure from external memory). A run with nothing buffered holds none.
 */
const CHUNK = 1024;
const spareChunks: Columns[] = [];
const MAX_SPARE_CHUNKS = 128; // 5 MB

/** Number points in the order tracked, in chunks; they leave from the front (shift) in batches. */
export class PointQueue {
  private readonly chunks: Columns[] = [];
  /** The first point's index in chunks[0]. */
  private head = 0;
  /** The next free index in the last chunk (CHUNK: full, or no chunk). */
  private tail = CHUNK;
  private last: Columns | undefined;
  length = 0;

  push(sequence: number, value: number, step: number, epoch: number | undefined, ms: number, sub: number): void {
    let c = this.last;
    if (c === undefined || this.tail === CHUNK) {
      c = this.last = spareChunks.pop() ?? new Columns(CHUNK);
      this.chunks.push(c);
      this.tail = 0;
    }
    const i = this.tail++;
    c.sequence[i] = sequence;
    c.value[i] = value;
    c.step[i] = step;
    c.epoch[i] = epoch ?? NO_EPOCH;
    c.ms[i] = ms;
    c.sub[i] = sub;
    this.length++;
  }

  /** The first n points, as one set of columns (valid until the next call, from any queue). */
  peek(n: number): Columns {
    const out = n <= scratch.capacity ? scratch : n <= 1 << 16 ? (scratch = new Columns(n)) : new Columns(n);
    for (let c = 0, from = this.head, at = 0; at < n; c++, from = 0) {
      const to = Math.min(CHUNK, from + n - at);
      out.copy(this.chunks[c]!, from, to, at);
      at += to - from;
    }
    return out;
  }

  /** Drops the first n points (they have been encoded). */
  shift(n: number): void {
    this.length -= n;
    this.head += n;
    while (this.chunks.length > 0 && (this.head >= CHUNK || (this.length === 0 && this.chunks.length === 1))) {
      const c = this.chunks.shift()!;
      if (spareChunks.length < MAX_SPARE_CHUNKS) spareChunks.push(c);
      this.head = Math.max(0, this.head - CHUNK);
    }
    if (this.length === 0) {
      this.head = 0;
      this.tail = CHUNK;
      this.last = undefined;
    }
  }
}

let scratch = new Columns(0);

// ---- encoding ----

/** Bytes of a varint of n (a non-negative integer up to 2^53). */
export function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  let size = 4;
  n = Math.floor(n / 0x10000000);
  while (n > 0) {
    size++;
    n = Math.floor(n / 0x80);
  }
  return size;
}

function writeVarint(buf: Uint8Array, pos: number, n: number): number {
  if (n < 0x80) {
    buf[pos] = n;
    return pos + 1;
  }
  while (n >= 0x80) {
    buf[pos++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buf[pos++] = n;
  return pos;
}

/** The step and epoch KeyValues (field 7 of a NumberDataPoint) up to their int_value's varint, per varint size. */
const intAttributeHeads = (key: string): Buffer[] => {
  const k = encodedKey(key); // 0x0a, length, key
  return Array.from({ length: 11 }, (_, size) => {
    const any = 1 + size; // AnyValue: int_value tag + varint
    return Buffer.concat([Buffer.from([0x3a, k.length + 2 + any]), k, Buffer.from([0x12, any, 0x18])]);
  });
};
const STEP_HEADS = intAttributeHeads("sightline.step");
const EPOCH_HEADS = intAttributeHeads("sightline.epoch");
const STEP_HEAD = STEP_HEADS[1]!.length; // the same for every varint size
const EPOCH_HEAD = EPOCH_HEADS[1]!.length;
/** time_unix_nano (tag + fixed64) and as_double (tag + double). */
const TAIL = 18;

function copyBytes(buf: Uint8Array, pos: number, bytes: Uint8Array): number {
  for (let j = 0; j < bytes.length; j++) buf[pos + j] = bytes[j]!;
  return pos + bytes.length;
}

/**
 * The Metric messages (ScopeMetrics field 2, one Gauge per metric name, in order of first appearance)
 * of the first `count` points of `q`, each name's points in the order tracked. Sizes are worked out
 * first, so everything is written once, in place.
 *
 * Consecutive points of one sequence whose step and epoch varints have the same sizes differ only in
 * those varints, the time and the value: the first is written whole and copied over the others
 * (memcpy, doubling), then their own fields are written in. Copying byte by byte is what costs.
 */
export class GaugeEncoding {
  /** Total bytes of the Metric fields. */
  readonly size: number;
  private readonly names: string[] = [];
  /** Gauge body bytes per metric. */
  private readonly bodies: number[] = [];
  /** Indices of the points, grouped by metric (stable); metric m's are order[ends[m-1] … ends[m]). */
  private readonly order: Uint32Array;
  private readonly ends: number[] = [];
  /** Per sequence id (of those in the batch): its NumberDataPoint attributes, and their length. */
  private readonly contexts: Buffer[] = [];
  private readonly contextSizes: Int32Array;

  constructor(
    private readonly q: Columns,
    count: number,
    sequences: Sequence[],
  ) {
    this.contextSizes = new Int32Array(sequences.length);
    const metricOfSequence = new Int32Array(sequences.length).fill(-1);
    const byName = new Map<string, number>();
    const metricOf = new Uint32Array(count);
    const counts: number[] = [];
    for (let i = 0; i < count; i++) {
      const s = q.sequence[i]!;
      let m = metricOfSequence[s]!;
      if (m < 0) {
        this.contexts[s] = sequences[s]!.attributes(7);
        this.contextSizes[s] = this.contexts[s]!.length;
        const name = sequences[s]!.name;
        m = byName.get(name) ?? -1;
        if (m < 0) {
          byName.set(name, (m = this.names.length));
          this.names.push(name);
          this.bodies.push(0);
          counts.push(0);
        }
        metricOfSequence[s] = m;
      }
      metricOf[i] = m;
      counts[m]!++;
      const body = this.pointBody(i);
      this.bodies[m]! += 1 + varintSize(body) + body;
    }
    // Counting sort by metric: one pass, order kept within each.
    const next: number[] = [];
    let end = 0;
    for (const c of counts) {
      next.push(end);
      this.ends.push((end += c));
    }
    this.order = new Uint32Array(count);
    for (let i = 0; i < count; i++) this.order[next[metricOf[i]!]!++] = i;
    let size = 0;
    for (let m = 0; m < this.names.length; m++) {
      const metric = this.metricSize(m);
      size += 1 + varintSize(metric) + metric;
    }
    this.size = size;
  }

  /** NumberDataPoint body bytes of point i: context, step, [epoch], time_unix_nano, as_double. */
  private pointBody(i: number): number {
    const epoch = this.q.epoch[i]!;
    return this.contextSizes[this.q.sequence[i]!]! + STEP_HEAD + varintSize(this.q.step[i]!) + (epoch === NO_EPOCH ? 0 : EPOCH_HEAD + varintSize(epoch)) + TAIL;
  }

  /** Metric body: name (1) and gauge (5). */
  private metricSize(m: number): number {
    const name = Buffer.byteLength(this.names[m]!);
    return 1 + varintSize(name) + name + 1 + varintSize(this.bodies[m]!) + this.bodies[m]!;
  }

  /** Writes the Metric fields at pos; returns the position after them. */
  write(buf: Buffer, view: DataView, pos: number): number {
    for (let m = 0; m < this.names.length; m++) {
      buf[pos++] = 0x12; // ScopeMetrics.metrics
      pos = writeVarint(buf, pos, this.metricSize(m));
      buf[pos++] = 0x0a; // Metric.name
      const name = this.names[m]!;
      pos = writeVarint(buf, pos, Buffer.byteLength(name));
      pos += buf.write(name, pos, "utf8");
      buf[pos++] = 0x2a; // Metric.gauge
      pos = writeVarint(buf, pos, this.bodies[m]!);
      const from = m === 0 ? 0 : this.ends[m - 1]!;
      this.writeShapes(buf, pos, from, this.ends[m]!);
      pos = this.writeValues(buf, view, pos, from, this.ends[m]!);
    }
    return pos;
  }

  /** The constant bytes of points order[from … to): each run of one shape is its first point's bytes, repeated. */
  private writeShapes(buf: Buffer, pos: number, from: number, to: number): void {
    const { q, order } = this;
    let runStart = pos;
    let runLength = 0;
    let runSize = 0;
    let runShape = -1;
    for (let k = from; k < to; k++) {
      const i = order[k]!;
      const stepSize = varintSize(q.step[i]!);
      const epoch = q.epoch[i]!;
      const epochSize = epoch === NO_EPOCH ? 0 : varintSize(epoch);
      const shape = q.sequence[i]! * 256 + stepSize * 16 + epochSize;
      const body = this.pointBody(i);
      if (shape !== runShape || runLength === 0) {
        repeat(buf, runStart, runSize, runLength);
        runStart = pos;
        runLength = 0;
        runShape = shape;
        runSize = 1 + varintSize(body) + body;
        // The constant bytes; writeValues fills in the rest.
        buf[pos] = 0x0a; // Gauge.data_points
        let p = copyBytes(buf, writeVarint(buf, pos + 1, body), this.contexts[q.sequence[i]!]!);
        p = copyBytes(buf, p, STEP_HEADS[stepSize]!) + stepSize;
        if (epochSize > 0) p = copyBytes(buf, p, EPOCH_HEADS[epochSize]!) + epochSize;
        buf[p] = 0x19; // time_unix_nano
        buf[p + 9] = 0x21; // as_double
      }
      runLength++;
      pos += runSize;
    }
    repeat(buf, runStart, runSize, runLength);
  }

  /** Each point's own bytes: step, epoch, time, value. Returns the position after the points. */
  private writeValues(buf: Buffer, view: DataView, pos: number, from: number, to: number): number {
    const { q, order, contextSizes } = this;
    for (let k = from; k < to; k++) {
      const i = order[k]!;
      const body = this.pointBody(i);
      pos += 1 + varintSize(body) + contextSizes[q.sequence[i]!]! + STEP_HEAD;
      pos = writeVarint(buf, pos, q.step[i]!);
      const epoch = q.epoch[i]!;
      if (epoch !== NO_EPOCH) pos = writeVarint(buf, pos + EPOCH_HEAD, epoch);
      writeTime(view, pos + 1, q.ms[i]!, q.sub[i]!);
      view.setFloat64(pos + 10, q.value[i]!, true);
      pos += TAIL;
    }
    return pos;
  }
}

/** Copies the `size` bytes at start over the next count - 1 slots of the same size. */
function repeat(buf: Buffer, start: number, size: number, count: number): void {
  for (let done = 1; done < count; ) {
    const n = Math.min(done, count - done);
    buf.copyWithin(start + done * size, start, start + n * size);
    done += n;
  }
}

/**
 * An ExportMetricsServiceRequest: one ResourceMetrics of `resource` (its Resource message, field 1,
 * encoded), a ScopeMetrics "sightline" holding the gauges and then `histograms` (Metric fields, encoded).
 */
export function metricsRequestBytes(resource: Uint8Array, gauges: GaugeEncoding | undefined, histograms: Uint8Array): Buffer {
  const scopeBody = SCOPE.length + (gauges?.size ?? 0) + histograms.length;
  const resourceBody = resource.length + 1 + varintSize(scopeBody) + scopeBody;
  const buf = Buffer.allocUnsafe(1 + varintSize(resourceBody) + resourceBody);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  let pos = 0;
  buf[pos++] = 0x0a; // resource_metrics
  pos = writeVarint(buf, pos, resourceBody);
  buf.set(resource, pos);
  pos += resource.length;
  buf[pos++] = 0x12; // scope_metrics
  pos = writeVarint(buf, pos, scopeBody);
  buf.set(SCOPE, pos);
  pos += SCOPE.length;
  if (gauges) pos = gauges.write(buf, view, pos);
  buf.set(histograms, pos);
  pos += histograms.length;
  if (pos !== buf.length) throw new Error(`metrics request: wrote ${pos} bytes of ${buf.length}`);
  return buf;
}

/** ScopeMetrics.scope: InstrumentationScope { name: "sightline" }. */
const SCOPE = Buffer.from([0x0a, 0x0b, 0x0a, 0x09, ...Buffer.from("sightline")]);
