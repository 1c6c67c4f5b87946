/**
 * traceAgent / traceLlmCall / traceTool (agents without LangChain) through register() and OTLP
 * into the collector: the same span model as LangChainInstrumentation.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { register, traceAgent, traceLlmCall, traceTool, type Registration } from "../../instrumentation/index.ts";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { jsonAttr, only, shapeOf, tracedSpans, type ApiSpan } from "./collected-spans.ts";
import { pause } from "./scripted-chat-model.ts";

let c: TestCollector;
let sdk: Registration;

before(async () => {
  c = await startTestCollector();
  sdk = register({ endpoint: c.httpUrl, serviceName: "agent-helpers" });
});

after(async () => {
  await sdk.shutdown();
  await c.close();
});

function traced(fn: () => Promise<unknown>): Promise<ApiSpan[]> {
  return tracedSpans(c.httpUrl, "helpers-test", "request", fn, () => sdk.forceFlush());
}

describe("agent helpers through OTLP into the collector", () => {
  test("an agent with an LLM call (messages, usage, streaming) and a tool: invoke_agent › chat + execute_tool, ids inherited", async () => {
    let answer: unknown;
    const spans = await traced(async () => {
      answer = await traceAgent({ name: "trip-planner", conversationId: "conv-9", userId: "u-1", input: "Plan a weekend in Lisbon" }, async () => {
        await traceLlmCall(
          { provider: "anthropic", model: "claude-sonnet-4-5", systemInstructions: "Be brief.", input: [{ role: "user", content: "Plan a weekend in Lisbon" }], parameters: { temperature: 0.3, maxTokens: 200 } },
          async (call) => {
            await pause(5);
            call.firstChunk();
            await pause(2);
            call.record({
              output: [{ role: "assistant", parts: [{ type: "text", content: "Searching." }, { type: "tool_call", id: "call_1", name: "search", arguments: { q: "Lisbon" } }] }],
              usage: { inputTokens: 50, outputTokens: 12, cacheReadTokens: 40 },
              responseModel: "claude-sonnet-4-5-20250929",
              responseId: "msg_1",
              finishReasons: ["tool_use"],
            });
          },
        );
        await traceTool({ name: "search", callId: "call_1", description: "Web search", arguments: { q: "Lisbon" } }, async () => {
          await pause();
          return { hits: 3 };
        });
        return "Go to Alfama on Saturday.";
      });
    });
    assert.equal(answer, "Go to Alfama on Saturday.");
    const root = only(spans, (s) => s.parentSpanId === "", "root");
    assert.deepEqual(shapeOf(spans, root), ["request", "internal", [["invoke_agent trip-planner", "internal", [["chat claude-sonnet-4-5", "client", []], ["execute_tool search", "internal", []]]]]]);
    const agent = only(spans, (s) => s.name === "invoke_agent trip-planner", "agent");
    assert.equal(agent.attributes["gen_ai.operation.name"], "invoke_agent");
    assert.equal(agent.attributes["gen_ai.agent.name"], "trip-planner");
    assert.deepEqual(jsonAttr(agent, "gen_ai.input.messages"), [{ role: "user", parts: [{ type: "text", content: "Plan a weekend in Lisbon" }] }]);
    assert.deepEqual(jsonAttr(agent, "gen_ai.output.messages"), [{ role: "assistant", parts: [{ type: "text", content: "Go to Alfama on Saturday." }], finish_reason: "stop" }]);
    const chat = only(spans, (s) => s.name === "chat claude-sonnet-4-5", "chat");
    const { "gen_ai.input.messages": _in, "gen_ai.output.messages": _out, "gen_ai.system_instructions": _sys, "gen_ai.response.time_to_first_chunk": ttfc, ...rest } = chat.attributes;
    assert.deepEqual(rest, {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "anthropic",
      "gen_ai.request.model": "claude-sonnet-4-5",
      "gen_ai.request.temperature": 0.3,
      "gen_ai.request.max_tokens": 200,
      "gen_ai.request.stream": true,
      "gen_ai.response.model": "claude-sonnet-4-5-20250929",
      "gen_ai.response.id": "msg_1",
      "gen_ai.response.finish_reasons": ["tool_use"],
      "gen_ai.usage.input_tokens": 50,
      "gen_ai.usage.output_tokens": 12,
      "gen_ai.usage.cache_read.input_tokens": 40,
      "gen_ai.conversation.id": "conv-9",
      "user.id": "u-1",
    });
    assert.ok((ttfc as number) >= 0.004, `time to first chunk ${ttfc}`);
    assert.deepEqual(jsonAttr(chat, "gen_ai.system_instructions"), [{ type: "text", content: "Be brief." }]);
    assert.deepEqual(jsonAttr(chat, "gen_ai.output.messages"), [
      { role: "assistant", parts: [{ type: "text", content: "Searching." }, { type: "tool_call", id: "call_1", name: "search", arguments: { q: "Lisbon" } }], finish_reason: "tool_call" },
    ]);
    const tool = only(spans, (s) => s.name === "execute_tool search", "tool");
    assert.deepEqual(tool.attributes, {
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "search",
      "gen_ai.tool.type": "function",
      "gen_ai.tool.call.id": "call_1",
      "gen_ai.tool.description": "Web search",
      "gen_ai.tool.call.arguments": '{"q":"Lisbon"}',
      "gen_ai.tool.call.result": '{"hits":3}',
      "gen_ai.conversation.id": "conv-9",
      "user.id": "u-1",
    });
  });

  test("a result mapper reads usage and output from the function's return value; captureContent: false keeps messages out", async () => {
    const spans = await traced(() =>
      traceLlmCall(
        {
          provider: "openai",
          model: "gpt-4o-mini",
          captureContent: false,
          input: "secret question",
          result: (r) => {
            const reply = r as { text: string; usage: { prompt: number; completion: number } };
            return { output: reply.text, usage: { inputTokens: reply.usage.prompt, outputTokens: reply.usage.completion } };
          },
        },
        async () => ({ text: "secret answer", usage: { prompt: 7, completion: 3 } }),
      ),
    );
    const chat = only(spans, (s) => s.name === "chat gpt-4o-mini", "chat");
    assert.equal(chat.attributes["gen_ai.usage.input_tokens"], 7);
    assert.equal(chat.attributes["gen_ai.usage.output_tokens"], 3);
    assert.equal(chat.attributes["gen_ai.input.messages"], undefined);
    assert.equal(chat.attributes["gen_ai.output.messages"], undefined);
  });

  test("errors: the tool and the agent fail with status, error.type and an exception event; the error is rethrown", async () => {
    class QuotaError extends Error {
      override name = "QuotaError";
    }
    let thrown: unknown;
    const spans = await traced(async () => {
      try {
        await traceAgent("fragile", () => traceTool("charge-card", () => Promise.reject(new QuotaError("over quota"))));
      } catch (err) {
        thrown = err;
      }
    });
    assert.ok(thrown instanceof QuotaError);
    for (const name of ["invoke_agent fragile", "execute_tool charge-card"]) {
      const span = only(spans, (s) => s.name === name, name);
      assert.deepEqual(span.status, { code: "error", message: "over quota" });
      assert.equal(span.attributes["error.type"], "QuotaError");
      assert.deepEqual(span.events.map((e) => [e.name, e.attributes["exception.type"]]), [["exception", "QuotaError"]]);
    }
  });
});
