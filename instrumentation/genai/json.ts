/**
 * JSON for attribute values: never throws (cycles, BigInt, functions, symbols), and objects that
 * know how to present themselves (toJSON) do so.
 */
export function toJson(value: unknown): string {
  if (typeof value === "string") return value;
  const ancestors: object[] = [];
  try {
    const text = JSON.stringify(value, function (this: unknown, _key: string, v: unknown) {
      if (typeof v === "bigint") return v.toString();
      if (typeof v === "function" || typeof v === "symbol") return undefined;
      if (typeof v === "object" && v !== null) {
        while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
        if (ancestors.includes(v)) return "[Circular]";
        ancestors.push(v);
      }
      return v;
    });
    return text ?? "null";
  } catch {
    return String(value);
  }
}

/** A JSON object or array in a string, parsed; anything else as it is. */
export function parseJsonIfString(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return value;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return value;
  }
}
