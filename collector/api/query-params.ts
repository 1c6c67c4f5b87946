import { PermanentError } from "../errors.ts";
import { compileQuery, type QueryFilter } from "../query/compile-query.ts";
import type { QueryTarget } from "../query/targets.ts";
import type { AttributeScalar, TraceCursor } from "../storage/trace-reader.ts";

/** Parsers for API query parameters; each failure is a 400 naming the parameter. */

export type Query = Record<string, unknown>;

export function optionalString(query: Query, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new PermanentError(`${name} must be given once`);
  return v;
}

export function intParam(query: Query, name: string, fallback: number, min: number, max: number): number {
  const s = optionalString(query, name);
  if (s === undefined || s === "") return fallback;
  if (!/^\d+$/.test(s) || Number(s) < min || Number(s) > max) throw new PermanentError(`${name} must be an integer from ${min} to ${max}`);
  return Number(s);
}

const DURATION_UNITS: Record<string, bigint> = { ns: 1n, us: 1_000n, µs: 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };

/** "250ms", "1.5s", "2m", "1h", "10us"; bare digits are nanoseconds. */
export function durationParam(query: Query, name: string): bigint | undefined {
  const s = optionalString(query, name);
  if (s === undefined || s === "") return undefined;
  return parseDuration(s, name);
}

export function parseDuration(s: string, name: string): bigint {
  const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new PermanentError(`${name} must be a duration such as 250ms, 1.5s, 2m or a number of nanoseconds`);
  const unit = DURATION_UNITS[m[2] ?? "ns"]!;
  const [whole, fraction = ""] = m[1]!.split(".");
  const scale = 10n ** BigInt(fraction.length);
  return (BigInt(whole!) * scale + BigInt(fraction || "0")) * unit / scale;
}

/** An RFC 3339 / ISO 8601 time, or digits meaning Unix nanoseconds. */
export function timeParam(query: Query, name: string): bigint | undefined {
  const s = optionalString(query, name);
  if (s === undefined || s === "") return undefined;
  if (/^\d+$/.test(s)) return BigInt(s);
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new PermanentError(`${name} must be an ISO 8601 time or Unix nanoseconds`);
  return BigInt(ms) * 1_000_000n;
}

export function enumParam<T extends string>(query: Query, name: string, values: readonly T[]): T | undefined {
  const s = optionalString(query, name);
  if (s === undefined || s === "") return undefined;
  if (!(values as readonly string[]).includes(s)) throw new PermanentError(`${name} must be one of ${values.join(", ")}`);
  return s as T;
}

/**
 * `attr.<key>=<value>` parameters. A value matches the attribute as a string, and also as a
 * number or boolean when it reads as one (so attr.http.status_code=200 finds the integer 200).
 */
export function attributeParams(query: Query): Array<{ key: string; anyOf: AttributeScalar[] }> {
  const out: Array<{ key: string; anyOf: AttributeScalar[] }> = [];
  for (const [name, raw] of Object.entries(query)) {
    if (!name.startsWith("attr.") || name.length === 5) continue;
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (typeof value !== "string") throw new PermanentError(`${name} must be a string`);
      const anyOf: AttributeScalar[] = [value];
      if (value.trim() !== "" && Number.isFinite(Number(value))) anyOf.push(Number(value));
      if (value === "true" || value === "false") anyOf.push(value === "true");
      out.push({ key: name.slice(5), anyOf });
    }
  }
  return out;
}

/** Opaque page cursors: the keyset position (or offset) as text parts, base64url-encoded. */
export function encodeCursor(...parts: Array<string | number | bigint>): string {
  return Buffer.from(parts.join(":")).toString("base64url");
}

/** Decodes a cursor whose text must match `shape` (a regex with one group per part). */
export function cursorParts(query: Query, name: string, shape: RegExp): string[] | undefined {
  const s = optionalString(query, name);
  if (s === undefined || s === "") return undefined;
  const m = shape.exec(Buffer.from(s, "base64url").toString("latin1"));
  if (!m) throw new PermanentError(`${name} is not a cursor this API returned`);
  return m.slice(1);
}

export function traceCursorParam(query: Query, name: string): TraceCursor | undefined {
  const parts = cursorParts(query, name, /^(\d{1,19}):([0-9a-f]{32})$/);
  return parts && { startTimeUnixNano: BigInt(parts[0]!), traceId: parts[1]! };
}

/** A comma-separated or repeated list parameter (`runs=a,b` or `run=a&run=b`). */
export function listParam(query: Query, ...names: string[]): string[] | undefined {
  const out: string[] = [];
  let given = false;
  for (const name of names) {
    const raw = query[name];
    if (raw === undefined) continue;
    given = true;
    for (const v of Array.isArray(raw) ? raw : [raw]) {
      if (typeof v !== "string") throw new PermanentError(`${name} must be text`);
      out.push(...v.split(",").map((x) => x.trim()).filter(Boolean));
    }
  }
  return given ? out : undefined;
}

export function boolParam(query: Query, name: string): boolean | undefined {
  const s = optionalString(query, name);
  if (s === undefined || s === "") return undefined;
  if (s !== "true" && s !== "false") throw new PermanentError(`${name} must be true or false`);
  return s === "true";
}

/** A JSON object parameter, e.g. context={"subset":"train"}. */
export function jsonObjectParam(query: Query, name: string): Record<string, unknown> | undefined {
  const s = optionalString(query, name);
  if (s === undefined || s === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch {
    throw new PermanentError(`${name} must be a JSON object`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new PermanentError(`${name} must be a JSON object`);
  return parsed as Record<string, unknown>;
}

const TRACE_ID = /^[0-9a-fA-F]{32}$/;

export function traceIdParam(value: string | undefined): string {
  if (!value || !TRACE_ID.test(value)) throw new PermanentError("trace id must be 32 hex digits");
  return value.toLowerCase();
}

/** `q=`: a Sightline query (docs/query-language.md) compiled for one endpoint; a blank q is no filter. Errors are 400s with a position. */
export function queryFilterParam(query: Query, target: QueryTarget): QueryFilter | undefined {
  const text = optionalString(query, "q");
  if (text === undefined || text.trim() === "") return undefined;
  return compileQuery(text, target);
}
