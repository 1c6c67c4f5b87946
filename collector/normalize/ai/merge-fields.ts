import type { AiFields } from "./ai-fields.ts";

/** Fields that are objects of independent sub-fields, merged one sub-field at a time. */
const PER_SUBFIELD: ReadonlySet<string> = new Set(["usage", "tool", "agent", "parameters", "metadata", "error"]);

/**
 * First match wins, per field: what `source` (a later rule) says is taken only where `target`
 * (the earlier rules) said nothing. Objects of independent sub-fields (usage, tool, …) merge per
 * sub-field, so an earlier rule's input tokens and a later rule's cache-read tokens both count.
 * Arrays (messages, finish reasons, …) and scalars are taken whole or not at all. Mutates and
 * returns whether anything of `source` was taken.
 */
export function mergeFirstWins(target: AiFields, source: AiFields): boolean {
  const into = target as Record<string, unknown>;
  let took = false;
  for (const key in source) {
    const value = (source as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (PER_SUBFIELD.has(key) && isRecord(value)) {
      const existing = into[key];
      const merged: Record<string, unknown> = isRecord(existing) ? existing : {};
      let tookSub = false;
      for (const sub of Object.keys(value)) {
        const subValue = value[sub];
        if (subValue === undefined || Object.hasOwn(merged, sub)) continue;
        setOwn(merged, sub, subValue);
        tookSub = true;
      }
      if (tookSub && !isRecord(existing)) into[key] = merged;
      took ||= tookSub;
    } else if (into[key] === undefined) {
      into[key] = value;
      took = true;
    }
  }
  return took;
}

/** Defines a data property even for keys like "__proto__" that a plain assignment would treat specially. */
export function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty is slow and de-optimises the object, so it is kept for the one key that needs it.
  if (key === "__proto__") Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
