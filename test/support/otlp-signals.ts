/**
 * OTLP metrics and logs requests for tests: OTLP/JSON builders from plain values, the same request
 * as protobuf, and one export over any transport (HTTP JSON/protobuf ± gzip, gRPC ± gzip) with the
 * answer decoded into one shape. Hand-made edge cases only; SDK tests use the official exporters.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs";
import {
  ExportLogsServiceRequest,
  ExportLogsServiceResponse,
  ExportMetricsServiceRequest,
  ExportMetricsServiceResponse,
  RpcStatus,
} from "../../collector/receiver/otlp/schema.ts";
import type { TestCollector } from "./collector.ts";
import type { LosslessJson } from "./lossless-json.ts";
import { get, post } from "./otlp.ts";

export type Signal = "metrics" | "logs";

interface SignalInfo {
  httpPath: string;
  grpcPath: string;
  request: protobuf.Type;
  response: protobuf.Type;
  countField: "rejectedDataPoints" | "rejectedLogRecords";
}

export const SIGNALS: Record<Signal, SignalInfo> = {
  metrics: {
    httpPath: "/v1/metrics",
    grpcPath: "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
    request: ExportMetricsServiceRequest,
    response: ExportMetricsServiceResponse,
    countField: "rejectedDataPoints",
  },
  logs: {
    httpPath: "/v1/logs",
    grpcPath: "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
    request: ExportLogsServiceRequest,
    response: ExportLogsServiceResponse,
    countField: "rejectedLogRecords",
  },
};

// ---- OTLP/JSON values from plain JS values -------------------------------------------------

/** A plain value: string, boolean, bigint (→ intValue), number (→ doubleValue), array, object (→ kvlist), bytes, null. */
export type Plain = string | boolean | bigint | number | null | Uint8Array | Plain[] | { [key: string]: Plain };

export type Json = Record<string, unknown>;

export function anyValue(v: Plain): Json {
  if (v === null) return {};
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (typeof v === "bigint") return { intValue: v.toString() };
  if (typeof v === "number") return { doubleValue: Number.isFinite(v) ? v : String(v) };
  if (v instanceof Uint8Array) return { bytesValue: Buffer.from(v).toString("base64") };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { kvlistValue: { values: attributes(v) } };
}

export function attributes(o: Record<string, Plain>): Json[] {
  return Object.entries(o).map(([key, value]) => ({ key, value: anyValue(value) }));
}

// ---- metrics requests ----------------------------------------------------------------------

export interface NumberPointSpec {
  /** number → asDouble (NaN and ±Infinity as their OTLP/JSON strings), bigint → asInt, null → no value. */
  value: number | bigint | null;
  time: bigint;
  start?: bigint;
  attributes?: Record<string, Plain>;
  flags?: number;
}

export function numberPoint(p: NumberPointSpec): Json {
  const out: Json = { timeUnixNano: p.time.toString(), attributes: attributes(p.attributes ?? {}) };
  if (p.start !== undefined) out.startTimeUnixNano = p.start.toString();
  if (typeof p.value === "bigint") out.asInt = p.value.toString();
  else if (typeof p.value === "number") out.asDouble = Number.isFinite(p.value) ? p.value : String(p.value);
  if (p.flags !== undefined) out.flags = p.flags;
  return out;
}

export const DELTA = 1;
export const CUMULATIVE = 2;

export function gauge(name: string, points: NumberPointSpec[]): Json {
  return { name, gauge: { dataPoints: points.map(numberPoint) } };
}

export function sum(name: string, points: NumberPointSpec[], options: { temporality: number; monotonic: boolean }): Json {
  return { name, sum: { aggregationTemporality: options.temporality, isMonotonic: options.monotonic, dataPoints: points.map(numberPoint) } };
}

export interface HistogramPointSpec {
  time: bigint;
  count: bigint;
  sum?: number;
  min?: number;
  max?: number;
  bounds: number[];
  counts: bigint[];
  attributes?: Record<string, Plain>;
}

export function histogram(name: string, points: HistogramPointSpec[], temporality = CUMULATIVE): Json {
  return {
    name,
    histogram: {
      aggregationTemporality: temporality,
      dataPoints: points.map((p) => ({
        timeUnixNano: p.time.toString(),
        attributes: attributes(p.attributes ?? {}),
        count: p.count.toString(),
        ...(p.sum === undefined ? {} : { sum: p.sum }),
        ...(p.min === undefined ? {} : { min: p.min }),
        ...(p.max === undefined ? {} : { max: p.max }),
        explicitBounds: p.bounds,
        bucketCounts: p.counts.map(String),
      })),
    },
  };
}

