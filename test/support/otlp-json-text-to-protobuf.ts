import { ExportTraceServiceRequest } from "../../collector/receiver/otlp/schema.ts";

const ID_FIELDS = new Set(["traceId", "spanId", "parentSpanId"]);

/**
 * OTLP/JSON request text → protobuf bytes carrying exactly the same values, via the project's
 * .proto definitions. Unlike jsonRequestToProtobuf (test/support/otlp.ts), it reads the text once
 * with no JSON.stringify round trip, so a doubleValue of -0.0 keeps its sign. Hex ids become bytes;
 * bytesValue may be standard or url-safe base64 (protobufjs's fromObject reads only standard).
 */
export function otlpJsonTextToProtobuf(text: string): Uint8Array {
  const request = JSON.parse(text, (key, value: unknown) => {
    if (typeof value !== "string") return value;
    if (ID_FIELDS.has(key)) return Buffer.from(value, "hex");
    if (key === "bytesValue") return Buffer.from(value, "base64url");
    return value;
  }) as Record<string, unknown>;
  const message = ExportTraceServiceRequest.fromObject(request);
  const problem = ExportTraceServiceRequest.verify(message);
  if (problem) throw new Error(`not an ExportTraceServiceRequest: ${problem}`);
  return ExportTraceServiceRequest.encode(message).finish();
}
