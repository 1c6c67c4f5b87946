import { randomBytes } from "node:crypto";
import { trace } from "@opentelemetry/api";
import { histogramOf } from "./histogram.ts";
import { resourceAttributesFromEnv, signalUrl } from "./otlp-env.ts";
import { attributes, toNanos, type AttributeValue } from "./otlp-json.ts";
import { encodedKey, encodedKeyValues, intKeyValue, keyValues } from "./otlp-protobuf.ts";
import { ProtoWriter } from "./protobuf-writer.ts";
import { closeRun, openRun, withRun } from "./run-context.ts";
import { sendOtlp } from "./sender.ts";

export type ContextValue = string | number | boolean;
export type Hparams = { [key: string]: AttributeValue };

export interface RunOptions {
  /** Resume an existing run by id; default: a new random id. */
  runId?: string;
  name?: string;
  experiment?: string;
  hparams?: Hparams;
  tags?: string[];
  /** The Sightline project (default: the collector's "default"). */
  project?: string;
  /** service.name of the run's resource; default OTEL_SERVICE_NAME, else "sightline-run". */
  serviceName?: string;
  /** OTLP/HTTP base URL; default OTEL_EXPORTER_OTLP_ENDPOINT, else http://127.0.0.1:4318. */
  endpoint?: string;
  /** How often buffered data is sent (ms). Default 1000. */
  flushIntervalMs?: number;
  /** Points per request at most. Default 10 000. */
  maxBatchPoints?: number;
  /** Points held in memory at most while the collector is unreachable; beyond, new points are dropped and counted. Default 2 000 000. */
  maxBufferedPoints?: number;
  /** How long a request is retried (429, 503, network errors) before it is dropped (ms). Default 300 000. */
  maxRetryMs?: number;
}

export interface TrackOptions {
  name: string;
  /** Default: one more than the last step of this (name, context) sequence, starting at 0. */
  step?: number;
  epoch?: number;
  context?: Record<string, ContextValue>;
  /** Default: now. */
  time?: Date | number;
}

export interface DistributionOptions extends TrackOptions {
  /** Number of equal-width bins between the smallest and largest value. Default 64. */
  bins?: number;
}

type Severity = "debug" | "info" | "warn" | "error";
const SEVERITY_NUMBER: Record<Severity, number> = { debug: 5, info: 9, warn: 13, error: 17 };

const STEP_KEY = encodedKey("sightline.step");
const EPOCH_KEY = encodedKey("sightline.epoch");

interface PendingPoint {
  name: string;
  /** The (name, context) sequence's key: points with the same key share their context attributes. */
  key: string;
  context: Record<string, ContextValue>;
  step: number;
  epoch: number | undefined;
  time: bigint;
  value: number;
}

interface PendingDistribution extends Omit<PendingPoint, "value"> {
  histogram: ReturnType<typeof histogramOf>;
}

interface PendingLog {
  time: bigint;
  severity: Severity;
  body: string;
  attributes: Record<string, AttributeValue>;
  traceId: string;
  spanId: string;
}

/**
 * An experiment run, the Aim way, on plain OTLP: hyperparameters, metrics tracked at every step
 * (at full resolution, never aggregated), distributions, logs. Data is buffered and sent in the
 * background in batches, retried when the collector is busy or away, and flushed on close(),
 * fail() and when the process is about to exit.
 */
export class Run {
  readonly runId: string;
  /** Points dropped because the buffer was full while the collector was unreachable. */
  droppedPoints = 0;
  private readonly options: Required<Pick<RunOptions, "flushIntervalMs" | "maxBatchPoints" | "maxBufferedPoints" | "maxRetryMs">> & RunOptions;
  private name: string | undefined;
  private readonly experiment: string | undefined;
  private tags: string[];
  private hparams: Hparams;
  private status: "running" | "finished" | "failed" = "running";
  private points: PendingPoint[] = [];
  private distributions: PendingDistribution[] = [];
  private logs: PendingLog[] = [];
  private stateChanged = true;
  private readonly nextStep = new Map<string, number>();
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private warnedFull = false;
  private readonly onBeforeExit = (): void => void this.close();

