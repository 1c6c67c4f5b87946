/**
 * Hostile content through the AI rules: huge prompts, huge and many list indexes, nesting far past
 * any sane depth, odd characters. Never a throw, nothing quadratic, content kept verbatim. (Small
 * hostile cases with exact expected output are goldens under fixtures/cases/hostile.)
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { KvList, type AnyValue } from "../../collector/model/any-value.ts";
import { normalizeAi } from "../../collector/normalize/ai/normalize-ai.ts";
import { emptyResource, spanWith } from "./support/span-builders.ts";

const MB = 1024 * 1024;

function timed<T>(run: () => T): { result: T; ms: number } {
  const start = process.hrtime.bigint();
  const result = run();
  return { result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

describe("hostile content in AI spans", () => {
  test("a 1 MB prompt is kept whole in every message carrier", () => {
    const text = "<p>" + "x".repeat(MB) + "</p>";
    const carriers: Array<Record<string, AnyValue>> = [
      { "gen_ai.operation.name": "chat", "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: text }] }]) },
      { "openinference.span.kind": "LLM", "llm.input_messages.0.message.role": "user", "llm.input_messages.0.message.content": text },
      { "ai.operationId": "ai.generateText.doGenerate", "ai.prompt.messages": JSON.stringify([{ role: "user", content: text }]) },
      { "llm.request.type": "chat", "gen_ai.prompt.0.role": "user", "gen_ai.prompt.0.content": text },
    ];
    for (const map of carriers) {
      const { result: ai, ms } = timed(() => normalizeAi(spanWith(map), emptyResource()));
      const part = ai?.input?.[0]?.parts[0];
      assert.ok(part && part.type === "text" && part.content === text, `kept verbatim (${Object.keys(map)[1]})`);
      assert.ok(ms < 2000, `${ms} ms`);
    }
  });

  test("index 10^9 makes one message, not a billion-slot array", () => {
    const { result: ai, ms } = timed(() =>
      normalizeAi(spanWith({ "openinference.span.kind": "LLM", "llm.input_messages.1000000000.message.role": "user", "llm.input_messages.1000000000.message.content": "hi", "gen_ai.prompt.999999999999999.content": "x" }), emptyResource()),
    );
    assert.equal(ai?.input?.length, 1);
    assert.ok(ms < 100, `${ms} ms`);
  });

  test("100,000 flattened message attributes are read in near-linear time", () => {
    const map: Record<string, AnyValue> = { "openinference.span.kind": "LLM" };
    // Reverse order and sparse indexes: sorting, not position, puts them in order.
    for (let i = 50_000; i > 0; i--) {
      map[`llm.input_messages.${i * 7919}.message.role`] = i % 2 ? "user" : "assistant";
      map[`llm.input_messages.${i * 7919}.message.content`] = `m${i}`;
    }
    const { result: ai, ms } = timed(() => normalizeAi(spanWith(map), emptyResource()));
    assert.equal(ai?.input?.length, 50_000);
    assert.deepEqual(ai?.input?.[0], { role: "user", parts: [{ type: "text", content: "m1" }] });
    assert.ok(ms < 5000, `${ms} ms — quadratic work would take minutes`);
  });

  test("100,000-deep JSON text in message and argument attributes stays raw text", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const ai = normalizeAi(spanWith({ "gen_ai.operation.name": "execute_tool", "gen_ai.input.messages": deep, "gen_ai.tool.call.arguments": deep, "gen_ai.tool.name": "t" }), emptyResource());
    assert.equal(ai?.inputValue, deep);
    assert.equal(ai?.tool?.arguments, deep);
    assert.doesNotThrow(() => JSON.stringify(ai));
  });

  test("a 100,000-deep structured value is dropped from the ai object, not followed", () => {
    let deep: AnyValue = "leaf";
    for (let i = 0; i < 100_000; i++) deep = new KvList([{ key: "a", value: deep }]);
    const ai = normalizeAi(spanWith({ "gen_ai.operation.name": "chat", "gen_ai.input.messages": deep, "gen_ai.request.extra": deep, "gen_ai.request.model": "m" }), emptyResource());
    assert.equal(ai?.input, undefined);
    assert.equal(ai?.parameters, undefined);
    assert.equal(ai?.model, "m");
    assert.doesNotThrow(() => JSON.stringify(ai));
  });

  test("NUL, lone surrogates, right-to-left marks and emoji are kept as sent", () => {
    const text = "a\u0000b\ud800c\u202e🙂";
    const ai = normalizeAi(spanWith({ "gen_ai.operation.name": "chat", "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: text }] }]), "gen_ai.conversation.id": text }), emptyResource());
    assert.deepEqual(ai?.input?.[0]?.parts[0], { type: "text", content: text });
    assert.equal(ai?.sessionId, text);
  });

  test("many distinct model names do not grow the price cache without bound or slow lookups", () => {
    const { ms } = timed(() => {
      for (let i = 0; i < 30_000; i++) {
        normalizeAi(spanWith({ "gen_ai.operation.name": "chat", "gen_ai.request.model": `model-${i}-${"z".repeat(200)}`, "gen_ai.usage.input_tokens": 1n }), emptyResource());
      }
    });
    assert.ok(ms < 10_000, `${ms} ms`);
  });
});
