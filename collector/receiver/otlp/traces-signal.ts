import type { TraceBatch } from "../../model/trace.ts";
import type { TraceConsumer } from "../../pipeline/consumer.ts";
import { decodeTraceRequestJson } from "./decode-json.ts";
import { decodeTraceRequestProtobuf } from "./decode-protobuf.ts";
import type { Rejections } from "./rejections.ts";
import { ExportTraceServiceResponse } from "./schema.ts";
import type { OtlpFormat, OtlpSignal } from "./signal.ts";

export function tracesSignal(consumer: TraceConsumer): OtlpSignal<TraceBatch> {
  return {
    name: "traces",
    httpPath: "/v1/traces",
    grpcMethodPath: "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
    decode: (body, format) => (format === "protobuf" ? decodeTraceRequestProtobuf(body) : decodeTraceRequestJson(body)),
    consume: (batch) => consumer.consumeTraces(batch),
    encodeResponse: (rejected, format) => encodeTraceResponse(rejected, format),
  };
}

/** ExportTraceServiceResponse: empty on full success, partial_success when spans were dropped. */
export function encodeTraceResponse(rejected: Rejections, format: OtlpFormat): Uint8Array {
  const partial = rejected.count > 0 ? { rejectedSpans: rejected.count, errorMessage: rejected.message() } : undefined;
  if (format === "json") {
    const body = partial ? { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage } } : {};
    return Buffer.from(JSON.stringify(body));
  }
  return ExportTraceServiceResponse.encode(ExportTraceServiceResponse.create(partial ? { partialSuccess: partial } : {})).finish();
}