  /** Buffered log calls: run.log.info("epoch done", { epoch: 3 }). Logged inside a span, they link to it. */
  readonly log: Record<Severity, (message: string, attributes?: Record<string, AttributeValue>) => void>;

  constructor(options: RunOptions = {}) {
    this.options = { flushIntervalMs: 1000, maxBatchPoints: 10_000, maxBufferedPoints: 2_000_000, maxRetryMs: 300_000, ...options };
    this.runId = options.runId ?? randomBytes(8).toString("hex");
    this.name = options.name;
    this.experiment = options.experiment;
    this.tags = [...(options.tags ?? [])];
    this.hparams = structuredClone(options.hparams ?? {});
    this.log = {
      debug: (m, a) => this.addLog("debug", m, a),
      info: (m, a) => this.addLog("info", m, a),
      warn: (m, a) => this.addLog("warn", m, a),
      error: (m, a) => this.addLog("error", m, a),
    };
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
    openRun(this.runId);
    process.on("beforeExit", this.onBeforeExit);
  }

  /** Records one value of a metric sequence (name + context) at a step. */
  track(value: number, options: TrackOptions): void {
    if (typeof value !== "number") throw new TypeError(`track(): value must be a number, got ${typeof value}`);
    const point = this.pointFields(options) as PendingPoint | undefined;
    if (!point) return;
    point.value = value; // the fields object becomes the pending point: no copy per tracked value
    this.points.push(point);
    this.maybeFlushSoon();
  }

  /** Records a distribution (Aim's Distribution) of values at a step, as an OTLP histogram. */
  trackDistribution(values: Iterable<number>, options: DistributionOptions): void {
    const point = this.pointFields(options);
    if (!point) return;
    this.distributions.push({ ...point, histogram: histogramOf(values, options.bins) });
    this.maybeFlushSoon();
  }

