import type { ExportResult } from "@opentelemetry/core";
import { OTLPTraceExporter as GrpcTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { OTLPTraceExporter as HttpJsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as HttpProtoTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";

/** The official OpenTelemetry JS OTLP trace exporters, as a table tests loop over. */

export type Transport = "http/json" | "http/protobuf" | "grpc";

export interface ExporterCase {
  transport: Transport;
  gzip: boolean;
  /** "http/json", "http/protobuf+gzip", … */
  name: string;
}

export const TRANSPORTS: readonly Transport[] = ["http/json", "http/protobuf", "grpc"];

/** Every transport, without and with gzip. */
export const EXPORTER_CASES: readonly ExporterCase[] = TRANSPORTS.flatMap((transport) =>
  [false, true].map((gzip) => ({ transport, gzip, name: gzip ? `${transport}+gzip` : transport })),
);

// The exporters type `compression` as CompressionAlgorithm, an enum of @opentelemetry/otlp-exporter-base
// (not a direct dependency); its values are the strings "none" and "gzip".
type HttpCompression = NonNullable<NonNullable<ConstructorParameters<typeof HttpJsonTraceExporter>[0]>["compression"]>;
type GrpcCompression = NonNullable<NonNullable<ConstructorParameters<typeof GrpcTraceExporter>[0]>["compression"]>;

/**
 * An exporter of the case's kind sending to a collector at 127.0.0.1:`port` (its HTTP port for
 * OTLP/HTTP, its gRPC port for OTLP/gRPC). Compression is always set explicitly, so
 * OTEL_EXPORTER_OTLP_* variables in the environment cannot change what the test sends.
 */
export function createOfficialExporter(kase: ExporterCase, port: number): SpanExporter {
  const compression = kase.gzip ? "gzip" : "none";
  switch (kase.transport) {
    case "http/json":
      return new HttpJsonTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces`, compression: compression as HttpCompression });
    case "http/protobuf":
      return new HttpProtoTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces`, compression: compression as HttpCompression });
    case "grpc":
      return new GrpcTraceExporter({ url: `http://127.0.0.1:${port}`, compression: compression as GrpcCompression });
  }
}

/** Passes everything to the real exporter and keeps each export's result (what the user's SDK sees). */
export class ResultRecordingExporter implements SpanExporter {
  readonly results: ExportResult[] = [];
  constructor(readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      this.results.push(result);
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** One export call on an exporter, as a promise of its result. */
export function exportOnce(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}
