/**
 * Builders for OTLP/JSON requests (the spec's JSON mapping: lowerCamelCase, int64 as strings,
 * ids as hex). The Run API builds its requests directly rather than through the metrics SDK,
 * whose aggregation would keep only the last value of each export interval.
 */

export type AttributeValue = string | number | boolean | bigint | AttributeValue[] | { [key: string]: AttributeValue } | null;

export interface JsonKeyValue {
  key: string;
  value: JsonAnyValue;
}

export type JsonAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number | string }
  | { arrayValue: { values: JsonAnyValue[] } }
  | { kvlistValue: { values: JsonKeyValue[] } }
  | Record<string, never>;

/** JS numbers that are integers go as intValue, others as doubleValue (as the OTel JS SDK does). */
export function anyValue(v: AttributeValue): JsonAnyValue {
  if (v === null) return {};
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (typeof v === "bigint") return { intValue: v.toString() };
  if (typeof v === "number") {
    if (Number.isSafeInteger(v)) return { intValue: String(v) };
    return { doubleValue: Number.isFinite(v) ? v : String(v) };
  }
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { kvlistValue: { values: attributes(v) } };
}

export function attributes(obj: Record<string, AttributeValue | undefined>): JsonKeyValue[] {
  const out: JsonKeyValue[] = [];
  for (const [key, value] of Object.entries(obj)) if (value !== undefined) out.push({ key, value: anyValue(value) });
  return out;
}

/** A double data point value; metrics are always doubles here (NaN and ±Infinity as the JSON mapping's strings). */
export function doubleValue(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

const base = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** Wall-clock nanoseconds with nanosecond resolution and monotonic increments. */
export function nowNanos(): bigint {
  return base + process.hrtime.bigint();
}

/** nowNanos() at a process.hrtime.bigint() reading. */
export function nanosAt(hrtime: bigint): bigint {
  return base + hrtime;
}

export function toNanos(t: Date | number | bigint | undefined): bigint {
  if (t === undefined) return nowNanos();
  if (typeof t === "bigint") return t;
  if (typeof t === "number") return BigInt(Math.round(t)) * 1_000_000n;
  return BigInt(t.getTime()) * 1_000_000n;
}
