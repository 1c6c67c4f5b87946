import type { LogsBatch } from "../../model/logs.ts";
import type { LogsConsumer } from "../../pipeline/consumer.ts";
import { decodeLogsRequestJson } from "./logs/decode-json.ts";
import { decodeLogsRequestProtobuf } from "./logs/decode-protobuf.ts";
import { encodeExportResponse } from "./export-response.ts";
import { ExportLogsServiceResponse } from "./schema.ts";
import type { OtlpSignal } from "./signal.ts";

export function logsSignal(consumer: LogsConsumer): OtlpSignal<LogsBatch> {
  return {
    name: "logs",
    httpPath: "/v1/logs",
    grpcMethodPath: "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
    decode: (body, format) => (format === "protobuf" ? decodeLogsRequestProtobuf(body) : decodeLogsRequestJson(body)),
    consume: (batch) => consumer.consumeLogs(batch),
    encodeResponse: (rejected, format) => encodeExportResponse(ExportLogsServiceResponse, "rejectedLogRecords", rejected, format),
  };
}

