import type { Span } from "../../model/trace.ts";

/** The largest value a Postgres bigint holds; OTLP times are uint64 but no real clock exceeds this (year 2262). */
export const MAX_NANOS = (1n << 63n) - 1n;
/** AnyValue nesting deeper than this is refused: no real instrumentation nests this deep, and recursion must stay bounded. */
export const MAX_VALUE_DEPTH = 64;

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE_ID = "0".repeat(32);
const ZERO_SPAN_ID = "0".repeat(16);

/** A span problem that makes the receiver drop the span and count it in partial_success. */
export class InvalidSpanError extends Error {}

/**
 * Checks what the OTLP spec requires of a span's identity and times. Returns the reason to
 * reject it, or null. An all-zero parent id means "no parent" and is normalised to "".
 */
export function spanProblem(span: Span): string | null {
  if (!TRACE_ID.test(span.traceId)) return `invalid trace id "${clip(span.traceId)}": want 16 bytes`;
  if (span.traceId === ZERO_TRACE_ID) return "invalid trace id: all zero";
  if (!SPAN_ID.test(span.spanId)) return `invalid span id "${clip(span.spanId)}": want 8 bytes`;
  if (span.spanId === ZERO_SPAN_ID) return "invalid span id: all zero";
  if (span.parentSpanId === ZERO_SPAN_ID) span.parentSpanId = "";
  if (span.parentSpanId !== "" && !SPAN_ID.test(span.parentSpanId)) return `invalid parent span id "${clip(span.parentSpanId)}": want 8 bytes or none`;
  if (span.startTimeUnixNano > MAX_NANOS || span.endTimeUnixNano > MAX_NANOS) return "span time beyond year 2262";
  return null;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
