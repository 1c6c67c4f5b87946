import type { AnyValue } from "../../../model/any-value.ts";

/** One index of a flattened list, e.g. the fields of `llm.input_messages.3.*` as { "message.role": …, … }. */
export interface IndexedEntry {
  index: number;
  fields: Map<string, AnyValue>;
}

/**
 * Groups flattened list attributes ("<N>.<field>" after the list's prefix) by N, ascending.
 * Sparse by construction: `llm.input_messages.1000000000.message.role` yields one entry, not a
 * billion-slot array. Keys whose N is not a plain decimal index are ignored. Cost is O(k log k)
 * in the number of keys, whatever the indexes say.
 */
export function groupByIndex(entries: Iterable<[string, AnyValue]>): IndexedEntry[] {
  const byIndex = new Map<number, Map<string, AnyValue>>();
  for (const [rest, value] of entries) {
    const dot = rest.indexOf(".");
    const head = dot < 0 ? rest : rest.slice(0, dot);
    if (!/^\d{1,15}$/.test(head)) continue;
    const index = Number(head);
    let fields = byIndex.get(index);
    if (!fields) byIndex.set(index, (fields = new Map()));
    const field = dot < 0 ? "" : rest.slice(dot + 1);
    if (!fields.has(field)) fields.set(field, value);
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([index, fields]) => ({ index, fields }));
}

/** The fields under `prefix` inside one entry, e.g. "tool_calls." → [["0.id", …], …]. */
export function fieldsWithPrefix(fields: Map<string, AnyValue>, prefix: string): Array<[string, AnyValue]> {
  const out: Array<[string, AnyValue]> = [];
  for (const [key, value] of fields) if (key.startsWith(prefix)) out.push([key.slice(prefix.length), value]);
  return out;
}
