import { KvList, type AnyValue, type Attributes } from "../../../model/any-value.ts";
import type { InstrumentationScope, Resource } from "../../../model/trace.ts";
import { PermanentError } from "../../../errors.ts";
import { MAX_VALUE_DEPTH } from "../span-validation.ts";

/**
 * Readers shared by the OTLP/JSON decoders of every signal, lenient as the reference collector:
 * lowerCamelCase or snake_case names, 64-bit integers as strings or numbers, enums as integers or
 * names, unknown fields ignored. Each failure is a PermanentError naming the field.
 */

export type Json = Record<string, unknown>;

export function parseJsonBody(body: Uint8Array): Json {
  let doc: unknown;
  try {
    doc = body.length === 0 ? {} : JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.length).toString("utf8"));
  } catch (err) {
    throw new PermanentError(`invalid OTLP/JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return object(doc, "request");
}

export function field(o: Json, camel: string, snake?: string): unknown {
  const v = o[camel];
  return v !== undefined || snake === undefined ? v : o[snake];
}

export function object(v: unknown, what: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new PermanentError(`${what} must be an object`);
  return v as Json;
}

export function optionalObject(v: unknown, what: string): Json {
  return v === undefined || v === null ? {} : object(v, what);
}

export function array(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new PermanentError(`${what} must be an array`);
  return v;
}

export function string(v: unknown, what: string): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw new PermanentError(`${what} must be a string`);
  return v;
}

export function bool(v: unknown, what: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== "boolean") throw new PermanentError(`${what} must be a boolean`);
  return v;
}

/** Ids are hex in OTLP/JSON (not base64), any case. Non-hex text is kept so validation can name it. */
export function id(v: unknown, what: string): string {
  return string(v, what).toLowerCase();
}

const UINT = /^[0-9]+$/;
const INT = /^-?[0-9]+$/;
// Constants, not expressions in the functions: a BigInt shift allocates on every call.
const UINT64_END = 1n << 64n;
const INT64_END = 1n << 63n;
const INT64_MIN = -(1n << 63n);

export function uint64(v: unknown, what: string): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v < 2 ** 64) return BigInt(v);
  if (typeof v === "string" && UINT.test(v) && v.length <= 20) {
    const n = BigInt(v);
    if (n < UINT64_END) return n;
  }
  throw new PermanentError(`${what} must be an unsigned 64-bit integer`);
}

export function int64(v: unknown, what: string): bigint {
  if (typeof v === "number" && Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 63) return BigInt(v);
  if (typeof v === "string" && INT.test(v) && v.length <= 20) {
    const n = BigInt(v);
    if (n >= INT64_MIN && n < INT64_END) return n;
  }
  throw new PermanentError(`${what} must be a signed 64-bit integer`);
}

export function uint32(v: unknown, what: string): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === "string" && UINT.test(v) ? Number(v) : v;
  if (typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 0xffffffff) return n;
  throw new PermanentError(`${what} must be an unsigned 32-bit integer`);
}

export function int32(v: unknown, what: string): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === "string" && INT.test(v) ? Number(v) : v;
  if (typeof n === "number" && Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff) return n;
  throw new PermanentError(`${what} must be a 32-bit integer`);
}

export function double(v: unknown, what: string): number {
  if (typeof v === "number") return v;
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  throw new PermanentError(`${what} must be a number`);
}

export function optionalDouble(v: unknown, what: string): number | null {
  return v === undefined || v === null ? null : double(v, what);
}

export function base64(v: unknown, what: string): Uint8Array {
  const s = string(v, what);
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) throw new PermanentError(`${what} must be base64`);
  return Buffer.from(s, s.includes("-") || s.includes("_") ? "base64url" : "base64");
}

export function enumValue(v: unknown, names: Record<string, number>, what: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0x7fffffff) return v;
  if (typeof v === "string") {
    if (Object.hasOwn(names, v)) return names[v]!;
    if (UINT.test(v)) return Number(v);
  }
  throw new PermanentError(`${what}: unknown value ${JSON.stringify(v)}`);
}

export function jsonResource(raw: unknown): Resource {
  const r = optionalObject(raw, "resource");
  return {
    attributes: jsonAttributes(field(r, "attributes"), 0),
    droppedAttributesCount: uint32(field(r, "droppedAttributesCount", "dropped_attributes_count"), "resource.droppedAttributesCount"),
  };
}

export function jsonScope(raw: unknown): InstrumentationScope {
  const s = optionalObject(raw, "scope");
  return {
    name: string(field(s, "name"), "scope.name"),
    version: string(field(s, "version"), "scope.version"),
    attributes: jsonAttributes(field(s, "attributes"), 0),
    droppedAttributesCount: uint32(field(s, "droppedAttributesCount", "dropped_attributes_count"), "scope.droppedAttributesCount"),
  };
}

export function jsonAttributes(raw: unknown, depth: number): Attributes {
  if (raw === undefined || raw === null) return [];
  const list = array(raw, "attributes");
  const out: Attributes = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const kv = object(list[i], "attribute");
    out[i] = { key: string(field(kv, "key"), "attribute key"), value: jsonAnyValue(field(kv, "value"), depth) };
  }
  return out;
}

export function jsonAnyValue(raw: unknown, depth: number): AnyValue {
  if (raw === undefined || raw === null) return null;
  const v = object(raw, "AnyValue");
  // A member that is present but null counts as unset: the official http/json exporter sends
  // NaN and ±Infinity as `"doubleValue": null`, and dropping the whole span would be worse.
  const member = (camel: string, snake: string): unknown => {
    const x = field(v, camel, snake);
    return x === null ? undefined : x;
  };
  let x: unknown;
  if ((x = member("stringValue", "string_value")) !== undefined) return string(x, "stringValue");
  if ((x = member("boolValue", "bool_value")) !== undefined) return bool(x, "boolValue");
  if ((x = member("intValue", "int_value")) !== undefined) return int64OrDouble(x, "intValue");
  if ((x = member("doubleValue", "double_value")) !== undefined) return double(x, "doubleValue");
  if ((x = member("bytesValue", "bytes_value")) !== undefined) return base64(x, "bytesValue");
  if ((x = member("arrayValue", "array_value")) !== undefined) {
    if (depth >= MAX_VALUE_DEPTH) throw tooDeep();
    const values = field(object(x, "arrayValue"), "values");
    return values === undefined || values === null ? [] : array(values, "arrayValue.values").map((e) => jsonAnyValue(e, depth + 1));
  }
  if ((x = member("kvlistValue", "kvlist_value")) !== undefined) {
    if (depth >= MAX_VALUE_DEPTH) throw tooDeep();
    return new KvList(jsonAttributes(field(object(x, "kvlistValue"), "values"), depth + 1));
  }
  return null;
}

/**
 * An int64 member. A JSON *number* outside the int64 range (the official http/json exporter sends
 * JS integers ≥ 2^63 this way, while its protobuf sibling sends them as doubles) is kept as the
 * double it is, rather than stored as an integer no int64 can hold.
 */
export function int64OrDouble(v: unknown, what: string): bigint | number {
  if (typeof v === "number" && Number.isInteger(v) && (v >= 2 ** 63 || v < -(2 ** 63))) return v;
  return int64(v, what);
}

function tooDeep(): PermanentError {
  return new PermanentError(`attribute value nested deeper than ${MAX_VALUE_DEPTH} levels`);
}