/** An ExportMetricsServiceRequest: one resource, one scope. */
export function metricsRequest(resource: Record<string, Plain>, metrics: Json[], scopeName = "test-scope"): Json {
  return { resourceMetrics: [{ resource: { attributes: attributes(resource) }, scopeMetrics: [{ scope: { name: scopeName }, metrics }] }] };
}

/** An ExportLogsServiceRequest: one resource, one scope. */
export function logsRequest(resource: Record<string, Plain>, logRecords: Json[], scopeName = "test-scope"): Json {
  return { resourceLogs: [{ resource: { attributes: attributes(resource) }, scopeLogs: [{ scope: { name: scopeName }, logRecords }] }] };
}

// ---- protobuf ------------------------------------------------------------------------------

const ID_FIELDS = new Set(["traceId", "spanId"]);

/**
 * OTLP/JSON request text → protobuf bytes of the same request, via the project's .proto files:
 * hex ids become bytes, base64 bytesValue becomes bytes, "NaN"/"Infinity" doubles and string
 * int64s are read by protobufjs itself.
 */
export function jsonTextToProtobuf(signal: Signal, text: string): Uint8Array {
  const type = SIGNALS[signal].request;
  const request = JSON.parse(text, (key, value: unknown) => {
    if (typeof value !== "string") return value;
    if (ID_FIELDS.has(key)) return Buffer.from(value, "hex");
    if (key === "bytesValue") return Buffer.from(value, "base64");
    return value;
  }) as Json;
  // Hostile tests nest values deeper than protobufjs' default limit for building messages;
  // the limit is raised for this encoding only (the collector's decoder has its own).
  const limit = protobuf.util.recursionLimit;
  protobuf.util.recursionLimit = 100_000;
  try {
    const message = type.fromObject(request);
    const problem = type.verify(message);
    if (problem) throw new Error(`not an ${type.name}: ${problem}`);
    return type.encode(message).finish();
  } finally {
    protobuf.util.recursionLimit = limit;
  }
}

// ---- one export over any transport ---------------------------------------------------------

export type Transport = "http/json" | "http/json+gzip" | "http/protobuf" | "http/protobuf+gzip" | "grpc" | "grpc+gzip";
export const TRANSPORTS: readonly Transport[] = ["http/json", "http/json+gzip", "http/protobuf", "http/protobuf+gzip", "grpc", "grpc+gzip"];

/** What the sender learns: accepted (HTTP 200 / gRPC OK) with the partial_success count, or refused. */
export interface ExportOutcome {
  accepted: boolean;
  /** HTTP status, or for gRPC the status code. */
  status: number;
  rejected: number;
  message: string;
}

/** Sends one OTLP request (given as OTLP/JSON text) to the collector over `transport`. */
export async function exportVia(c: TestCollector, transport: Transport, signal: Signal, jsonText: string): Promise<ExportOutcome> {
  const info = SIGNALS[signal];
  if (transport.startsWith("grpc")) {
    return grpcExport(c, info, jsonTextToProtobuf(signal, jsonText), transport === "grpc+gzip");
  }
  const gzip = transport.endsWith("+gzip");
  const protobufBody = transport.startsWith("http/protobuf");
  const res = await post(c.httpUrl, info.httpPath, protobufBody ? jsonTextToProtobuf(signal, jsonText) : jsonText, {
    contentType: protobufBody ? "application/x-protobuf" : "application/json",
    gzip,
  });
  if (res.status !== 200) {
    const status = protobufBody
      ? (RpcStatus.toObject(RpcStatus.decode(res.body), { defaults: true }) as { message: string })
      : (JSON.parse(res.body.toString("utf8")) as { message: string });
    return { accepted: false, status: res.status, rejected: 0, message: status.message };
  }
  if (protobufBody) return { accepted: true, status: 200, ...partialSuccessProtobuf(info, res.body) };
  const body = JSON.parse(res.body.toString("utf8")) as { partialSuccess?: Record<string, string> };
  const partial = body.partialSuccess ?? {};
  return { accepted: true, status: 200, rejected: Number(partial[info.countField] ?? 0), message: partial.errorMessage ?? "" };
}

function partialSuccessProtobuf(info: SignalInfo, body: Uint8Array): { rejected: number; message: string } {
  const decoded = info.response.toObject(info.response.decode(body), { longs: String, defaults: false }) as { partialSuccess?: Record<string, string> };
  const partial = decoded.partialSuccess ?? {};
  return { rejected: Number(partial[info.countField] ?? 0), message: partial.errorMessage ?? "" };
}

const identity = (b: Buffer): Buffer => b;

