/**
 * normalizeAi() as a whole (collector/normalize/ai/normalize-ai.ts): which spans are AI spans,
 * purity (never a write to the span), never a throw on any value under any dialect key, first
 * match per field, and the price-table option.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { KvList, type AnyValue } from "../../collector/model/any-value.ts";
import type { AiFields } from "../../collector/normalize/ai/ai-fields.ts";
import { mergeFirstWins } from "../../collector/normalize/ai/merge-fields.ts";
import { normalizeAi } from "../../collector/normalize/ai/normalize-ai.ts";
import { PriceTable } from "../../collector/normalize/ai/price-table.ts";
import { AI_RULES } from "../../collector/normalize/ai/rule-order.ts";
import { spanFixtures } from "./support/fixture-files.ts";
import { messageSchemaErrors } from "./support/message-schema.ts";
import { attrs, deepFreeze, emptyResource, event, spanWith } from "./support/span-builders.ts";

describe("normalizeAi", () => {
  test("spans of no AI dialect are not AI spans", () => {
    const plain = [
      spanWith({}),
      spanWith({ "http.request.method": "GET", "url.full": "https://example.com", "http.response.status_code": 200n }),
      // Generic attributes that AI dialects also read do not make an AI span on their own.
      spanWith({ "session.id": "s", "user.id": "u", input: "x", output: "y", metadata: "{}" }),
      spanWith({ "db.system": "postgresql" }, { events: [event("exception", { "exception.message": "boom" })] }),
    ];
    for (const span of plain) assert.equal(normalizeAi(span, emptyResource()), undefined);
  });

  test("an AI span lists the rules that contributed, in rule order", () => {
    const ai = normalizeAi(spanWith({ "gen_ai.operation.name": "chat", "ai.operationId": "ai.generateText.doGenerate", "ai.response.text": "hi" }), emptyResource());
    assert.deepEqual(ai?.dialects, ["otel-genai", "vercel-ai"]);
  });

  test("rules are ordered as documented", () => {
    assert.deepEqual(AI_RULES.map((r) => r.id), ["otel-genai", "otel-genai-events", "openinference", "vercel-ai", "openllmetry", "pydantic-ai", "sightline-langchain"]);
  });

  test("never writes to the span or resource (every fixture, deep-frozen)", () => {
    for (const fixture of spanFixtures()) {
      for (const { span, resource, scope } of fixture.spans) {
        // Frozen copies: a rule that wrote to its input would throw in strict mode.
        const frozen = deepFreeze(structuredCloneSpan(span));
        assert.doesNotThrow(() => normalizeAi(frozen, deepFreeze({ ...resource }), { scope }), fixture.path);
      }
    }
  });

  test("never throws, whatever value sits under whatever dialect key", () => {
    const keys = [...new Set(spanFixtures().flatMap((f) => f.spans.flatMap((s) => s.span.attributes.map((a) => a.key))))];
    const values = hostileValues();
    let checked = 0;
    for (const value of values) {
      for (let offset = 0; offset < keys.length; offset += 7) {
        // Every key gets every hostile value, seven keys at a time, together with a few markers so each rule applies.
        const map: Record<string, AnyValue> = { "gen_ai.operation.name": "chat", "openinference.span.kind": "LLM", "ai.operationId": "ai.generateText.doGenerate", "traceloop.span.kind": "tool", "pydantic_ai.all_messages": "[]" };
        for (const key of keys.slice(offset, offset + 7)) map[key] = value;
        const span = spanWith(map, { events: [event("gen_ai.choice", map), event("gen_ai.user.message", map), event("gen_ai.client.inference.operation.details", map)] });
        const ai = normalizeAi(span, emptyResource());
        assert.ok(ai !== undefined);
        assert.deepStrictEqual(JSON.parse(JSON.stringify(ai)), ai, "the ai object survives JSON");
        // Whatever came in, messages that come out are messages in the OTel shape.
        if (ai.input) assert.deepEqual(messageSchemaErrors("input", ai.input), []);
        if (ai.output) assert.deepEqual(messageSchemaErrors("output", ai.output, ["finish_reason"]), []);
        if (ai.systemInstructions) assert.deepEqual(messageSchemaErrors("system", ai.systemInstructions), []);
        checked++;
      }
    }
    assert.ok(checked > 100);
  });

  test("first match per field; objects merge per sub-field; arrays are taken whole", () => {
    const target: AiFields = { model: "a", usage: { inputTokens: 1 }, finishReasons: ["stop"] };
    const took = mergeFirstWins(target, { model: "b", requestModel: "r", usage: { inputTokens: 2, outputTokens: 3 }, finishReasons: ["length", "stop"] });
    assert.equal(took, true);
    assert.deepEqual(target, { model: "a", requestModel: "r", usage: { inputTokens: 1, outputTokens: 3 }, finishReasons: ["stop"] });
    assert.equal(mergeFirstWins(target, { model: "c", usage: { inputTokens: 9 } }), false, "nothing new taken");
  });

  test("priceTable: null derives no cost; a given table is used instead of the built-in one", () => {
    const span = spanWith({ "gen_ai.operation.name": "chat", "gen_ai.request.model": "my-model", "gen_ai.usage.input_tokens": 1000n, "gen_ai.usage.output_tokens": 10n });
    assert.equal(normalizeAi(span, emptyResource())?.costUsd, undefined, "not in the built-in table");
    const table = new PriceTable([{ model: "mine", match: "^my-model$", input: 0.001, output: 0.01 }]);
    const ai = normalizeAi(span, emptyResource(), { priceTable: table });
    assert.equal(ai?.costUsd, 1.1);
    assert.equal(ai?.costSource, "price-table");
    const gpt = spanWith({ "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 10n });
    assert.ok(normalizeAi(gpt, emptyResource())?.costUsd !== undefined);
    assert.equal(normalizeAi(gpt, emptyResource(), { priceTable: null })?.costUsd, undefined);
  });

  test("structured kvlist messages and JSON-text messages mean the same", () => {
    const structured = new KvList(attrs({ role: "user", parts: [new KvList(attrs({ type: "text", content: "hi" }))] }));
    const a = normalizeAi(spanWith({ "gen_ai.operation.name": "chat", "gen_ai.input.messages": [structured] }), emptyResource());
    const b = normalizeAi(spanWith({ "gen_ai.operation.name": "chat", "gen_ai.input.messages": '[{"role":"user","parts":[{"type":"text","content":"hi"}]}]' }), emptyResource());
    assert.deepEqual(a?.input, [{ role: "user", parts: [{ type: "text", content: "hi" }] }]);
    assert.deepEqual(a, b);
  });
});

function structuredCloneSpan<T>(span: T): T {
  // KvList is a class; structuredClone would drop its prototype, so clone through our own walk.
  const clone = (v: unknown): unknown => {
    if (v instanceof KvList) return new KvList(v.values.map((kv) => ({ key: kv.key, value: clone(kv.value) as AnyValue })));
    if (v instanceof Uint8Array) return new Uint8Array(v);
    if (Array.isArray(v)) return v.map(clone);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
    return v;
  };
  return clone(span) as T;
}

function hostileValues(): AnyValue[] {
  const deep: AnyValue = Array.from({ length: 200 }).reduce<AnyValue>((inner) => new KvList([{ key: "a", value: inner }]), "x");
  return [
    null, "", " ", "null", "[]", "{}", "[", "{", '"', "[{}]", "[null]", '[{"role": 1}]', '[{"parts": 5}]', '{"messages": 7}', "-1", "1e400", "NaN",
    "<script>alert(1)</script>", "\u0000\ud800", true, false, 0, -0, NaN, Infinity, -1, 1.5, 0n, -1n, 2n ** 63n - 1n,
    new Uint8Array([0, 255]), [], [null], [[[]]], ["a", 1n, true], new KvList([]), new KvList([{ key: "__proto__", value: "x" }, { key: "role", value: 5n }]),
    deep, "[".repeat(10_000) + "]".repeat(10_000),
  ];
}
