import type { AnyValue, Attributes } from "./any-value.ts";
import type { InstrumentationScope, Resource } from "./trace.ts";

export interface LogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  /** SeverityNumber 0–24 (0 unspecified); unknown values are kept as sent. */
  severityNumber: number;
  severityText: string;
  body: AnyValue;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
  /** Lowercase hex, "" when absent. */
  traceId: string;
  spanId: string;
  /** The event name of a log event ("" for a plain log record). */
  eventName: string;
}

export interface ScopeLogs {
  scope: InstrumentationScope;
  schemaUrl: string;
  logRecords: LogRecord[];
}

export interface ResourceLogs {
  resource: Resource;
  schemaUrl: string;
  scopeLogs: ScopeLogs[];
}

/** One decoded OTLP ExportLogsServiceRequest. */
export interface LogsBatch {
  resourceLogs: ResourceLogs[];
}
