import type { Instrumentation } from "@opentelemetry/instrumentation";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { otlpHeaders, signalUrl } from "./otlp-env.ts";
import { RunLogRecordProcessor, RunSpanProcessor } from "./run-processors.ts";

export interface RegisterOptions {
  /** OTLP/HTTP base URL. Default: OTEL_EXPORTER_OTLP_ENDPOINT, else http://127.0.0.1:4318. */
  endpoint?: string;
  /** service.name; default: OTEL_SERVICE_NAME, else the SDK's default. */
  serviceName?: string;
  /** The Sightline project (resource attribute sightline.project). */
  project?: string;
  /** More resource attributes (OTEL_RESOURCE_ATTRIBUTES is read too). */
  resourceAttributes?: Record<string, string | number | boolean | string[]>;
  /** OpenTelemetry instrumentations to enable, e.g. new LangChainInstrumentation(). */
  instrumentations?: Instrumentation[];
  /** How often the metrics SDK exports (ms). Default 10 000. */
  metricExportIntervalMs?: number;
}

export interface Registration {
  /** Exports what is buffered. */
  forceFlush(): Promise<void>;
  /** Flushes and stops the SDK. */
  shutdown(): Promise<void>;
}

/**
 * Sets up the OpenTelemetry Node SDK — traces, metrics and logs over OTLP/HTTP protobuf — to send
 * to Sightline, honouring the standard OTEL_* environment variables. Spans and log records made
 * while a Run is active carry its id.
 */
export function register(options: RegisterOptions = {}): Registration {
  const headers = otlpHeaders();
  const attributes: Record<string, string | number | boolean | string[]> = { ...options.resourceAttributes };
  if (options.serviceName) attributes["service.name"] = options.serviceName;
  if (options.project) attributes["sightline.project"] = options.project;
  const traceExporter = new OTLPTraceExporter({ url: signalUrl("traces", options.endpoint), headers });
  const logExporter = new OTLPLogExporter({ url: signalUrl("logs", options.endpoint), headers });
  const sdk = new NodeSDK({
    resource: resourceFromAttributes(attributes),
    spanProcessors: [new RunSpanProcessor(), new BatchSpanProcessor(traceExporter)],
    metricReaders: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: signalUrl("metrics", options.endpoint), headers }),
        exportIntervalMillis: options.metricExportIntervalMs ?? 10_000,
      }),
    ],
    logRecordProcessors: [new RunLogRecordProcessor(), new BatchLogRecordProcessor({ exporter: logExporter })],
    instrumentations: options.instrumentations ?? [],
  });
  sdk.start();
  return {
    async forceFlush() {
      // NodeSDK has no flush of its own: flush the global providers it installed.
      const { trace, metrics } = await import("@opentelemetry/api");
      const { logs } = await import("@opentelemetry/api-logs");
      const flushable = (x: unknown): x is { forceFlush(): Promise<void> } => typeof (x as { forceFlush?: unknown })?.forceFlush === "function";
      const providers = [unwrap(trace.getTracerProvider()), metrics.getMeterProvider(), logs.getLoggerProvider()];
      await Promise.all(providers.filter(flushable).map((p) => p.forceFlush()));
    },
    shutdown: () => sdk.shutdown(),
  };
}

/** The global tracer provider is a proxy around the SDK's. */
function unwrap(provider: unknown): unknown {
  const delegate = (provider as { getDelegate?: () => unknown }).getDelegate;
  return typeof delegate === "function" ? delegate.call(provider) : provider;
}