function grpcExport(c: TestCollector, info: SignalInfo, body: Uint8Array, gzip: boolean): Promise<ExportOutcome> {
  assert.ok(c.grpcAddress, "the test collector has no gRPC listener");
  const client = new grpc.Client(c.grpcAddress, grpc.credentials.createInsecure(), gzip ? { "grpc.default_compression_algorithm": 2 } : {});
  return new Promise((resolve) => {
    client.makeUnaryRequest(info.grpcPath, identity, identity, Buffer.from(body), { deadline: Date.now() + 60_000 }, (err, response) => {
      client.close();
      if (err) resolve({ accepted: false, status: err.code, rejected: 0, message: err.details });
      else resolve({ accepted: true, status: grpc.status.OK, ...partialSuccessProtobuf(info, response ?? Buffer.alloc(0)) });
    });
  });
}

export { grpc };

// ---- reading back --------------------------------------------------------------------------

/** GET an API path, asserting a 200, and parse the JSON. */
export async function apiJson<T = any>(c: TestCollector, path: string): Promise<T> {
  const res = await get(c.httpUrl, path);
  assert.equal(res.status, 200, `${path}: ${res.body.toString().slice(0, 500)}`);
  return res.json() as T;
}

/** A series summary as the API returns it (GET /api/runs/{id}, /api/metrics, distributions). */
export interface SeriesJson {
  seriesId: string;
  runId: string;
  name: string;
  kind: string;
  context: Record<string, unknown>;
  unit: string;
  description: string;
  temporality: string;
  monotonic: boolean;
  valueType: "int" | "double" | null;
  pointCount: number;
  last: { step: number | null; timeUnixNano: string; value: number | string | null } | null;
  min: number | string | null;
  max: number | string | null;
}

export interface SeriesPointsJson {
  series: SeriesJson;
  x: string;
  downsampled: boolean;
  totalPoints: number;
  points: { step: number[]; epoch: Array<number | null>; time: string[]; value: Array<number | string> };
}

/** A number as the API writes it: NaN and ±Infinity as strings. */
export function apiNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

/**
 * The implicit run id, computed here from docs/mapping.md (not from the collector's code):
 * "auto-" + the first 20 hex digits of SHA-256 over `key=value` lines of service.name,
 * service.instance.id, host.name and process.pid.
 */
export function documentedImplicitRunId(resource: Record<string, string | number | undefined>): string {
  const lines = ["service.name", "service.instance.id", "host.name", "process.pid"].map((k) => `${k}=${resource[k] ?? ""}`);
  return "auto-" + createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 20);
}

/** Row counts of the metric tables (the whole database of one test file). */
export async function metricRowCounts(c: TestCollector): Promise<{ series: number; points: number; distributions: number }> {
  const { rows } = await c.pool.query<{ series: string; points: string; distributions: string }>(
    `SELECT (SELECT count(*) FROM metric_series) AS series, (SELECT count(*) FROM metric_points) AS points,
            (SELECT count(*) FROM metric_distributions) AS distributions`,
  );
  const r = rows[0]!;
  return { series: Number(r.series), points: Number(r.points), distributions: Number(r.distributions) };
}

/**
 * What the API shows for an OTLP/JSON AnyValue, in the form parseLosslessJson (support/lossless-json.ts)
 * reads it: ints as bigint, doubles as number, kvlists as objects, bytes as {"$bytes": base64}.
 */
export function expectedApiValue(v: unknown): LosslessJson {
  const o = (v ?? {}) as Record<string, unknown>;
  if (o.stringValue !== undefined) return o.stringValue as string;
  if (o.boolValue !== undefined) return o.boolValue as boolean;
  if (o.intValue !== undefined) return BigInt(o.intValue as string | number);
  if (o.doubleValue !== undefined) {
    const d = Number(o.doubleValue);
    return Number.isFinite(d) ? d : { $double: String(d) };
  }
  if (o.bytesValue !== undefined) return { $bytes: Buffer.from(o.bytesValue as string, "base64").toString("base64") };
  if (o.arrayValue !== undefined) return (((o.arrayValue as { values?: unknown[] }).values) ?? []).map(expectedApiValue);
  if (o.kvlistValue !== undefined) return expectedApiAttributes((o.kvlistValue as { values?: unknown[] }).values ?? []);
  return null;
}

export function expectedApiAttributes(list: unknown[] | undefined): { [key: string]: LosslessJson } {
  const out: { [key: string]: LosslessJson } = {};
  for (const kv of list ?? []) {
    const { key, value } = kv as { key: string; value: unknown };
    out[key] = expectedApiValue(value);
  }
  return out;
}
