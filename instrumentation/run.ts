import { randomBytes } from "node:crypto";
import { trace } from "@opentelemetry/api";
import { histogramOf } from "./histogram.ts";
import { otlpTimeoutMs, resourceAttributesFromEnv, signalUrl } from "./otlp-env.ts";
import { attributes, toNanos, type AttributeValue } from "./otlp-json.ts";
import { encodedKey, intKeyValue, keyValues } from "./otlp-protobuf.ts";
import { ProtoWriter } from "./protobuf-writer.ts";
import { closeRun, openRun, withRun } from "./run-context.ts";
import { GaugeEncoding, metricsRequestBytes, PointQueue, Sequences, TIME, timeBigInt, timeOf, type ContextValue, type Sequence } from "./run-points.ts";
import { sendOtlp, type SendOptions } from "./sender.ts";

export type { ContextValue };
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
  /** How long one send attempt may take before it is abandoned and retried (ms). Default OTEL_EXPORTER_OTLP_METRICS_TIMEOUT / OTEL_EXPORTER_OTLP_TIMEOUT, else 10 000. */
  timeoutMs?: number;
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

interface PendingDistribution {
  sequence: Sequence;
  step: number;
  epoch: number | undefined;
  time: bigint;
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
  /** Number points, as columns (run-points.ts): no object per tracked value. */
  private readonly points = new PointQueue();
  private distributions: PendingDistribution[] = [];
  private logs: PendingLog[] = [];
  private stateChanged = true;
  private readonly sequences = new Sequences();
  private flushing: Promise<void> | undefined;
  private flushSoon = false;
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
    const sequence = this.accept(options);
    if (!sequence) return;
    this.points.push(sequence.id, value, this.stepOf(sequence, options.step), options.epoch, TIME[0]!, TIME[1]!);
    this.maybeFlushSoon();
  }

  /** Records a distribution (Aim's Distribution) of values at a step, as an OTLP histogram. */
  trackDistribution(values: Iterable<number>, options: DistributionOptions): void {
    const sequence = this.accept(options);
    if (!sequence) return;
    const time = timeBigInt(TIME[0]!, TIME[1]!);
    const step = this.stepOf(sequence, options.step);
    this.distributions.push({ sequence, step, epoch: options.epoch, time, histogram: histogramOf(values, options.bins) });
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

  /** Checks a track call; its sequence (and its time in TIME), or undefined when the point is dropped. */
  private accept(o: TrackOptions): Sequence | undefined {
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
    const sequence = this.sequences.get(o.name, o.context);
    timeOf(o.time); // last: nothing may run between this and the caller reading TIME
    return sequence;
  }

  /** The step given, or the sequence's next one; either way the sequence's next step moves past it. */
  private stepOf(sequence: Sequence, given: number | undefined): number {
    const step = given ?? sequence.next;
    if (step >= sequence.next) sequence.next = step + 1;
    return step;
  }

  private addLog(severity: Severity, message: string, attrs: Record<string, AttributeValue> = {}): void {
    const span = trace.getActiveSpan()?.spanContext();
    this.logs.push({ time: toNanos(undefined), severity, body: String(message), attributes: attrs, traceId: span?.traceId ?? "", spanId: span?.spanId ?? "" });
    this.maybeFlushSoon();
  }

  private maybeFlushSoon(): void {
    // One pending setImmediate at most, not one per call past the threshold.
    if (this.flushSoon || this.points.length + this.distributions.length + this.logs.length < this.options.maxBatchPoints) return;
    this.flushSoon = true;
    setImmediate(() => {
      this.flushSoon = false;
      void this.flush();
    });
  }

  /** Sends batches until the buffers are empty; one request at a time, so order is kept. */
  private async drain(): Promise<void> {
    for (;;) {
      const max = this.options.maxBatchPoints;
      if (this.points.length > 0 || this.distributions.length > 0 || this.stateChanged) {
        const points = Math.min(this.points.length, max);
        const distributions = this.distributions.splice(0, Math.max(0, max - points));
        this.stateChanged = false;
        let body: Buffer;
        try {
          body = this.metricsRequest(points, distributions);
        } finally {
          this.points.shift(points); // taken even if encoding failed, as the distributions are
        }
        await sendOtlp(signalUrl("metrics", this.options.endpoint), body, this.sendOptions("metrics"));
        continue;
      }
      if (this.logs.length > 0) {
        await sendOtlp(signalUrl("logs", this.options.endpoint), this.logsRequest(this.logs.splice(0, max)), this.sendOptions("logs"));
        continue;
      }
      return;
    }
  }

  private sendOptions(signal: "metrics" | "logs"): SendOptions {
    const timeoutMs = this.options.timeoutMs ?? otlpTimeoutMs(signal);
    return {
      maxRetryMs: this.options.maxRetryMs,
      onDrop: (reason: string) => console.warn(`sightline: run ${this.runId}: ${reason}`),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    };
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
   * The OTLP/protobuf ExportMetricsServiceRequest of the first `points` buffered points and of
   * `distributions`. Number points are written straight from their columns into one buffer of the
   * exact size (run-points.ts): each sequence's context attributes are encoded once per run.
   */
  private metricsRequest(points: number, distributions: PendingDistribution[]): Buffer {
    const resource = new ProtoWriter(1024);
    resource.message(1, () => keyValues(resource, 1, this.resourceAttributes()));
    const gauges = points > 0 ? new GaugeEncoding(this.points.peek(points), points, this.sequences.list) : undefined;
    return metricsRequestBytes(resource.finish(), gauges, this.histogramMetrics(distributions));
  }

  /** The Metric fields (of ScopeMetrics) of the distributions: a Histogram per name. */
  private histogramMetrics(distributions: PendingDistribution[]): Uint8Array {
    if (distributions.length === 0) return new Uint8Array(0);
    const w = new ProtoWriter(distributions.length * 1024);
    const histograms = new Map<string, PendingDistribution[]>();
    for (const d of distributions) {
      const list = histograms.get(d.sequence.name);
      if (list) list.push(d);
      else histograms.set(d.sequence.name, [d]);
    }
    for (const [name, list] of histograms) {
      const metric = w.begin(2);
      w.stringField(1, name);
      const histogram = w.begin(9);
      for (const d of list) {
        // HistogramDataPoint: attributes 9, time 3, count 4, sum 5, bucket_counts 6, explicit_bounds 7, min 11, max 12.
        const h = d.histogram;
        const point = w.begin(1);
        w.raw(d.sequence.attributes(9));
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
