/**
 * Normal form of an OTLP/JSON ExportTraceServiceRequest, for proving that two requests carry the
 * same telemetry (e.g. what was POSTed to /v1/traces and what GET /api/traces/{id}/otlp returns).
 * The OTLP/JSON mapping lets one message be written many ways; the normal form picks one:
 *
 * - Spans are flattened and sorted by (traceId, spanId); each carries its resource, scope and
 *   both schema URLs. Grouping into resourceSpans / scopeSpans is not significant (a receiver may
 *   regroup identical resources and scopes), the pairing of span with resource and scope is.
 * - Ids (trace, span, parent span, link) are lowercase hex. OTLP/JSON ids are hex in any case.
 * - 64-bit integers (times, intValue) are decimal strings; OTLP/JSON allows numbers or strings
 *   (a number is read as JSON.parse reads it, as a receiver does).
 * - Doubles are `String(x)` of the number ("1", "1.5e+300", "5e-324", "-0", "NaN", "Infinity",
 *   "-Infinity"): exact, since a JS number's shortest decimal form round-trips. The AnyValue key
 *   (intValue vs doubleValue) still tells 2 from 2.0.
 * - Bytes are standard padded base64 (base64url input is accepted, as the JSON mapping allows).
 * - Enums (kind, status code) are integers; the enum names of the JSON mapping are accepted.
 * - Fields at their default ("" / 0 / empty list / absent message) are omitted, as the proto3 JSON
 *   mapping allows — except inside AnyValue, where a set oneof field is significant whatever its
 *   value (stringValue "" and intValue "0" are values; an AnyValue with no field is the empty value {}).
 * - Attribute lists and kvlist values are objects keyed by attribute key: OTLP keys are unique
 *   and their order is not significant. A repeated key is an error here, not silently merged.
 * - arrayValue / kvlistValue without `values` are empty.
 *
 * Field names must be lowerCamelCase (as both this project's fixtures and its export write them);
 * unknown fields are an error, so a field the normaliser forgot cannot be silently ignored.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

export interface NormalSpan {
  resource: Obj;
  resourceSchemaUrl?: string;
  scope: Obj;
  scopeSchemaUrl?: string;
  span: Obj;
}

export function normalizeTraceRequest(request: unknown): NormalSpan[] {
  const root = obj(request, "request", ["resourceSpans"]);
  const out: NormalSpan[] = [];
  for (const rsRaw of list(root.resourceSpans)) {
    const rs = obj(rsRaw, "resourceSpans[]", ["resource", "scopeSpans", "schemaUrl"]);
    const resource = rs.resource === undefined || rs.resource === null ? {} : attributed(obj(rs.resource, "resource", ["attributes", "droppedAttributesCount"]));
    for (const ssRaw of list(rs.scopeSpans)) {
      const ss = obj(ssRaw, "scopeSpans[]", ["scope", "spans", "schemaUrl"]);
      const scopeRaw = ss.scope === undefined || ss.scope === null ? {} : obj(ss.scope, "scope", ["name", "version", "attributes", "droppedAttributesCount"]);
      const scope = withoutDefaults({ ...attributed(scopeRaw), name: scopeRaw.name ?? "", version: scopeRaw.version ?? "" });
      for (const spanRaw of list(ss.spans)) {
        out.push(
          withoutDefaults({
            resource,
            resourceSchemaUrl: rs.schemaUrl ?? "",
            scope,
            scopeSchemaUrl: ss.schemaUrl ?? "",
            span: span(spanRaw),
          }) as unknown as NormalSpan,
        );
      }
    }
  }
  // withoutDefaults drops an empty resource or scope; put them back so every entry has both.
  for (const s of out) {
    s.resource ??= {};
    s.scope ??= {};
  }
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function key(s: NormalSpan): string {
  return `${s.span.traceId}/${s.span.spanId}`;
}

const SPAN_FIELDS = [
  "traceId", "spanId", "traceState", "parentSpanId", "flags", "name", "kind", "startTimeUnixNano", "endTimeUnixNano",
  "attributes", "droppedAttributesCount", "events", "droppedEventsCount", "links", "droppedLinksCount", "status",
];

const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0, SPAN_KIND_INTERNAL: 1, SPAN_KIND_SERVER: 2, SPAN_KIND_CLIENT: 3, SPAN_KIND_PRODUCER: 4, SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

function span(raw: Json): Obj {
  const s = obj(raw, "span", SPAN_FIELDS);
  const status = s.status === undefined || s.status === null ? {} : obj(s.status, "status", ["code", "message"]);
  return withoutDefaults({
    traceId: hexId(s.traceId),
    spanId: hexId(s.spanId),
    traceState: s.traceState ?? "",
    parentSpanId: hexId(s.parentSpanId),
    flags: s.flags ?? 0,
    name: s.name ?? "",
    kind: enumValue(s.kind, SPAN_KINDS),
    startTimeUnixNano: int64(s.startTimeUnixNano),
    endTimeUnixNano: int64(s.endTimeUnixNano),
    ...attributed(s),
    droppedEventsCount: s.droppedEventsCount ?? 0,
    droppedLinksCount: s.droppedLinksCount ?? 0,
    events: list(s.events).map((e) => {
      const ev = obj(e, "event", ["timeUnixNano", "name", "attributes", "droppedAttributesCount"]);
      return withoutDefaults({ timeUnixNano: int64(ev.timeUnixNano), name: ev.name ?? "", ...attributed(ev) });
    }),
    links: list(s.links).map((l) => {
      const link = obj(l, "link", ["traceId", "spanId", "traceState", "attributes", "droppedAttributesCount", "flags"]);
      return withoutDefaults({ traceId: hexId(link.traceId), spanId: hexId(link.spanId), traceState: link.traceState ?? "", flags: link.flags ?? 0, ...attributed(link) });
    }),
    status: withoutDefaults({ code: enumValue(status.code, STATUS_CODES), message: status.message ?? "" }),
  });
}

/** `attributes` as a map and `droppedAttributesCount` of a message that has them. */
function attributed(o: Obj): Obj {
  return withoutDefaults({ attributes: attributeMap(o.attributes), droppedAttributesCount: o.droppedAttributesCount ?? 0 });
}

