import type { AnyValue } from "../../../model/any-value.ts";
import { anyValueToJson } from "./any-value-json.ts";
import { jsonOrText, parseStructuredJson } from "./json-text.ts";

/**
 * Tolerant readers for attribute values. Senders disagree on types (a token count arrives as an
 * int, a double, or — after some pipelines — a decimal string), so each reader accepts every
 * encoding that means the same thing and answers undefined for anything else, never throwing.
 */

const DECIMAL = /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/;

/** A finite number from a double, an int64 that fits, or a decimal string (-0 read as 0: JSON has no -0). */
export function readNumber(value: AnyValue | undefined): number | undefined {
  const n = numberOf(value);
  return n === 0 ? 0 : n;
}

function numberOf(value: AnyValue | undefined): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "bigint") {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  if (typeof value === "string" && DECIMAL.test(value)) {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A token count: a whole, non-negative, exactly representable number. */
export function readTokenCount(value: AnyValue | undefined): number | undefined {
  const n = readNumber(value);
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** A non-negative finite number (a cost in USD). */
export function readAmount(value: AnyValue | undefined): number | undefined {
  const n = readNumber(value);
  return n !== undefined && n >= 0 ? n : undefined;
}

/** A non-empty string; other types are not silently stringified (an id of `true` is no id). */
export function readString(value: AnyValue | undefined): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** An identifier that some senders send as a number (ids, indexes): strings as they are, integers in decimal. */
export function readId(value: AnyValue | undefined): string | undefined {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  return readString(value);
}

/**
 * A list of strings: a string array (non-strings skipped), a JSON array in a string (some pipelines
 * flatten arrays that way), or one plain string as a list of one. Broken JSON list text is no list.
 */
export function readStringList(value: AnyValue | undefined): string[] | undefined {
  let items: unknown = value;
  if (typeof value === "string") {
    const parsed = parseStructuredJson(value);
    // Text that looks like a JSON list but is broken is not a one-item list of its own text.
    if (parsed.ok) items = Array.isArray(parsed.value) ? parsed.value : undefined;
    else items = value.length > 0 && !value.trimStart().startsWith("[") ? [value] : undefined;
  }
  if (!Array.isArray(items)) return undefined;
  const out = items.filter((item): item is string => typeof item === "string");
  return out.length > 0 ? out : undefined;
}

/** A value as JSON, with strings that hold JSON objects or arrays parsed (tool arguments, results, metadata). */
export function readJsonish(value: AnyValue | undefined): unknown {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return jsonOrText(value);
  return anyValueToJson(value);
}

/** A JSON object from a kvlist or from JSON text; undefined for anything else. */
export function readObject(value: AnyValue | undefined): Record<string, unknown> | undefined {
  const json = readJsonish(value);
  return json !== null && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
}
