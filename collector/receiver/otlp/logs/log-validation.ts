import type { LogRecord } from "../../../model/logs.ts";
import { MAX_NANOS } from "../span-validation.ts";

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/** Why a log record is refused, or null. Trace and span ids are optional, but must be well formed when present. */
export function logRecordProblem(r: LogRecord): string | null {
  if (r.timeUnixNano > MAX_NANOS || r.observedTimeUnixNano > MAX_NANOS) return "log record time beyond year 2262";
  if (r.traceId !== "" && !TRACE_ID.test(r.traceId)) return `invalid trace id "${r.traceId.slice(0, 40)}" on a log record`;
  if (r.spanId !== "" && !SPAN_ID.test(r.spanId)) return `invalid span id "${r.spanId.slice(0, 40)}" on a log record`;
  return null;
}
