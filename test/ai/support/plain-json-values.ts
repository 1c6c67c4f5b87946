import { KvList, type AnyValue, type Attributes } from "../../../collector/model/any-value.ts";

/**
 * Plain JSON → OTLP AnyValue, as the OpenTelemetry JS SDK exports attribute values: an integral
 * number is an int64 (the OTLP transformer sends Number.isInteger values as intValue), any other
 * number a double, an array an array, an object a kvlist.
 *
 * Hand-made fixtures can force a type with a one-key object: {"@double": 1} (a double that
 * happens to be whole), {"@int": "9007199254740993"} (an int64 beyond 2^53), {"@bytes": "base64"},
 * {"@empty": null} (an AnyValue with no field set).
 */
export function plainToAnyValue(value: unknown): AnyValue {
  if (value === null) return null;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(plainToAnyValue);
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, inner] = entries[0]!;
      if (key === "@double" && typeof inner === "number") return inner;
      if (key === "@int" && (typeof inner === "string" || typeof inner === "number")) return BigInt(inner);
      if (key === "@bytes" && typeof inner === "string") return new Uint8Array(Buffer.from(inner, "base64"));
      if (key === "@empty") return null;
    }
    return new KvList(plainToAttributes(value as Record<string, unknown>));
  }
  throw new Error(`not a JSON value: ${String(value)}`);
}

export function plainToAttributes(map: Record<string, unknown> | undefined, convert: (v: unknown) => AnyValue = plainToAnyValue): Attributes {
  return Object.entries(map ?? {}).map(([key, value]) => ({ key, value: convert(value) }));
}