function attributeMap(raw: Json | undefined): Obj {
  const out: Obj = {};
  for (const kvRaw of list(raw)) {
    const kv = obj(kvRaw, "KeyValue", ["key", "value"]);
    const k = kv.key ?? "";
    if (typeof k !== "string") throw new Error(`attribute key ${JSON.stringify(k)} is not a string`);
    if (Object.hasOwn(out, k)) throw new Error(`attribute key ${JSON.stringify(k)} repeated`);
    Object.defineProperty(out, k, { value: anyValue(kv.value), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const ANY_VALUE_FIELDS = ["stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue", "bytesValue"];

function anyValue(raw: Json | undefined): Obj {
  if (raw === undefined || raw === null) return {};
  const v = obj(raw, "AnyValue", ANY_VALUE_FIELDS);
  const set = Object.keys(v).filter((k) => v[k] !== undefined);
  if (set.length === 0) return {};
  if (set.length > 1) throw new Error(`AnyValue with more than one field: ${set.join(", ")}`);
  const field = set[0]!;
  const x = v[field]!;
  switch (field) {
    case "stringValue":
      if (typeof x !== "string") throw new Error(`stringValue ${JSON.stringify(x)}`);
      return { stringValue: x };
    case "boolValue":
      if (typeof x !== "boolean") throw new Error(`boolValue ${JSON.stringify(x)}`);
      return { boolValue: x };
    case "intValue":
      return { intValue: int64(x) };
    case "doubleValue":
      return { doubleValue: double(x) };
    case "bytesValue":
      if (typeof x !== "string") throw new Error(`bytesValue ${JSON.stringify(x)}`);
      return { bytesValue: Buffer.from(x, /[-_]/.test(x) ? "base64url" : "base64").toString("base64") };
    case "arrayValue": {
      const values = x === null ? undefined : obj(x, "arrayValue", ["values"]).values;
      return { arrayValue: list(values).map(anyValue) };
    }
    default: {
      const values = x === null ? undefined : obj(x, "kvlistValue", ["values"]).values;
      return { kvlistValue: attributeMap(values) };
    }
  }
}

function hexId(v: Json | undefined): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string" || !/^[0-9a-fA-F]*$/.test(v)) throw new Error(`id ${JSON.stringify(v)} is not hex`);
  return v.toLowerCase();
}

function int64(v: Json | undefined): string {
  if (v === undefined || v === null) return "0";
  // A JSON number is taken as the double JSON.parse makes of it (a receiver reads it the same way).
  if (typeof v === "number" && Number.isInteger(v)) return String(BigInt(v));
  if (typeof v === "string" && /^-?\d+$/.test(v)) return String(BigInt(v));
  throw new Error(`64-bit integer ${JSON.stringify(v)} is neither an integral JSON number nor a decimal string`);
}

function double(v: Json): string {
  let n: number;
  if (typeof v === "number") n = v;
  else if (typeof v === "string" && (["NaN", "Infinity", "-Infinity"].includes(v) || (v.trim() !== "" && Number.isFinite(Number(v))))) n = Number(v);
  else throw new Error(`double ${JSON.stringify(v)}`);
  return Object.is(n, -0) ? "-0" : String(n);
}

function enumValue(v: Json | undefined, names: Record<string, number>): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === "number") return v;
  if (typeof v === "string" && Object.hasOwn(names, v)) return names[v]!;
  throw new Error(`enum value ${JSON.stringify(v)}`);
}

function list(v: Json | undefined): Json[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`expected a list, got ${JSON.stringify(v)}`);
  return v;
}

function obj(v: unknown, what: string, fields: string[]): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`${what} is not an object`);
  for (const k of Object.keys(v)) if (!fields.includes(k)) throw new Error(`${what} has a field the normaliser does not know: ${k}`);
  return v as Obj;
}

/** Drops proto3 defaults: "", 0, "0" (a 64-bit zero), empty lists, empty objects. */
function withoutDefaults(o: { [key: string]: Json | undefined }): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null || v === "" || v === 0 || v === "0") continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}
