import { KvList, type AnyValue, type Attributes } from "../../model/any-value.ts";
import type { InstrumentationScope, Resource, ResourceSpans, Span, SpanEvent, SpanLink, TraceBatch } from "../../model/trace.ts";
import { PermanentError } from "../../errors.ts";
import type { DecodedTraces } from "./decode-protobuf.ts";
import { Rejections } from "./rejections.ts";
import { InvalidSpanError, MAX_VALUE_DEPTH, spanProblem } from "./span-validation.ts";

/**
 * OTLP/JSON → the in-memory model, as leniently as the reference collector reads it:
 * lowerCamelCase or original snake_case field names, ids as hex in any case, 64-bit integers
 * as strings or numbers, enums as integers or names, unknown fields ignored.
 * Malformed structure outside spans rejects the request (400); a malformed span is dropped
 * and counted in partial_success.
 */
export function decodeTraceRequestJson(body: Uint8Array): DecodedTraces {
  let doc: unknown;
  try {
    doc = body.length === 0 ? {} : JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.length).toString("utf8"));
  } catch (err) {
    throw new PermanentError(`invalid OTLP/JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const root = object(doc, "request");
  const rejected = new Rejections();
  const batch: TraceBatch = { resourceSpans: [] };
  for (const rsRaw of array(field(root, "resourceSpans", "resource_spans"), "resourceSpans")) {
    const rs = object(rsRaw, "resourceSpans[]");
    const resourceSpans: ResourceSpans = { resource: resource(field(rs, "resource")), schemaUrl: string(field(rs, "schemaUrl", "schema_url"), "schemaUrl"), scopeSpans: [] };
    for (const ssRaw of array(field(rs, "scopeSpans", "scope_spans"), "scopeSpans")) {
      const ss = object(ssRaw, "scopeSpans[]");
      const spans: Span[] = [];
      for (const spanRaw of array(field(ss, "spans"), "spans")) {
        let span: Span;
        try {
          span = convertSpan(spanRaw);
        } catch (err) {
          if (!(err instanceof InvalidSpanError)) throw err;
          rejected.add(err.message);
          continue;
        }
        const problem = spanProblem(span);
        if (problem) rejected.add(problem);
        else spans.push(span);
      }
      resourceSpans.scopeSpans.push({ scope: scope(field(ss, "scope")), schemaUrl: string(field(ss, "schemaUrl", "schema_url"), "schemaUrl"), spans });
    }
    batch.resourceSpans.push(resourceSpans);
  }
  return { batch, rejected };
}

type Json = Record<string, unknown>;

function convertSpan(raw: unknown): Span {
  try {
    const s = object(raw, "span");
    const status = field(s, "status");
    const st = status === undefined || status === null ? {} : object(status, "status");
    return {
      traceId: id(field(s, "traceId", "trace_id"), "traceId"),
      spanId: id(field(s, "spanId", "span_id"), "spanId"),
      parentSpanId: id(field(s, "parentSpanId", "parent_span_id"), "parentSpanId"),
      traceState: string(field(s, "traceState", "trace_state"), "traceState"),
      flags: uint32(field(s, "flags"), "flags"),
      name: string(field(s, "name"), "name"),
      kind: enumValue(field(s, "kind"), SPAN_KINDS, "kind"),
      startTimeUnixNano: nanos(field(s, "startTimeUnixNano", "start_time_unix_nano"), "startTimeUnixNano"),
      endTimeUnixNano: nanos(field(s, "endTimeUnixNano", "end_time_unix_nano"), "endTimeUnixNano"),
      attributes: attributes(field(s, "attributes"), 0),
      droppedAttributesCount: uint32(field(s, "droppedAttributesCount", "dropped_attributes_count"), "droppedAttributesCount"),
      events: array(field(s, "events"), "events").map(event),
      droppedEventsCount: uint32(field(s, "droppedEventsCount", "dropped_events_count"), "droppedEventsCount"),
      links: array(field(s, "links"), "links").map(link),
      droppedLinksCount: uint32(field(s, "droppedLinksCount", "dropped_links_count"), "droppedLinksCount"),
      status: { code: enumValue(field(st, "code"), STATUS_CODES, "status.code"), message: string(field(st, "message"), "status.message") },
    };
  } catch (err) {
    if (err instanceof PermanentError) throw new InvalidSpanError(err.message);
    throw err;
  }
}

function event(raw: unknown): SpanEvent {
  const e = object(raw, "event");
  return {
    timeUnixNano: nanos(field(e, "timeUnixNano", "time_unix_nano"), "event.timeUnixNano"),
    name: string(field(e, "name"), "event.name"),
    attributes: attributes(field(e, "attributes"), 0),
    droppedAttributesCount: uint32(field(e, "droppedAttributesCount", "dropped_attributes_count"), "event.droppedAttributesCount"),
  };
}

function link(raw: unknown): SpanLink {
  const l = object(raw, "link");
  return {
    traceId: id(field(l, "traceId", "trace_id"), "link.traceId"),
    spanId: id(field(l, "spanId", "span_id"), "link.spanId"),
    traceState: string(field(l, "traceState", "trace_state"), "link.traceState"),
    attributes: attributes(field(l, "attributes"), 0),
    droppedAttributesCount: uint32(field(l, "droppedAttributesCount", "dropped_attributes_count"), "link.droppedAttributesCount"),
    flags: uint32(field(l, "flags"), "link.flags"),
  };
}

function resource(raw: unknown): Resource {
  if (raw === undefined || raw === null) return { attributes: [], droppedAttributesCount: 0 };
  const r = object(raw, "resource");
  return {
    attributes: attributes(field(r, "attributes"), 0),
    droppedAttributesCount: uint32(field(r, "droppedAttributesCount", "dropped_attributes_count"), "resource.droppedAttributesCount"),
  };
}

function scope(raw: unknown): InstrumentationScope {
  if (raw === undefined || raw === null) return { name: "", version: "", attributes: [], droppedAttributesCount: 0 };
  const s = object(raw, "scope");
  return {
    name: string(field(s, "name"), "scope.name"),
    version: string(field(s, "version"), "scope.version"),
    attributes: attributes(field(s, "attributes"), 0),
    droppedAttributesCount: uint32(field(s, "droppedAttributesCount", "dropped_attributes_count"), "scope.droppedAttributesCount"),
  };
}

function attributes(raw: unknown, depth: number): Attributes {
  if (raw === undefined || raw === null) return [];
  const list = array(raw, "attributes");
  const out: Attributes = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const kv = object(list[i], "attribute");
    out[i] = { key: string(field(kv, "key"), "attribute key"), value: anyValue(field(kv, "value"), depth) };
  }
  return out;
}

function anyValue(raw: unknown, depth: number): AnyValue {
  if (raw === undefined || raw === null) return null;
  const v = object(raw, "AnyValue");
  let x: unknown;
  if ((x = field(v, "stringValue", "string_value")) !== undefined) return string(x, "stringValue");
  if ((x = field(v, "boolValue", "bool_value")) !== undefined) {
    if (typeof x !== "boolean") throw new PermanentError("boolValue must be a boolean");
    return x;
  }
  if ((x = field(v, "intValue", "int_value")) !== undefined) return int64(x, "intValue");
  if ((x = field(v, "doubleValue", "double_value")) !== undefined) return double(x, "doubleValue");
  if ((x = field(v, "bytesValue", "bytes_value")) !== undefined) return base64(x, "bytesValue");
  if ((x = field(v, "arrayValue", "array_value")) !== undefined) {
    if (depth >= MAX_VALUE_DEPTH) throw tooDeep();
    const values = x === null ? undefined : field(object(x, "arrayValue"), "values");
    return values === undefined || values === null ? [] : array(values, "arrayValue.values").map((e) => anyValue(e, depth + 1));
  }
  if ((x = field(v, "kvlistValue", "kvlist_value")) !== undefined) {
    if (depth >= MAX_VALUE_DEPTH) throw tooDeep();
    const values = x === null ? undefined : field(object(x, "kvlistValue"), "values");
    return new KvList(attributes(values, depth + 1));
  }
  return null;
}

function tooDeep(): PermanentError {
  return new PermanentError(`attribute value nested deeper than ${MAX_VALUE_DEPTH} levels`);
}

const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

function field(o: Json, camel: string, snake?: string): unknown {
  const v = o[camel];
  return v !== undefined || snake === undefined ? v : o[snake];
}

function object(v: unknown, what: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new PermanentError(`${what} must be an object`);
  return v as Json;
}

function array(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new PermanentError(`${what} must be an array`);
  return v;
}

function string(v: unknown, what: string): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw new PermanentError(`${what} must be a string`);
  return v;
}

/** Ids are hex in OTLP/JSON (not base64); any case. Non-hex text is kept so validation names it. */
function id(v: unknown, what: string): string {
  const s = string(v, what);
  return s.toLowerCase();
}

const UINT = /^[0-9]+$/;
const INT = /^-?[0-9]+$/;

function nanos(v: unknown, what: string): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "string" && UINT.test(v) && v.length <= 20) {
    const n = BigInt(v);
    if (n < 1n << 64n) return n;
  }
  throw new PermanentError(`${what} must be an unsigned 64-bit integer`);
}

function int64(v: unknown, what: string): bigint {
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  if (typeof v === "string" && INT.test(v) && v.length <= 20) {
    const n = BigInt(v);
    if (n >= -(1n << 63n) && n < 1n << 63n) return n;
  }
  throw new PermanentError(`${what} must be a signed 64-bit integer`);
}

function uint32(v: unknown, what: string): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === "string" && UINT.test(v) ? Number(v) : v;
  if (typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 0xffffffff) return n;
  throw new PermanentError(`${what} must be an unsigned 32-bit integer`);
}

function double(v: unknown, what: string): number {
  if (typeof v === "number") return v;
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  throw new PermanentError(`${what} must be a number`);
}

function base64(v: unknown, what: string): Uint8Array {
  const s = string(v, what);
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) throw new PermanentError(`${what} must be base64`);
  return Buffer.from(s, s.includes("-") || s.includes("_") ? "base64url" : "base64");
}

function enumValue(v: unknown, names: Record<string, number>, what: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0x7fffffff) return v;
  if (typeof v === "string") {
    if (Object.hasOwn(names, v)) return names[v]!;
    if (UINT.test(v)) return Number(v);
  }
  throw new PermanentError(`${what}: unknown value ${JSON.stringify(v)}`);
}
