import type { InstrumentationScope, Resource, Span, SpanEvent } from "../../../collector/model/trace.ts";
import { modelSpan } from "../../support/storage.ts";
import { plainToAttributes } from "./plain-json-values.ts";

/** One span of a fixture, with what normalizeAi() is given besides it. */
export interface FixtureSpan {
  /** How the golden file names it: the span id, or the fixture's own label. */
  label: string;
  span: Span;
  resource: Resource;
  scope?: InstrumentationScope;
}

export function emptyResource(): Resource {
  return { attributes: [], droppedAttributesCount: 0 };
}

/** A span with the given fields; ids fixed, kind and times zero, everything else empty (modelSpan). */
export function makeSpan(fields: Partial<Span> & Pick<Span, "name">): Span {
  return modelSpan({ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", kind: 0, startTimeUnixNano: 0n, endTimeUnixNano: 0n, ...fields });
}

/** reference/openinference-genai/*.json: a flat attribute map (from OpenInference's JS tests) is one span. */
export function spansFromAttributeMap(json: unknown, label: string): FixtureSpan[] {
  const attributes = plainToAttributes(json as Record<string, unknown>);
  return [{ label, span: makeSpan({ name: label, kind: 3, attributes }), resource: emptyResource() }];
}

interface ReadableSpanJson {
  name: string;
  spanContext: { traceId: string; spanId: string };
  parentSpanId?: string;
  kind?: number;
  attributes?: Record<string, unknown>;
  status?: { code?: number; message?: string };
  startTime?: [number, number];
  endTime?: [number, number];
  events?: Array<{ name: string; time?: [number, number]; attributes?: Record<string, unknown> }>;
}

/**
 * reference/vercel-ai-v6/*.json: the OTel JS SDK's ReadableSpan as JSON (hrtime pairs, status code
 * numbers), one array of spans or an object of arrays keyed by operation. Span kind and resource
 * are not in the capture: kind internal, empty resource.
 */
export function spansFromReadableSpans(json: unknown): FixtureSpan[] {
  const list: ReadableSpanJson[] = Array.isArray(json) ? json : Object.values(json as Record<string, ReadableSpanJson[]>).flat();
  return list.map((s) => ({
    label: s.spanContext.spanId,
    span: makeSpan({
      traceId: s.spanContext.traceId,
      spanId: s.spanContext.spanId,
      parentSpanId: s.parentSpanId ?? "",
      name: s.name,
      kind: s.kind ?? 1,
      startTimeUnixNano: hrtime(s.startTime),
      endTimeUnixNano: hrtime(s.endTime),
      attributes: plainToAttributes(s.attributes),
      events: (s.events ?? []).map((e): SpanEvent => ({ name: e.name, timeUnixNano: hrtime(e.time), attributes: plainToAttributes(e.attributes), droppedAttributesCount: 0 })),
      status: { code: s.status?.code ?? 0, message: s.status?.message ?? "" },
    }),
    resource: emptyResource(),
  }));
}

function hrtime(t: [number, number] | undefined): bigint {
  return t === undefined ? 0n : BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
}
