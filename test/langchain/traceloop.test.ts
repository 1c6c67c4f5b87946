/**
 * @traceloop/instrumentation-langchain (OpenLLMetry) drives the shared scenario through a
 * NodeTracerProvider exporting OTLP to the collector. The assertions state what it sends and what
 * it loses (written down in docs/instrumentation.md): its spans are flat.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as CallbackManagerModule from "@langchain/core/callbacks/manager";
import type { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { LangChainInstrumentation as TraceloopLangChainInstrumentation } from "@traceloop/instrumentation-langchain";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { CANONICAL, checkCanonical } from "./canonical-ai.ts";
import { byStart, fetchAllSpans, jsonAttr, keysWith, only, type ApiSpan } from "./collected-spans.ts";
import { otlpTracerProvider } from "./otlp-tracer-provider.ts";
import { callbacksSeenByAnotherHandler, QUESTION, runScenario, STREAM_ANSWER, STREAM_QUESTION, SYSTEM_PROMPT, type StepName } from "./scenario.ts";

let c: TestCollector;
let provider: NodeTracerProvider;
let all: ApiSpan[];

before(async () => {
  c = await startTestCollector();
  provider = otlpTracerProvider(c.httpUrl, "langchain-traceloop");
  const instrumentation = new TraceloopLangChainInstrumentation();
  instrumentation.manuallyInstrument({ callbackManagerModule: CallbackManagerModule });
  await runScenario();
  await provider.forceFlush();
  all = await fetchAllSpans(c.httpUrl);
});

after(async () => {
  await provider.shutdown();
  await c.close();
});

const text = (s: ApiSpan, key: string): string => String(s.attributes[key] ?? "");

/** A span of each step found by content; the step's spans are its parent's children. */
const ANCHORS: Partial<Record<StepName, (s: ApiSpan) => boolean>> = {
  agent: (s) => s.name === "workflow RunnableLambda" && text(s, "traceloop.entity.input").includes(QUESTION),
  stream: (s) => s.name === "chat gpt-4o-mini" && text(s, "gen_ai.input.messages").includes(STREAM_QUESTION),
  toolError: (s) => s.name === "workflow RunnableLambda" && text(s, "traceloop.entity.input").includes("Atlantis"),
  modelError: (s) => s.name === "chat FakeListChatModel",
};

function stepParent(step: StepName): ApiSpan {
  const anchor = only(all, ANCHORS[step]!, `the anchor of ${step}`);
  return only(all, (s) => s.spanId === anchor.parentSpanId, `the parent of ${step}'s spans`);
}

function stepSpans(step: StepName): ApiSpan[] {
  const parent = stepParent(step);
  return all.filter((s) => s.parentSpanId === parent.spanId).sort(byStart);
}

