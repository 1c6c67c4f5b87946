import type { AnyValue, Attributes } from "../../../model/any-value.ts";

/**
 * A span's attributes as a map, built once per span so that the rules' many lookups cost O(1)
 * each instead of a scan of the list (a span may carry 100,000 attributes). Keys are unique by the
 * OTLP spec; if a sender repeats one anyway, the first wins, as in `attributeValue()`.
 */
export class AttributeIndex {
  private readonly values = new Map<string, AnyValue>();

  constructor(attributes: Attributes) {
    for (const kv of attributes) if (!this.values.has(kv.key)) this.values.set(kv.key, kv.value);
  }

  get size(): number {
    return this.values.size;
  }

  get(key: string): AnyValue | undefined {
    return this.values.get(key);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  /** The first of `keys` that is present (an attribute renamed across eras is read newest first). */
  first(keys: readonly string[]): AnyValue | undefined {
    for (const key of keys) {
      const value = this.values.get(key);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** Every attribute whose key starts with `prefix`, as [rest of the key, value], in insertion order. */
  withPrefix(prefix: string): Array<[string, AnyValue]> {
    const out: Array<[string, AnyValue]> = [];
    for (const [key, value] of this.values) if (key.startsWith(prefix)) out.push([key.slice(prefix.length), value]);
    return out;
  }

  hasPrefix(prefix: string): boolean {
    for (const key of this.values.keys()) if (key.startsWith(prefix)) return true;
    return false;
  }

  keys(): IterableIterator<string> {
    return this.values.keys();
  }
}
