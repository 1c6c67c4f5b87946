import type { TraceBatch } from "../../model/trace.ts";
import type { TraceConsumer } from "../../pipeline/consumer.ts";
import { decodeTraceRequestJson } from "./decode-json.ts";
import { decodeTraceRequestProtobuf } from "./decode-protobuf.ts";
import { encodeExportResponse } from "./export-response.ts";
import { ExportTraceServiceResponse } from "./schema.ts";
import type { OtlpSignal } from "./signal.ts";

export function tracesSignal(consumer: TraceConsumer): OtlpSignal<TraceBatch> {
  return {
    name: "traces",
    httpPath: "/v1/traces",
    grpcMethodPath: "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
    decode: (body, format) => (format === "protobuf" ? decodeTraceRequestProtobuf(body) : decodeTraceRequestJson(body)),
    consume: (batch) => consumer.consumeTraces(batch),
    encodeResponse: (rejected, format) => encodeExportResponse(ExportTraceServiceResponse, "rejectedSpans", rejected, format),
  };
}

