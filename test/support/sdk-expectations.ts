import { SpanKind, SpanStatusCode, type AttributeValue, type Attributes, type HrTime } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { LosslessJson } from "./lossless-json.ts";

/**
 * What the collector's JSON API must show for a span the OpenTelemetry JS SDK recorded, derived
 * only from the SDK's ReadableSpan (captured by an InMemorySpanExporter on the same provider).
 * Compared against the API's answer read with parseLosslessJson, so numbers are typed by lexeme:
 * integers are bigints, doubles are JS numbers.
 */

/** An hrTime [seconds, nanoseconds] as exact Unix nanoseconds in decimal. */
export function hrTimeToNanos(time: HrTime): bigint {
  const [seconds, nanos] = time;
  if (!Number.isInteger(seconds) || !Number.isInteger(nanos)) throw new Error(`hrTime with a fraction: [${seconds}, ${nanos}]`);
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
}

/** The API's names for the JS API's SpanKind (which has no "unspecified", so OTLP kind = SpanKind + 1). */
export const KIND_NAMES: Record<SpanKind, string> = {
  [SpanKind.INTERNAL]: "internal",
  [SpanKind.SERVER]: "server",
  [SpanKind.CLIENT]: "client",
  [SpanKind.PRODUCER]: "producer",
  [SpanKind.CONSUMER]: "consumer",
};

export const STATUS_NAMES: Record<SpanStatusCode, string> = {
  [SpanStatusCode.UNSET]: "unset",
  [SpanStatusCode.OK]: "ok",
  [SpanStatusCode.ERROR]: "error",
};

/**
 * How the JS SDK's attribute value arrives. The SDK has only JS numbers; its OTLP encoders send an
 * integral number as intValue and any other as doubleValue (otlp-transformer toAnyValue /
 * writeAnyValue), so 2.0 arrives as the integer 2. A null inside an array is sent as an empty
 * AnyValue, which the API shows as null. Only for finite numbers below 2^63 in magnitude: beyond
 * that the JSON and protobuf encoders disagree (see the conformance README).
 */
export function expectedAttributeValue(value: AttributeValue | null | undefined): LosslessJson {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return (value as Array<string | number | boolean | null | undefined>).map((v) => expectedAttributeValue(v));
  if (typeof value === "number") {
    if (!Number.isFinite(value) || Math.abs(value) >= 2 ** 63) throw new Error(`no single expected form for ${value}`);
    return Number.isInteger(value) ? BigInt(value) : value;
  }
  return value as string | boolean;
}

export function expectedAttributes(attributes: Attributes | undefined): { [key: string]: LosslessJson } {
  const out: { [key: string]: LosslessJson } = {};
  for (const [key, value] of Object.entries(attributes ?? {})) out[key] = expectedAttributeValue(value);
  return out;
}

/**
 * The API span (GET /api/traces/{id}) the SDK span must come back as. `flags` here are only the
 * W3C trace flags (the low 8 bits); the OTLP exporters add the has-is-remote / is-remote bits
 * (0x100 / 0x200), which tests check separately.
 */
export function expectedApiSpan(span: ReadableSpan): { [key: string]: LosslessJson } {
  const ctx = span.spanContext();
  const start = hrTimeToNanos(span.startTime);
  const end = hrTimeToNanos(span.endTime);
  const resourceAttributes = expectedAttributes(span.resource.attributes);
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? "",
    traceState: ctx.traceState?.serialize() ?? "",
    flags: BigInt(ctx.traceFlags),
    name: span.name,
    kind: KIND_NAMES[span.kind],
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(end),
    durationNanos: String(end - start),
    status: { code: STATUS_NAMES[span.status.code], message: span.status.message ?? "" },
    serviceName: typeof resourceAttributes["service.name"] === "string" ? resourceAttributes["service.name"] : "",
    attributes: expectedAttributes(span.attributes),
    droppedAttributesCount: BigInt(span.droppedAttributesCount),
    events: span.events.map((e) => ({
      timeUnixNano: String(hrTimeToNanos(e.time)),
      name: e.name,
      attributes: expectedAttributes(e.attributes),
      droppedAttributesCount: BigInt(e.droppedAttributesCount ?? 0),
    })),
    droppedEventsCount: BigInt(span.droppedEventsCount),
    links: span.links.map((l) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      traceState: l.context.traceState?.serialize() ?? "",
      flags: BigInt(l.context.traceFlags),
      attributes: expectedAttributes(l.attributes),
      droppedAttributesCount: BigInt(l.droppedAttributesCount ?? 0),
    })),
    droppedLinksCount: BigInt(span.droppedLinksCount),
    resource: { attributes: resourceAttributes, droppedAttributesCount: 0n, schemaUrl: span.resource.schemaUrl ?? "" },
    scope: {
      name: span.instrumentationScope.name,
      version: span.instrumentationScope.version ?? "",
      attributes: {},
      droppedAttributesCount: 0n,
      schemaUrl: span.instrumentationScope.schemaUrl ?? "",
    },
  };
}

/** The same fields of an API span, with span and link flags cut to their W3C trace-flag byte. */
export function comparableApiSpan(apiSpan: LosslessJson, like: { [key: string]: LosslessJson }): { [key: string]: LosslessJson } {
  const s = apiSpan as { [key: string]: LosslessJson };
  const out: { [key: string]: LosslessJson } = {};
  for (const key of Object.keys(like)) out[key] = Object.hasOwn(s, key) ? s[key]! : "<absent>";
  out.flags = w3cFlags(s.flags);
  if (Array.isArray(s.links)) out.links = s.links.map((l) => ({ ...(l as object), flags: w3cFlags((l as { flags: LosslessJson }).flags) }));
  return out;
}

function w3cFlags(flags: LosslessJson | undefined): LosslessJson {
  return typeof flags === "bigint" ? flags & 0xffn : (flags ?? "<absent>");
}

/** The trace-list summary the SDK spans of one trace must produce. */
export function expectedTraceSummary(spans: ReadableSpan[]): { rootName: string; spanCount: number; errorCount: number; startTimeUnixNano: string; durationNanos: string } {
  const roots = spans.filter((s) => !s.parentSpanContext);
  if (roots.length !== 1) throw new Error(`expected one root span, found ${roots.length}`);
  const start = spans.map((s) => hrTimeToNanos(s.startTime)).reduce((a, b) => (a < b ? a : b));
  const end = spans.map((s) => hrTimeToNanos(s.endTime)).reduce((a, b) => (a > b ? a : b));
  return {
    rootName: roots[0]!.name,
    spanCount: spans.length,
    errorCount: spans.filter((s) => s.status.code === SpanStatusCode.ERROR).length,
    startTimeUnixNano: String(start),
    durationNanos: String(end - start),
  };
}
