import { readFileSync } from "node:fs";
import defaultPrices from "./prices/prices.json" with { type: "json" };

/**
 * Model prices for derived costs (docs/cost.md). One entry per model: a regular expression over
 * the model name and USD per token for each kind of token. The built-in table is
 * prices/prices.json, generated from Langfuse's default price table by prices/build-price-table.ts.
 */
export interface ModelPrice {
  /** A readable name (the source table's modelName). */
  model: string;
  /** A JavaScript regular expression source, tested against the model name. */
  match: string;
  /** RegExp flags ("i" for the source table's "(?i)" prefix). */
  flags?: string;
  /** USD per token. */
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
  /** USD per token for all tokens alike (embeddings and old completion models are priced this way). */
  total?: number;
}

const PRICE_KEYS = ["input", "output", "cacheRead", "cacheWrite", "reasoning", "total"] as const;

/** Model names longer than this never match: no regular expression runs over attacker-sized input. */
const MAX_MODEL_NAME = 256;
/** Distinct model names remembered; lookups run once per name, not once per span. */
const CACHE_LIMIT = 10_000;

export class PriceTable {
  private readonly compiled: Array<{ entry: ModelPrice; pattern: RegExp }>;
  private readonly cache = new Map<string, ModelPrice | null>();

  /** Entries are tried in order; the first whose pattern matches wins. */
  constructor(readonly entries: readonly ModelPrice[]) {
    this.compiled = entries.map((entry) => ({ entry, pattern: new RegExp(entry.match, entry.flags) }));
  }

  find(model: string): ModelPrice | undefined {
    if (model.length === 0 || model.length > MAX_MODEL_NAME) return undefined;
    const cached = this.cache.get(model);
    if (cached !== undefined) return cached ?? undefined;
    const found = this.compiled.find(({ pattern }) => pattern.test(model))?.entry;
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(model, found ?? null);
    return found;
  }
}

/**
 * The built-in table, with the entries of `overridePath` (if given) tried before it. The override
 * file is JSON: `{ "models": [ { "model", "match", "flags"?, "input"?, "output"?, "cacheRead"?,
 * "cacheWrite"?, "reasoning"?, "total"? } ] }` (or the bare array), prices in USD per token.
 * Throws on an unreadable or invalid file: a configuration error is reported at startup.
 */
export function loadPriceTable(overridePath?: string): PriceTable {
  const builtIn = parsePriceEntries(defaultPrices, "built-in prices.json");
  if (overridePath === undefined) return new PriceTable(builtIn);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(overridePath, "utf8"));
  } catch (err) {
    throw new Error(`price table ${overridePath}: ${(err as Error).message}`);
  }
  return new PriceTable([...parsePriceEntries(json, overridePath), ...builtIn]);
}

let builtInTable: PriceTable | undefined;

/** The built-in table, built once. */
export function defaultPriceTable(): PriceTable {
  return (builtInTable ??= loadPriceTable());
}

export function parsePriceEntries(json: unknown, origin: string): ModelPrice[] {
  const list = Array.isArray(json) ? json : isRecord(json) && Array.isArray(json.models) ? json.models : undefined;
  if (list === undefined) throw new Error(`price table ${origin}: expected { "models": [ … ] } or an array`);
  return list.map((item, i) => parseEntry(item, `${origin} entry ${i}`));
}

function parseEntry(item: unknown, where: string): ModelPrice {
  if (!isRecord(item)) throw new Error(`price table ${where}: not an object`);
  const { model, match, flags } = item;
  if (typeof match !== "string" || match.length === 0) throw new Error(`price table ${where}: "match" must be a regular expression`);
  if (flags !== undefined && (typeof flags !== "string" || !/^[imsu]*$/.test(flags))) throw new Error(`price table ${where}: "flags" may hold only i, m, s, u`);
  try {
    new RegExp(match, flags);
  } catch (err) {
    throw new Error(`price table ${where}: ${(err as Error).message}`);
  }
  const entry: ModelPrice = { model: typeof model === "string" ? model : match, match };
  if (flags) entry.flags = flags;
  for (const key of PRICE_KEYS) {
    const value = item[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new Error(`price table ${where}: "${key}" must be a non-negative number (USD per token)`);
    entry[key] = value;
  }
  return entry;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