  /** Sets a hyperparameter: run.set(["hparams", "dropout"], 0.1) or run.set("optimizer.lr", 3e-4). */
  set(path: string | string[], value: AttributeValue): void {
    const parts = typeof path === "string" ? path.split(".") : [...path];
    if (parts[0] === "hparams") parts.shift();
    if (parts.length === 0 || parts.some((p) => p === "")) throw new TypeError("set(): give a path such as ['hparams', 'dropout']");
    let node = this.hparams;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (typeof next !== "object" || next === null || Array.isArray(next)) node[part] = {};
      node = node[part] as Hparams;
    }
    node[parts[parts.length - 1]!] = value;
    this.stateChanged = true;
  }

  setName(name: string): void {
    this.name = name;
    this.stateChanged = true;
  }

  addTag(tag: string): void {
    if (!this.tags.includes(tag)) this.tags.push(tag);
    this.stateChanged = true;
  }

  /** Runs fn with this run as the active one: spans and OTel log records made inside belong to it. */
  with<T>(fn: () => T): T {
    return withRun(this.runId, fn);
  }

  /** Sends everything buffered now; resolves when the collector has committed it (or it was dropped). */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Marks the run finished and sends everything buffered. */
  async close(): Promise<void> {
    await this.end("finished");
  }

  /** Marks the run failed, logs the error, and sends everything buffered. */
  async fail(error?: unknown): Promise<void> {
    if (error !== undefined) {
      const err = error instanceof Error ? error : new Error(String(error));
      this.addLog("error", err.message, { "exception.type": err.name, "exception.message": err.message, "exception.stacktrace": err.stack ?? "" });
    }
    await this.end("failed");
  }

  private async end(status: "finished" | "failed"): Promise<void> {
    if (this.closed) return this.flush();
    this.closed = true;
    this.status = status;
    this.stateChanged = true;
    clearInterval(this.timer);
    process.off("beforeExit", this.onBeforeExit);
    closeRun(this.runId);
    await this.flush();
    // A flush already in flight when end() began may have missed the final status.
    if (this.stateChanged) await this.flush();
  }

  private pointFields(o: TrackOptions): Omit<PendingPoint, "value"> | undefined {
    if (typeof o?.name !== "string" || o.name === "") throw new TypeError("track(): options.name must be a non-empty string");
    if (o.step !== undefined && !(Number.isSafeInteger(o.step) && o.step >= 0)) throw new TypeError("track(): step must be an integer ≥ 0");
    if (o.epoch !== undefined && !(Number.isSafeInteger(o.epoch) && o.epoch >= 0)) throw new TypeError("track(): epoch must be an integer ≥ 0");
    if (this.closed) throw new Error(`run ${this.runId} is closed`);
    if (this.points.length + this.distributions.length >= this.options.maxBufferedPoints) {
      this.droppedPoints++;
      if (!this.warnedFull) {
        this.warnedFull = true;
        console.warn(`sightline: run ${this.runId}: ${this.options.maxBufferedPoints} points are waiting to be sent; dropping new points until the collector catches up`);
      }
      return undefined;
    }
    const context = { ...o.context };
    const key = sequenceKey(o.name, context);
    const step = o.step ?? this.nextStep.get(key) ?? 0;
    this.nextStep.set(key, Math.max(this.nextStep.get(key) ?? 0, step + 1));
    return { name: o.name, key, context, step, epoch: o.epoch, time: toNanos(o.time) };
  }

  private addLog(severity: Severity, message: string, attrs: Record<string, AttributeValue> = {}): void {
    const span = trace.getActiveSpan()?.spanContext();
    this.logs.push({ time: toNanos(undefined), severity, body: String(message), attributes: attrs, traceId: span?.traceId ?? "", spanId: span?.spanId ?? "" });
    this.maybeFlushSoon();
  }

  private maybeFlushSoon(): void {
    if (this.points.length + this.distributions.length + this.logs.length >= this.options.maxBatchPoints) setImmediate(() => void this.flush());
  }

  /** Sends batches until the buffers are empty; one request at a time, so order is kept. */
  private async drain(): Promise<void> {
    for (;;) {
      const max = this.options.maxBatchPoints;
      if (this.points.length > 0 || this.distributions.length > 0 || this.stateChanged) {
        const points = this.points.splice(0, max);
        const distributions = this.distributions.splice(0, Math.max(0, max - points.length));
        this.stateChanged = false;
        await sendOtlp(signalUrl("metrics", this.options.endpoint), this.metricsRequest(points, distributions), this.sendOptions());
        continue;
      }
      if (this.logs.length > 0) {
        await sendOtlp(signalUrl("logs", this.options.endpoint), this.logsRequest(this.logs.splice(0, max)), this.sendOptions());
        continue;
      }
      return;
    }
  }

  private sendOptions() {
    return { maxRetryMs: this.options.maxRetryMs, onDrop: (reason: string) => console.warn(`sightline: run ${this.runId}: ${reason}`) };
  }

  /** The run's resource attributes: who it is and what it knows about itself (docs/mapping.md). */
  private resourceAttributes(): Record<string, AttributeValue | undefined> {
    const env = resourceAttributesFromEnv();
    return {
      ...env,
      "service.name": this.options.serviceName ?? env["service.name"] ?? "sightline-run",
      "sightline.project": this.options.project ?? env["sightline.project"],
      "sightline.run.id": this.runId,
      "sightline.run.name": this.name,
      "sightline.experiment": this.experiment,
      "sightline.run.tags": this.tags,
      "sightline.run.status": this.status,
      "sightline.hparams": this.hparams,
    };
  }

  /**
   * The OTLP/protobuf ExportMetricsServiceRequest. Number points are written straight into one
   * buffer (a training loop sends millions): each sequence's context attributes are encoded once
   * per request, and no object is built per point.
   */
  private metricsRequest(points: PendingPoint[], distributions: PendingDistribution[]): Buffer {
    const w = new ProtoWriter(points.length * 96 + distributions.length * 1024 + 4096);
    const gauges = new Map<string, PendingPoint[]>();
    for (const p of points) {
      const list = gauges.get(p.name);
      if (list) list.push(p);
      else gauges.set(p.name, [p]);
    }
    const histograms = new Map<string, PendingDistribution[]>();
    for (const d of distributions) {
      const list = histograms.get(d.name);
      if (list) list.push(d);
      else histograms.set(d.name, [d]);
    }
    const contexts = new Map<string, Buffer>();
    const contextOf = (p: Omit<PendingPoint, "value">, field: number): Buffer => {
      const key = field + "\0" + p.key;
      let bytes = contexts.get(key);
      if (!bytes) {
        const { "sightline.step": _step, "sightline.epoch": _epoch, ...rest } = p.context;
        contexts.set(key, (bytes = encodedKeyValues(field, rest)));
      }
      return bytes;
    };
    const resourceMetrics = w.begin(1);
    w.message(1, () => keyValues(w, 1, this.resourceAttributes()));
    const scopeMetrics = w.begin(2);
    w.message(1, () => w.stringField(1, "sightline"));
    for (const [name, list] of gauges) {
      const metric = w.begin(2);
      w.stringField(1, name);
      const gauge = w.begin(5);
      for (const p of list) {
        // NumberDataPoint: attributes 7, time_unix_nano 3, as_double 4.
        const point = w.begin(1);
        w.raw(contextOf(p, 7));
        intKeyValue(w, 7, STEP_KEY, p.step);
        if (p.epoch !== undefined) intKeyValue(w, 7, EPOCH_KEY, p.epoch);
        w.fixed64Field(3, p.time);
        w.doubleField(4, p.value);
        w.end(point);
      }
      w.end(gauge);
      w.end(metric);
    }
    for (const [name, list] of histograms) {
      const metric = w.begin(2);
      w.stringField(1, name);
      const histogram = w.begin(9);
      for (const d of list) {
        // HistogramDataPoint: attributes 9, time 3, count 4, sum 5, bucket_counts 6, explicit_bounds 7, min 11, max 12.
        const h = d.histogram;
        const point = w.begin(1);
        w.raw(contextOf(d, 9));
        intKeyValue(w, 9, STEP_KEY, d.step);
        if (d.epoch !== undefined) intKeyValue(w, 9, EPOCH_KEY, d.epoch);
        w.fixed64Field(3, d.time);
        w.fixed64Field(4, BigInt(h.count));
        w.doubleField(5, h.sum);
        w.packedFixed64Field(6, h.counts);
        w.packedDoubleField(7, h.bounds);
        w.doubleField(11, h.min);
        w.doubleField(12, h.max);
        w.end(point);
      }
      w.uint32Field(2, 1); // aggregation_temporality: delta (each histogram stands alone)
      w.end(histogram);
      w.end(metric);
    }
    w.end(scopeMetrics);
    w.end(resourceMetrics);
    return w.finish();
  }

  private logsRequest(logs: PendingLog[]): object {
    return {
      resourceLogs: [
        {
          resource: { attributes: attributes(this.resourceAttributes()) },
          scopeLogs: [
            {
              scope: { name: "sightline" },
              logRecords: logs.map((l) => ({
                timeUnixNano: l.time.toString(),
                observedTimeUnixNano: l.time.toString(),
                severityNumber: SEVERITY_NUMBER[l.severity],
                severityText: l.severity.toUpperCase(),
                body: { stringValue: l.body },
                attributes: attributes(l.attributes),
                traceId: l.traceId,
                spanId: l.spanId,
              })),
            },
          ],
        },
      ],
    };
  }
}

/**
 * The key of a (name, context) sequence: the same for the same context in any key order, distinct
 * for different ones (length-prefixed, typed). Built per tracked value, so without JSON or arrays
 * for the usual one-key context.
 */
function sequenceKey(name: string, context: Record<string, ContextValue>): string {
  const keys = Object.keys(context);
  if (keys.length > 1) keys.sort();
  let key = name.length + ":" + name;
  for (const k of keys) {
    const v = context[k];
    key += k.length + ":" + k + (typeof v === "string" ? "s" + v.length + ":" + v : typeof v === "number" ? "n" + v + ";" : typeof v === "boolean" ? (v ? "T" : "F") : "j" + JSON.stringify(v) + ";");
  }
  return key;
}
