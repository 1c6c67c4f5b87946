import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, createTraceState, trace, type Attributes, type SpanContext } from "@opentelemetry/api";
import type { ExportResult } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { randomBytes } from "node:crypto";
import { ResultRecordingExporter } from "../support/official-exporters.ts";

/**
 * The trace every official exporter sends in the conformance tests: root (server) → child
 * (client, status ERROR, events, links, explicit nanosecond times) → grandchild (producer, in a
 * second instrumentation scope), plus a consumer span in another trace that the child links to.
 * Attributes of every type the JS SDK can express are on the root, the resource and events.
 */

/** Every attribute value type the JS API accepts (string, boolean, number, homogeneous arrays of them). */
export const EVERY_ATTRIBUTE_TYPE: Attributes = {
  "str": "héllo wörld ✓ <b>&amp;</b> \"quoted\" \\ back\nslash",
  "str.empty": "",
  "bool.true": true,
  "bool.false": false,
  "int": 42,
  "int.negative": -17,
  "int.zero": 0,
  "int.max_safe": Number.MAX_SAFE_INTEGER,
  // 2^62 is an exact double; 2^62 - 1 is not (JS would round it to 2^62), so the SDK can only send these.
  "int.2^62": 2 ** 62,
  "int.-2^62+1024": -(2 ** 62) + 1024,
  "double": 3.14159,
  "double.negative": -0.001,
  "double.smallest": 5e-324,
  "double.below_2^53": 123456.789,
  // The JS SDK cannot express an integral double: 2.0 === 2 in JS and it is sent as intValue 2.
  "double.integral": 2.0,
  "array.string": ["a", "", "ü"],
  "array.int": [1, -2, 3],
  "array.double": [0.5, 1.25],
  "array.int_and_double": [1, 2.5],
  "array.bool": [true, false],
  "array.empty": [],
  "array.with_null": ["a", null, "c"],
};

export const RESOURCE_ATTRIBUTES: Attributes = {
  "service.name": "conformance-shop",
  "service.version": "1.2.3",
  "host.cpu.count": 2,
  "process.load": 0.75,
  "feature.enabled": true,
  "cloud.regions": ["eu-west-1", "us-east-1"],
};

export interface SentTrace {
  /** Every span the provider finished, as the SDK recorded it. */
  spans: ReadableSpan[];
  traceId: string;
  /** The trace of the span the child links to. */
  linkedTraceId: string;
  /** Every export call's result, in order. */
  results: ExportResult[];
}

/** Records the scenario with a provider that exports through `exporter` (batched) and keeps a copy in memory. */
export async function sendNestedTrace(exporter: SpanExporter): Promise<SentTrace> {
  const recording = new ResultRecordingExporter(exporter);
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(RESOURCE_ATTRIBUTES, { schemaUrl: "https://opentelemetry.io/schemas/1.26.0" }),
    // Small limits so the SDK itself drops events, links and event attributes, and says so in counts.
    spanLimits: { eventCountLimit: 3, linkCountLimit: 2, attributePerEventCountLimit: 4, attributePerLinkCountLimit: 3 },
    spanProcessors: [new BatchSpanProcessor(recording), new SimpleSpanProcessor(memory)],
  });
  try {
    const app = provider.getTracer("conformance-app", "2.0.1", { schemaUrl: "https://opentelemetry.io/schemas/1.26.0" });
    const messaging = provider.getTracer("conformance-messaging", "0.3.0");

    const consumer = app.startSpan("consume order.created", { kind: SpanKind.CONSUMER });
    consumer.end();

    const root = app.startSpan("POST /checkout", { kind: SpanKind.SERVER, attributes: EVERY_ATTRIBUTE_TYPE });
    const rootContext = trace.setSpan(ROOT_CONTEXT, root);

    const nowSeconds = Math.floor(Date.now() / 1000);
    const remote: SpanContext = {
      traceId: randomBytes(16).toString("hex"),
      spanId: randomBytes(8).toString("hex"),
      traceFlags: TraceFlags.NONE,
      isRemote: true,
      traceState: createTraceState("vendor1=abc,vendor2=x-y_z"),
    };
    const child = app.startSpan(
      "charge card",
      {
        kind: SpanKind.CLIENT,
        startTime: [nowSeconds, 123_456_789],
        links: [
          { context: { ...remote, spanId: randomBytes(8).toString("hex") } }, // pushed out by linkCountLimit
          { context: consumer.spanContext(), attributes: { "link.reason": "caused-by", "link.weight": 0.5, "link.count": 3, "link.extra": "dropped" } },
          { context: remote, attributes: { "link.remote": true } },
        ],
      },
      rootContext,
    );
    child.addEvent("dropped by eventCountLimit");
    child.addEvent("retry", { "retry.attempt": 1, "retry.backoff_ms": 12.5, "retry.reason": "timeout", "retry.final": false, "retry.tags": ["a", "b"] }, [nowSeconds, 500_000_001]);
    child.addEvent("no attributes");
    child.recordException(new TypeError("card declined: insufficient funds"));
    child.setStatus({ code: SpanStatusCode.ERROR, message: "card declined: insufficient funds" });

    const grandchild = messaging.startSpan("publish order.created", { kind: SpanKind.PRODUCER, attributes: { "messaging.system": "kafka", "messaging.batch.message_count": 1 } }, trace.setSpan(rootContext, child));
    grandchild.setStatus({ code: SpanStatusCode.OK });
    grandchild.end();
    child.end([nowSeconds + 1, 987_654_321]);
    root.end();

    await provider.forceFlush();
    return { spans: memory.getFinishedSpans(), traceId: root.spanContext().traceId, linkedTraceId: consumer.spanContext().traceId, results: recording.results };
  } finally {
    await provider.shutdown();
  }
}
