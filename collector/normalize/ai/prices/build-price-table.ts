/**
 * Builds prices.json (the built-in price table, price-table.ts) from Langfuse's default model
 * price table (langfuse/langfuse worker/src/constants/default-model-prices.json, MIT).
 *
 *   npx tsx collector/normalize/ai/prices/build-price-table.ts <default-model-prices.json> [out.json]
 *
 * For each model: its matchPattern with the leading "(?i)" turned into the "i" flag, and the
 * prices of its default pricing tier (isDefault; tiers with conditions such as long-context or
 * priority service are left out). Langfuse keys one price under several usage names (input,
 * input_tokens, prompt_token_count, …); each canonical price takes the first name present, and
 * synonyms that disagree are reported. Audio, image, search-query and 1-hour-cache prices have no
 * canonical field and are dropped. Entries keep the file's order (see docs/cost.md).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ModelPrice } from "../price-table.ts";

const SOURCE = {
  repository: "langfuse/langfuse",
  path: "worker/src/constants/default-model-prices.json",
  commit: "62751446149b702b419a9292ddfc2280cdf74b8c",
  license: "MIT (Expat), per the repository's LICENSE for files outside ee/",
};

/** Canonical price → the Langfuse usage names that carry it, most specific first. */
const SYNONYMS: Record<Exclude<keyof ModelPrice, "model" | "match" | "flags">, readonly string[]> = {
  input: ["input", "input_tokens", "prompt_token_count", "promptTokenCount", "input_text", "input_text_tokens"],
  output: ["output", "output_tokens", "candidates_token_count", "candidatesTokenCount", "output_text", "output_text_tokens"],
  cacheRead: ["input_cache_read", "input_cached_tokens", "cache_read_input_tokens", "cached_content_token_count", "input_cached_text_tokens"],
  // Anthropic's default cache lifetime is 5 minutes; input_cache_creation is that price.
  cacheWrite: ["input_cache_creation", "cache_creation_input_tokens", "input_cache_creation_5m", "cache_write_tokens"],
  reasoning: ["output_reasoning", "output_reasoning_tokens", "reasoning_tokens", "thoughts_token_count", "thoughtsTokenCount"],
  total: ["total"],
};

interface LangfuseTier {
  isDefault?: boolean;
  prices?: Record<string, unknown>;
}
interface LangfuseModel {
  id?: string;
  modelName?: string;
  matchPattern?: string;
  pricingTiers?: LangfuseTier[];
}

function main(): void {
  const [sourcePath, outArg] = process.argv.slice(2);
  if (!sourcePath) {
    console.error("usage: build-price-table.ts <langfuse default-model-prices.json> [out.json]");
    process.exit(2);
  }
  const outPath = outArg ?? join(dirname(fileURLToPath(import.meta.url)), "prices.json");
  const models = JSON.parse(readFileSync(sourcePath, "utf8")) as LangfuseModel[];
  const warnings: string[] = [];
  const entries: ModelPrice[] = [];
  for (const m of models) {
    const name = m.modelName ?? m.id ?? "?";
    if (typeof m.matchPattern !== "string") {
      warnings.push(`${name}: no matchPattern, skipped`);
      continue;
    }
    const tier = m.pricingTiers?.find((t) => t.isDefault) ?? (m.pricingTiers?.length === 1 ? m.pricingTiers[0] : undefined);
    if (!tier?.prices) {
      warnings.push(`${name}: no default pricing tier, skipped`);
      continue;
    }
    const caseless = m.matchPattern.startsWith("(?i)");
    const entry: ModelPrice = { model: name, match: caseless ? m.matchPattern.slice(4) : m.matchPattern };
    if (caseless) entry.flags = "i";
    try {
      new RegExp(entry.match, entry.flags);
    } catch (err) {
      warnings.push(`${name}: pattern does not compile in JavaScript (${(err as Error).message}), skipped`);
      continue;
    }
    let priced = false;
    for (const [field, names] of Object.entries(SYNONYMS) as Array<[keyof typeof SYNONYMS, readonly string[]]>) {
      const values = names.map((n) => tier.prices![n]).filter((v): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0);
      if (values.length === 0) continue;
      if (values.some((v) => v !== values[0])) warnings.push(`${name}: ${field} synonyms disagree (${values.join(", ")}); took ${values[0]}`);
      entry[field] = values[0];
      priced = true;
    }
    if (!priced) {
      warnings.push(`${name}: no input, output or total price, skipped`);
      continue;
    }
    entries.push(entry);
  }
  // File order is match order: report a model that its own pattern matches but an earlier pattern claims first.
  const patterns = entries.map((e) => new RegExp(e.match, e.flags));
  entries.forEach((entry, i) => {
    if (!patterns[i]!.test(entry.model)) return;
    const earlier = patterns.findIndex((p, j) => j < i && p.test(entry.model));
    if (earlier >= 0) warnings.push(`${entry.model}: shadowed by the earlier pattern of ${entries[earlier]!.model}`);
  });
  const table = {
    source: { ...SOURCE, generatedAt: new Date().toISOString().slice(0, 10), generator: "collector/normalize/ai/prices/build-price-table.ts" },
    note: "Generated file; do not edit by hand. Prices in USD per token, default pricing tier only; entries are tried in order and the first matching pattern wins (docs/cost.md).",
    models: entries,
  };
  writeFileSync(outPath, JSON.stringify(table, null, 1) + "\n");
  for (const w of warnings) console.error(`warning: ${w}`);
  console.error(`${entries.length} of ${models.length} models written to ${outPath}`);
}

main();
