import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { ExportMetricsServiceRequest, ExportTraceServiceRequest } from "../../collector/receiver/otlp/schema.ts";

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
  json<T = any>(): T;
}

/** POSTs raw bytes to an OTLP/HTTP path and returns the whole answer. */
export async function post(
  baseUrl: string,
  path: string,
  body: Uint8Array | string,
  options: { contentType?: string; gzip?: boolean; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  const bytes = typeof body === "string" ? Buffer.from(body) : Buffer.from(body);
  const headers: Record<string, string> = { "content-type": options.contentType ?? "application/json", ...options.headers };
  let payload: Buffer = bytes;
  if (options.gzip) {
    payload = gzipSync(bytes);
    headers["content-encoding"] = "gzip";
  }
  const res = await fetch(baseUrl + path, { method: "POST", body: payload, headers });
  return answer(res);
}

export async function get(baseUrl: string, path: string): Promise<HttpAnswer> {
  return answer(await fetch(baseUrl + path));
}

async function answer(res: Response): Promise<HttpAnswer> {
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body, json: () => JSON.parse(body.toString("utf8")) };
}

export function traceId(): string {
  return randomBytes(16).toString("hex");
}

export function spanId(): string {
  return randomBytes(8).toString("hex");
}

/** An OTLP/JSON span with sensible defaults. */
export function jsonSpan(fields: Record<string, unknown> & { traceId: string; spanId: string }): Record<string, unknown> {
  return {
    name: "span",
    kind: 1,
    startTimeUnixNano: "1700000000000000000",
    endTimeUnixNano: "1700000001000000000",
    ...fields,
  };
}

/** An OTLP/JSON ExportTraceServiceRequest with one resource and one scope. */
export function jsonTraceRequest(spans: Array<Record<string, unknown>>, resourceAttributes: Record<string, string> = { "service.name": "test-service" }): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: Object.entries(resourceAttributes).map(([key, value]) => ({ key, value: { stringValue: value } })) },
        scopeSpans: [{ scope: { name: "test-scope", version: "1.0.0" }, spans }],
      },
    ],
  };
}

const REQUEST_TYPES = { traces: ExportTraceServiceRequest, metrics: ExportMetricsServiceRequest };

/**
 * OTLP/JSON request → protobuf bytes via the project's .proto definitions (hex ids — spans, links,
 * exemplars — converted first; string int64s, base64 bytes and "NaN"/"Infinity" doubles read by
 * protobufjs). An ExportTraceServiceRequest unless `signal` says "metrics". For hand-made edge
 * cases; conformance tests use the official exporters.
 */
export function jsonRequestToProtobuf(request: Record<string, unknown>, signal: keyof typeof REQUEST_TYPES = "traces"): Uint8Array {
  const converted = JSON.parse(JSON.stringify(request), (key, value: unknown) =>
    typeof value === "string" && ["traceId", "spanId", "parentSpanId"].includes(key) ? Buffer.from(value, "hex").toString("base64") : value,
  ) as Record<string, unknown>;
  const type = REQUEST_TYPES[signal];
  return type.encode(type.fromObject(converted)).finish();
}
