/**
 * Attribute values keep their OTLP type in the API's JSON text: integers without a decimal point,
 * doubles with one, 64-bit integers exact. JSON.parse would erase that, so attribute JSON is
 * parsed with the source text of every number kept (JSON.parse source text access, Chromium 114+;
 * elsewhere numbers fall back to plain numbers).
 */
export class JsonNumber {
  constructor(readonly source: string) {}
  get isInteger(): boolean {
    return /^-?\d+$/.test(this.source);
  }
  valueOf(): number {
    return Number(this.source);
  }
  toString(): string {
    return this.source;
  }
}

type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

export function parseLossless(text: string): unknown {
  const reviver: Reviver = (_key, value, context) => (typeof value === "number" && context?.source !== undefined ? new JsonNumber(context.source) : value);
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
}
