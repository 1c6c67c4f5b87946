import { KvList, type AnyValue } from "../../../model/any-value.ts";
import { MAX_JSON_DEPTH } from "./json-text.ts";

/**
 * An OTLP AnyValue as plain JSON for the `ai` object: kvlists become objects (the first of a
 * repeated key wins), int64 a number when it is exact as one (else its decimal string), bytes
 * base64, non-finite doubles their proto3 JSON names ("NaN", "Infinity"). Returns undefined when the value nests deeper than MAX_JSON_DEPTH, so the caller drops
 * the field instead of emitting something half-converted (the raw attribute keeps it all).
 */
export function anyValueToJson(value: AnyValue): unknown {
  const state = { tooDeep: false };
  const out = convert(value, 0, state);
  return state.tooDeep ? undefined : out;
}

function convert(value: AnyValue, depth: number, state: { tooDeep: boolean }): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return doubleToJson(value);
  if (typeof value === "bigint") return bigintToJson(value);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  if (depth >= MAX_JSON_DEPTH) {
    state.tooDeep = true;
    return null;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      out.push(convert(item, depth + 1, state));
      if (state.tooDeep) return null;
    }
    return out;
  }
  if (value instanceof KvList) {
    const entries: Array<[string, unknown]> = [];
    const seen = new Set<string>();
    for (const kv of value.values) {
      if (seen.has(kv.key)) continue;
      seen.add(kv.key);
      entries.push([kv.key, convert(kv.value, depth + 1, state)]);
      if (state.tooDeep) return null;
    }
    // fromEntries defines own properties, so a "__proto__" key stays data, never a prototype.
    return Object.fromEntries(entries);
  }
  return null;
}

export function bigintToJson(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

/** JSON has no NaN, ±Infinity or -0: the first three by their proto3 JSON names, -0 as 0. */
export function doubleToJson(value: number): number | string {
  if (Number.isFinite(value)) return value === 0 ? 0 : value;
  return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
}
