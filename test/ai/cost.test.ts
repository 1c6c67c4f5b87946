/**
 * Derived costs (collector/normalize/ai/cost.ts, price-table.ts; docs/cost.md): model matching
 * order, user overrides, cache tokens per provider convention, reasoning tokens, per-total prices,
 * and the span's own cost winning.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { AnyValue } from "../../collector/model/any-value.ts";
import type { AiUsage } from "../../collector/normalize/ai/ai-fields.ts";
import { costOf, inputIncludesCache } from "../../collector/normalize/ai/cost.ts";
import { normalizeAi } from "../../collector/normalize/ai/normalize-ai.ts";
import { defaultPriceTable, loadPriceTable, PriceTable, type ModelPrice } from "../../collector/normalize/ai/price-table.ts";
import { emptyResource, spanWith } from "./support/span-builders.ts";

const PRICE: ModelPrice = { model: "m", match: "^m$", input: 1, output: 10, cacheRead: 0.1, cacheWrite: 2 };

function chat(map: Record<string, AnyValue>, table?: PriceTable) {
  return normalizeAi(spanWith({ "gen_ai.operation.name": "chat", ...map }), emptyResource(), table ? { priceTable: table } : {});
}

describe("price table", () => {
  test("the built-in table prices known models by their Langfuse patterns (case-insensitive, provider prefixes)", () => {
    const table = defaultPriceTable();
    assert.equal(table.find("gpt-4o")?.model, "gpt-4o");
    assert.equal(table.find("GPT-4o")?.model, "gpt-4o");
    assert.equal(table.find("openai/gpt-4o")?.model, "gpt-4o");
    assert.equal(table.find("gpt-4o-mini-2024-07-18")?.model, "gpt-4o-mini-2024-07-18");
    assert.equal(table.find("anthropic.claude-3-5-haiku-20241022-v1:0")?.model, "claude-3-5-haiku-20241022");
    assert.equal(table.find("gpt-4o-extra"), undefined, "patterns are anchored");
    assert.equal(table.find("x".repeat(1000)), undefined);
  });

  test("entries are tried in order: the first match wins", () => {
    const table = new PriceTable([
      { model: "specific", match: "^gpt-4o-mini$", input: 1, output: 1 },
      { model: "broad", match: "^gpt-4o", input: 2, output: 2 },
    ]);
    assert.equal(table.find("gpt-4o-mini")?.model, "specific");
    assert.equal(table.find("gpt-4o")?.model, "broad");
  });

  test("an override file's entries come before the built-in ones", () => {
    const dir = mkdtempSync(join(tmpdir(), "sightline-prices-"));
    try {
      const file = join(dir, "prices.json");
      writeFileSync(file, JSON.stringify({ models: [{ model: "our gpt-4o deal", match: "^gpt-4o$", flags: "i", input: 0.000001, output: 0.000002 }, { model: "in-house", match: "^llama-local$", total: 0 }] }));
      const table = loadPriceTable(file);
      assert.equal(table.find("gpt-4o")?.model, "our gpt-4o deal");
      assert.equal(table.find("llama-local")?.model, "in-house");
      assert.equal(table.find("gpt-4o-mini")?.model, "gpt-4o-mini", "the built-in entries follow");
      assert.equal(chat({ "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 1000n, "gen_ai.usage.output_tokens": 1000n }, table)?.costUsd, 0.003);
      // A bare array works too.
      writeFileSync(file, JSON.stringify([{ model: "a", match: "^a$", input: 1, output: 1 }]));
      assert.equal(loadPriceTable(file).find("a")?.model, "a");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a broken override file is a clear startup error", () => {
    const dir = mkdtempSync(join(tmpdir(), "sightline-prices-"));
    try {
      const file = join(dir, "prices.json");
      const cases: Array<[string, RegExp]> = [
        ["{", /price table .*prices\.json/],
        ['{"models": 3}', /expected \{ "models"/],
        ['[{"match": "("}]', /entry 0/],
        ['[{"match": "^a$", "input": -1}]', /"input" must be a non-negative number/],
        ['[{"match": "^a$", "flags": "g"}]', /"flags"/],
      ];
      for (const [text, message] of cases) {
        writeFileSync(file, text);
        assert.throws(() => loadPriceTable(file), message, text);
      }
      assert.throws(() => loadPriceTable(join(dir, "missing.json")), /price table/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("cost", () => {
  test("the response model is priced first, then the request model", () => {
    const table = new PriceTable([
      { model: "resp", match: "^resp$", input: 1, output: 1 },
      { model: "req", match: "^req$", input: 2, output: 2 },
    ]);
    assert.equal(chat({ "gen_ai.request.model": "req", "gen_ai.response.model": "resp", "gen_ai.usage.input_tokens": 1n }, table)?.costUsd, 1);
    assert.equal(chat({ "gen_ai.request.model": "req", "gen_ai.response.model": "unknown", "gen_ai.usage.input_tokens": 1n }, table)?.costUsd, 2);
  });

  test("OpenAI counts cached tokens inside the input: they are priced once, at the cache price", () => {
    const usage: AiUsage = { inputTokens: 1000, outputTokens: 10, cacheReadTokens: 800 };
    assert.equal(costOf(usage, PRICE, "openai", "m"), 200 * 1 + 800 * 0.1 + 10 * 10);
  });

  test("Anthropic (and Bedrock, and any Claude) report cache tokens beside the input: all priced", () => {
    const usage: AiUsage = { inputTokens: 100, outputTokens: 10, cacheReadTokens: 800, cacheWriteTokens: 50 };
    const expected = 100 * 1 + 800 * 0.1 + 50 * 2 + 10 * 10;
    assert.equal(costOf(usage, PRICE, "anthropic", "m"), expected);
    assert.equal(costOf(usage, PRICE, "aws.bedrock", "m"), expected);
    assert.equal(costOf(usage, PRICE, "gcp.vertex_ai", "claude-sonnet-4@20250514"), expected);
  });

  test("which convention applies: impossible counts, then the dialect's word, then the total, then the provider", () => {
    assert.equal(inputIncludesCache({ inputTokens: 100, cacheReadTokens: 800 }, "openai", undefined), false, "800 cached of 100 cannot be inside");
    assert.equal(inputIncludesCache({ inputTokens: 900, cacheReadTokens: 800, inputIncludesCache: true }, "anthropic", undefined), true, "the current OTel names say included");
    assert.equal(inputIncludesCache({ inputTokens: 100, outputTokens: 5, totalTokens: 905, cacheReadTokens: 800 }, "openai", undefined), false, "total = input + output + cache");
    assert.equal(inputIncludesCache({ inputTokens: 900, cacheReadTokens: 800 }, "openai", undefined), true);
    assert.equal(inputIncludesCache({ inputTokens: 900, cacheReadTokens: 800 }, "anthropic", undefined), false);
    assert.equal(inputIncludesCache({ inputTokens: 900 }, "anthropic", undefined), true, "no cache tokens: nothing to decide");
  });

  test("cache tokens without a cache price cost the input price", () => {
    assert.equal(costOf({ inputTokens: 1000, cacheReadTokens: 800 }, { model: "m", match: "m", input: 1, output: 1 }, "openai", "m"), 1000);
  });

  test("reasoning tokens are part of the output, at the reasoning price where there is one", () => {
    assert.equal(costOf({ outputTokens: 100, reasoningTokens: 60 }, PRICE, "openai", "m"), 1000);
    assert.equal(costOf({ outputTokens: 100, reasoningTokens: 60 }, { ...PRICE, reasoning: 20 }, "openai", "m"), 40 * 10 + 60 * 20);
    // More reasoning than output: they cannot be inside it, so they are priced on top.
    assert.equal(costOf({ outputTokens: 10, reasoningTokens: 60 }, PRICE, "gcp.gemini", "m"), 700);
  });

  test("a per-total price applies to the total, else to input + output", () => {
    const total: ModelPrice = { model: "e", match: "e", total: 2 };
    assert.equal(costOf({ inputTokens: 10 }, total, "openai", "e"), 20);
    assert.equal(costOf({ totalTokens: 7, inputTokens: 10 }, total, "openai", "e"), 14);
    assert.equal(costOf({}, total, "openai", "e"), undefined);
    assert.equal(costOf({}, PRICE, "openai", "m"), undefined, "no tokens, no cost");
  });

  test("the span's own cost wins over the table; chains and agents get no derived cost", () => {
    const own = normalizeAi(spanWith({ "openinference.span.kind": "LLM", "llm.model_name": "gpt-4o", "llm.token_count.prompt": 1000n, "llm.cost.total": 0.5 }), emptyResource());
    assert.deepEqual([own?.costUsd, own?.costSource], [0.5, "span"]);
    const derived = normalizeAi(spanWith({ "openinference.span.kind": "LLM", "llm.model_name": "gpt-4o", "llm.token_count.prompt": 1000n }), emptyResource());
    assert.deepEqual([derived?.costUsd, derived?.costSource], [0.0025, "price-table"]);
    // A chain's usage is its children's sum; pricing it too would count the calls twice in a rollup.
    const chain = normalizeAi(spanWith({ "openinference.span.kind": "CHAIN", "llm.model_name": "gpt-4o", "llm.token_count.prompt": 1000n }), emptyResource());
    assert.equal(chain?.costUsd, undefined);
    assert.equal(chain?.usage?.inputTokens, 1000);
  });
});
