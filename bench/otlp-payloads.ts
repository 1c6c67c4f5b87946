import type { TraceBatch } from "../collector/model/trace.ts";
import { normalizeTraces } from "../collector/normalize/normalize-traces.ts";
import { traceBatchToOtlpJson } from "../collector/receiver/otlp/encode-json.ts";
import { ExportTraceServiceRequest } from "../collector/receiver/otlp/schema.ts";
import { encodeSpans } from "../collector/storage/span-rows.ts";

/** The wire formats the benchmark sends, encoded before timing starts. */
export type Format = "protobuf" | "json";

export const CONTENT_TYPE: Record<Format, string> = { protobuf: "application/x-protobuf", json: "application/json" };

/** The model → an OTLP/HTTP request body (the collector's own OTLP/JSON writer; protobuf via its .proto). */
export function encodeRequest(batch: TraceBatch, format: Format): Buffer {
  const json = traceBatchToOtlpJson(batch);
  if (format === "json") return Buffer.from(JSON.stringify(json));
  const message = ExportTraceServiceRequest.fromObject(idsToBytes(json) as Record<string, unknown>);
  const bytes = ExportTraceServiceRequest.encode(message).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** The rows the collector would COPY for this batch: the baseline feeds Postgres exactly these. */
export function encodeCopyText(batch: TraceBatch): string {
  return encodeSpans(normalizeTraces(batch)).copyText;
}

const ID_FIELDS = new Set(["traceId", "spanId", "parentSpanId"]);

/** OTLP/JSON writes ids as hex; protobuf carries them as bytes. */
function idsToBytes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(idsToBytes);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = ID_FIELDS.has(k) && typeof v === "string" ? Buffer.from(v, "hex") : idsToBytes(v);
  return out;
}
