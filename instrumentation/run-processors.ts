import type { Context } from "@opentelemetry/api";
import type { LogRecordProcessor, SdkLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { currentRunId, RUN_ID_ATTRIBUTE } from "./run-context.ts";

/** Stamps spans started while a run is active with `sightline.run.id`, so the collector files them under that run. */
export class RunSpanProcessor implements SpanProcessor {
  onStart(span: Span, _parentContext: Context): void {
    const runId = currentRunId();
    if (runId !== undefined && span.attributes[RUN_ID_ATTRIBUTE] === undefined) span.setAttribute(RUN_ID_ATTRIBUTE, runId);
  }
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The same for log records emitted through the OpenTelemetry Logs API. */
export class RunLogRecordProcessor implements LogRecordProcessor {
  onEmit(record: SdkLogRecord, _context?: Context): void {
    const runId = currentRunId();
    if (runId !== undefined && record.attributes[RUN_ID_ATTRIBUTE] === undefined) record.setAttribute(RUN_ID_ATTRIBUTE, runId);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
