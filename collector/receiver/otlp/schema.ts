import { join } from "node:path";
import protobuf from "protobufjs";
import { packageRoot } from "../../package-root.ts";
import { MAX_VALUE_DEPTH } from "./span-validation.ts";

/**
 * Each level of an AnyValue kvlist is three protobuf messages deep (AnyValue → KeyValueList →
 * KeyValue). protobufjs' default limit of 100 would refuse a whole request for values the JSON
 * path accepts; with room for MAX_VALUE_DEPTH levels, both paths reject just the offending item.
 * (Only logs still decode through protobufjs; traces and metrics read the wire directly.)
 */
protobuf.Reader.recursionLimit = 3 * MAX_VALUE_DEPTH + 32;

/** Loads the project's own OTLP .proto definitions (collector/receiver/otlp/proto) once. */
const root = new protobuf.Root();
const dir = join(packageRoot(), "collector", "receiver", "otlp", "proto");
root.resolvePath = (_origin, target) => join(dir, target);
root.loadSync([
  "opentelemetry/proto/collector/trace/v1/trace_service.proto",
  "opentelemetry/proto/collector/metrics/v1/metrics_service.proto",
  "opentelemetry/proto/collector/logs/v1/logs_service.proto",
  "google/rpc/status.proto",
]);
root.resolveAll();

export const ExportTraceServiceRequest = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest");
export const ExportTraceServiceResponse = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse");
export const RpcStatus = root.lookupType("google.rpc.Status");
export const otlpRoot = root;
export const ExportMetricsServiceRequest = root.lookupType("opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest");
export const ExportMetricsServiceResponse = root.lookupType("opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse");
export const ExportLogsServiceRequest = root.lookupType("opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest");
export const ExportLogsServiceResponse = root.lookupType("opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse");
