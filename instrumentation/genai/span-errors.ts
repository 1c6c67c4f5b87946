import { SpanStatusCode, type Span } from "@opentelemetry/api";
import { ERROR_TYPE } from "./attributes.ts";

/**
 * Records a failed operation the way the conventions ask: status ERROR with the message, an
 * `exception` event, and `error.type` = the error's class name (low cardinality), else `_OTHER`.
 */
export function recordSpanError(span: Span, err: unknown): void {
  const error = err instanceof Error ? err : new Error(typeof err === "string" ? err : safeString(err));
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  span.setAttribute(ERROR_TYPE, errorType(error));
}

export function errorType(error: Error): string {
  if (error.name && error.name !== "Error") return error.name;
  const ctor = error.constructor?.name;
  return ctor && ctor !== "Object" ? ctor : "_OTHER";
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
