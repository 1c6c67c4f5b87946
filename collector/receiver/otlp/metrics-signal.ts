import { OverloadedError } from "../../errors.ts";
import type { MetricsBatch } from "../../model/metrics.ts";
import type { MetricsConsumer } from "../../pipeline/consumer.ts";
import { decodeMetricsRequestJson } from "./metrics/decode-json.ts";
import { decodeMetricsRequestProtobuf } from "./metrics/decode-protobuf.ts";
import { encodeExportResponse } from "./export-response.ts";
import { ExportMetricsServiceResponse } from "./schema.ts";
import type { OtlpSignal } from "./signal.ts";

export function metricsSignal(consumer: MetricsConsumer): OtlpSignal<MetricsBatch> {
  return {
    name: "metrics",
    httpPath: "/v1/metrics",
    grpcMethodPath: "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
    decode: (body, format) => {
      // A full write queue would refuse the batch after all the work of decoding it: refuse first.
      // Under overload this keeps the collector's time for the requests it can take.
      if (consumer.saturated?.()) throw new OverloadedError("write queue full");
      return format === "protobuf" ? decodeMetricsRequestProtobuf(body) : decodeMetricsRequestJson(body);
    },
    consume: (batch) => consumer.consumeMetrics(batch),
    encodeResponse: (rejected, format) => encodeExportResponse(ExportMetricsServiceResponse, "rejectedDataPoints", rejected, format),
  };
}