describe("Traceloop LangChain instrumentation through OTLP into the collector", () => {
  test("GAP: flat spans, every LangChain run a direct child of the caller's span; the run tree is lost", () => {
    const agent = stepSpans("agent");
    assert.ok(stepParent("agent").name.startsWith("scenario "));
    assert.deepEqual(agent.map((s) => [s.name, s.kind]).sort(), [
      ["chat gpt-4o-mini", "client"],
      ["chat gpt-4o-mini", "client"],
      ["execute_tool DynamicStructuredTool", "internal"],
      ["execute_tool DynamicStructuredTool", "internal"],
      ["workflow RunnableLambda", "internal"],
    ]);
    for (const span of agent) assert.equal(all.filter((s) => s.parentSpanId === span.spanId).length, 0, `${span.name} has no children`);
    assert.deepEqual(stepSpans("toolError").map((s) => s.name).sort(), ["chat gpt-4o-mini", "execute_tool DynamicStructuredTool", "workflow RunnableLambda"]);
    assert.deepEqual(stepSpans("stream").map((s) => s.name), ["chat gpt-4o-mini"]);
    assert.deepEqual(stepSpans("modelError").map((s) => s.name), ["chat FakeListChatModel"]);
  });

  test("GAP: no retriever spans at all", () => {
    assert.deepEqual(all.filter((s) => JSON.stringify(s.attributes).includes("umbrella") || s.name.includes("Retriever")), []);
    const retrieveStep = only(all, (s) => s.name === "scenario retrieve", "the retrieve step");
    assert.deepEqual(all.filter((s) => s.parentSpanId === retrieveStep.spanId), []);
  });

  test("chat spans: current GenAI attributes (operation, request model, text-only messages)", () => {
    const [first, second] = stepSpans("agent").filter((s) => s.name === "chat gpt-4o-mini");
    assert.deepEqual(first!.attributes, {
      "gen_ai.provider.name": "langchain",
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.response.model": "gpt-4o-mini",
      "gen_ai.input.messages": first!.attributes["gen_ai.input.messages"],
      "gen_ai.output.messages": first!.attributes["gen_ai.output.messages"],
    });
    assert.deepEqual(jsonAttr(first!, "gen_ai.input.messages"), [
      { role: "system", parts: [{ type: "text", content: SYSTEM_PROMPT }] },
      { role: "user", parts: [{ type: "text", content: QUESTION }] },
    ]);
    assert.deepEqual(jsonAttr(first!, "gen_ai.output.messages"), [{ role: "assistant", parts: [{ type: "text", content: "Let me check the weather and the time." }], finish_reason: "" }]);
    assert.deepEqual(jsonAttr(second!, "gen_ai.input.messages"), [
      { role: "system", parts: [{ type: "text", content: SYSTEM_PROMPT }] },
      { role: "user", parts: [{ type: "text", content: QUESTION }] },
      { role: "assistant", parts: [{ type: "text", content: "Let me check the weather and the time." }] },
      { role: "tool", parts: [{ type: "text", content: "rainy, 57°F in Paris" }] },
      { role: "tool", parts: [{ type: "text", content: "10:42 in Paris" }] },
    ]);
  });

  test("GAP: chat spans lose tool calls, tool call ids, usage (usage_metadata is not read), the response model and id, finish reasons, the provider", () => {
    const [first] = stepSpans("agent").filter((s) => s.name === "chat gpt-4o-mini");
    const parts = (jsonAttr(first!, "gen_ai.output.messages") as Array<{ parts: Array<{ type: string }> }>)[0]!.parts;
    assert.deepEqual(parts.map((p) => p.type), ["text"], "the two tool calls are gone");
    assert.deepEqual(keysWith(first!, "gen_ai.usage."), []);
    assert.equal(first!.attributes["gen_ai.response.model"], "gpt-4o-mini", "the request model again, not gpt-4o-mini-2024-07-18");
    assert.equal(first!.attributes["gen_ai.response.id"], undefined);
    assert.equal(first!.attributes["gen_ai.response.finish_reasons"], undefined);
    assert.equal(first!.attributes["gen_ai.provider.name"], "langchain", "ls_provider (openai) is ignored; only known class names map");
    assert.equal(first!.attributes["gen_ai.conversation.id"], undefined, "no session id from the metadata");
  });

  test("tool spans: execute_tool with traceloop.entity.* only; GAP: named by class, no gen_ai.tool.name, call id, arguments or result attributes", () => {
    const [weather] = stepSpans("agent").filter((s) => s.name === "execute_tool DynamicStructuredTool");
    assert.equal(weather!.attributes["gen_ai.operation.name"], "execute_tool");
    assert.equal(weather!.attributes["traceloop.span.kind"], "task");
    assert.equal(weather!.attributes["traceloop.entity.name"], "DynamicStructuredTool");
    assert.deepEqual(JSON.parse(text(weather!, "traceloop.entity.input")), { args: ['{"city":"Paris"}'] });
    assert.match(text(weather!, "traceloop.entity.output"), /"tool_call_id":"call_weather_1"/, "the call id only inside the serialized ToolMessage");
    assert.deepEqual(keysWith(weather!, "gen_ai.tool."), []);
  });

  test("chain spans: workflow + traceloop.workflow.name; GAP: the run name (weather-agent) is lost and no agent is recognised", () => {
    const [workflow] = stepSpans("agent").filter((s) => s.name.startsWith("workflow"));
    assert.equal(workflow!.attributes["gen_ai.operation.name"], "workflow");
    assert.equal(workflow!.attributes["traceloop.workflow.name"], "RunnableLambda");
    assert.equal(workflow!.attributes["gen_ai.agent.name"], undefined);
    assert.ok(!all.some((s) => s.name.includes("weather-agent")));
  });

  test("streaming: usage (from llmOutput) and the output; GAP: no time to first chunk", () => {
    const [chat] = stepSpans("stream");
    assert.equal(chat!.attributes["gen_ai.usage.input_tokens"], 12);
    assert.equal(chat!.attributes["gen_ai.usage.output_tokens"], 9);
    assert.equal(chat!.attributes["gen_ai.usage.total_tokens"], 21);
    assert.deepEqual(jsonAttr(chat!, "gen_ai.output.messages"), [{ role: "assistant", parts: [{ type: "text", content: STREAM_ANSWER }], finish_reason: "" }]);
    assert.equal(chat!.attributes["gen_ai.response.time_to_first_chunk"], undefined);
  });

  test("errors: status ERROR and an exception event; GAP: no error.type", () => {
    const failing = [...stepSpans("toolError").filter((s) => s.status.code === "error"), ...stepSpans("modelError")];
    assert.deepEqual(failing.map((s) => s.name).sort(), ["chat FakeListChatModel", "execute_tool DynamicStructuredTool", "workflow RunnableLambda"]);
    for (const span of failing) {
      assert.deepEqual(span.events.map((e) => e.name), ["exception"]);
      assert.equal(span.attributes["error.type"], undefined);
    }
    const tool = failing.find((s) => s.name.startsWith("execute_tool"))!;
    assert.deepEqual(tool.status, { code: "error", message: "no such city: Atlantis" });
    assert.equal(tool.events[0]!.attributes["exception.type"], "UnknownCityError");
  });

  test("GAP: it replaces a CallbackManager handed to nested runs, so other callback handlers no longer see them", async () => {
    assert.deepEqual(await callbacksSeenByAnotherHandler(), ["chain"], "without Traceloop: chain, chat, tool, tool, chat (see sightline.test.ts)");
  });

  test("canonical ai fields per scenario step", () => {
    checkCanonical(CANONICAL.traceloop, stepSpans);
  });
});
