import type { AnyValue, Attributes } from "../../../collector/model/any-value.ts";
import type { Span, SpanEvent } from "../../../collector/model/trace.ts";
import { emptyResource, makeSpan } from "./fixture-spans.ts";

export { emptyResource };

export function attrs(map: Record<string, AnyValue>): Attributes {
  return Object.entries(map).map(([key, value]) => ({ key, value }));
}

export function spanWith(map: Record<string, AnyValue>, extra: Partial<Span> = {}): Span {
  return makeSpan({ name: "test", attributes: attrs(map), ...extra });
}

export function event(name: string, map: Record<string, AnyValue>): SpanEvent {
  return { name, timeUnixNano: 0n, attributes: attrs(map), droppedAttributesCount: 0 };
}

/** Freezes the span (and everything in it) so that any write by a rule throws in strict mode. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    for (const child of Object.values(value as object)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
