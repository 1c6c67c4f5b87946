/**
 * Sightline's LangChainInstrumentation, installed with register() (the OTel Node SDK, OTLP/HTTP
 * protobuf), drives the shared scenario; everything is read back from the collector's API.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as CallbackManagerModule from "@langchain/core/callbacks/manager";
import { HumanMessage } from "@langchain/core/messages";
import { LangChainInstrumentation, register, Run, type Registration } from "../../instrumentation/index.ts";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { get } from "../support/otlp.ts";
import { CANONICAL, checkCanonical } from "./canonical-ai.ts";
import { fetchTrace, jsonAttr, keysWith, named, only, shapeOf, type ApiSpan } from "./collected-spans.ts";
import {
  callbacksSeenByAnotherHandler,
  CONVERSATION_ID,
  FINAL_ANSWER,
  FIRST_CHUNK_DELAY_MS,
  QUESTION,
  RETRIEVAL_QUERY,
  runScenario,
  STREAM_ANSWER,
  STREAM_QUESTION,
  STREAM_THREAD_ID,
  SYSTEM_PROMPT,
  USER_ID,
  weatherAgent,
  FINAL_ANSWER_MESSAGE,
  TOOL_CALLS_ANSWER,
  type ScenarioRun,
  type StepName,
} from "./scenario.ts";
import { ScriptedChatModel } from "./scripted-chat-model.ts";

let c: TestCollector;
let sdk: Registration;
let scenario: ScenarioRun;
const traces = new Map<StepName, ApiSpan[]>();

before(async () => {
  c = await startTestCollector();
  const instrumentation = new LangChainInstrumentation();
  sdk = register({ endpoint: c.httpUrl, serviceName: "langchain-sightline", instrumentations: [instrumentation] });
  // ESM: enable() imports the app's copy of the callback manager and patches it (no manuallyInstrument here).
  await instrumentation.ready;
  assert.notEqual(CallbackManagerModule.CallbackManager._configureSync.name, "_configureSync", "the ESM copy is patched");
  scenario = await runScenario();
  await sdk.forceFlush();
  for (const [step, run] of Object.entries(scenario) as Array<[StepName, ScenarioRun[StepName]]>) traces.set(step, await fetchTrace(c.httpUrl, run.traceId));
});

after(async () => {
  await sdk.shutdown();
  await c.close();
});

function step(name: StepName): ApiSpan[] {
  return traces.get(name)!;
}

function root(name: StepName): ApiSpan {
  return only(step(name), (s) => s.parentSpanId === "", `the root of ${name}`);
}

const TOOL_CALL_PARTS = [
  { type: "tool_call", id: "call_weather_1", name: "get_weather", arguments: { city: "Paris" } },
  { type: "tool_call", id: "call_time_1", name: "get_time", arguments: { city: "Paris" } },
];

describe("LangChainInstrumentation through OTLP into the collector", () => {
  test("the spans nest exactly as LangChain's run tree, under the caller's active span", () => {
    assert.deepEqual(shapeOf(step("agent"), root("agent")), [
      "scenario agent",
      "internal",
      [
        [
          "invoke_agent weather-agent",
          "internal",
          [
            ["chat gpt-4o-mini", "client", []],
            ["execute_tool get_weather", "internal", []],
            ["execute_tool get_time", "internal", []],
            ["chat gpt-4o-mini", "client", []],
          ],
        ],
      ],
    ]);
    assert.deepEqual(shapeOf(step("stream"), root("stream")), ["scenario stream", "internal", [["chat gpt-4o-mini", "client", []]]]);
    assert.deepEqual(shapeOf(step("retrieve"), root("retrieve")), ["scenario retrieve", "internal", [["retrieval FaqRetriever", "client", []]]]);
    assert.deepEqual(shapeOf(step("toolError"), root("toolError")), [
      "scenario toolError",
      "internal",
      [["invoke_agent weather-agent", "internal", [["chat gpt-4o-mini", "client", []], ["execute_tool get_time", "internal", []]]]],
    ]);
    assert.deepEqual(shapeOf(step("modelError"), root("modelError")), ["scenario modelError", "internal", [["chat", "client", []]]]);
    for (const span of [...traces.values()].flat().filter((s) => !s.name.startsWith("scenario"))) {
      assert.equal(span.scope.name, "sightline-instrumentation-langchain");
      assert.equal(span.resource.attributes["service.name"], "langchain-sightline");
    }
  });

  test("chat spans: operation, provider, request and response models, parameters, usage with cache and reasoning, finish reasons, response id", () => {
    const [first, second] = named(step("agent"), "chat gpt-4o-mini");
    assert.deepEqual(pick(first!, "gen_ai.", ["gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions"]), {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.request.temperature": 0.2,
      "gen_ai.request.max_tokens": 256,
      "gen_ai.request.top_p": 0.9,
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.response.id": "chatcmpl-agent-1",
      "gen_ai.response.finish_reasons": ["tool_calls"],
      "gen_ai.usage.input_tokens": 120,
      "gen_ai.usage.output_tokens": 30,
      "gen_ai.usage.cache_read.input_tokens": 100,
      "gen_ai.usage.reasoning.output_tokens": 8,
      "gen_ai.conversation.id": CONVERSATION_ID,
    });
    assert.equal(first!.attributes["user.id"], USER_ID);
    assert.equal(second!.attributes["gen_ai.response.id"], "chatcmpl-agent-2");
    assert.deepEqual(second!.attributes["gen_ai.response.finish_reasons"], ["stop"]);
    assert.equal(second!.attributes["gen_ai.usage.input_tokens"], 200);
    assert.equal(second!.attributes["gen_ai.usage.output_tokens"], 20);
    assert.equal(second!.attributes["gen_ai.usage.cache_read.input_tokens"], undefined, "no cache reported, none invented");
    assert.equal(first!.attributes["gen_ai.tool.definitions"], undefined, "tool definitions are opt-in");
  });

  test("messages in the GenAI parts format: system instructions, history with tool calls and tool results, outputs with tool calls", () => {
    const [first, second] = named(step("agent"), "chat gpt-4o-mini");
    assert.deepEqual(jsonAttr(first!, "gen_ai.system_instructions"), [{ type: "text", content: SYSTEM_PROMPT }]);
    assert.deepEqual(jsonAttr(first!, "gen_ai.input.messages"), [{ role: "user", parts: [{ type: "text", content: QUESTION }] }]);
    assert.deepEqual(jsonAttr(first!, "gen_ai.output.messages"), [
      { role: "assistant", parts: [{ type: "text", content: "Let me check the weather and the time." }, ...TOOL_CALL_PARTS], finish_reason: "tool_call" },
    ]);
    assert.deepEqual(jsonAttr(second!, "gen_ai.input.messages"), [
      { role: "user", parts: [{ type: "text", content: QUESTION }] },
      { role: "assistant", parts: [{ type: "text", content: "Let me check the weather and the time." }, ...TOOL_CALL_PARTS] },
      { role: "tool", parts: [{ type: "tool_call_response", id: "call_weather_1", response: "rainy, 57°F in Paris" }] },
      { role: "tool", parts: [{ type: "tool_call_response", id: "call_time_1", response: "10:42 in Paris" }] },
    ]);
    assert.deepEqual(jsonAttr(second!, "gen_ai.output.messages"), [{ role: "assistant", parts: [{ type: "text", content: FINAL_ANSWER }], finish_reason: "stop" }]);
  });

  test("execute_tool spans: name, type, call id, description (from the tool definitions the model was offered), arguments, result", () => {
    const weather = only(step("agent"), (s) => s.name === "execute_tool get_weather", "get_weather");
    assert.deepEqual(pick(weather, "gen_ai."), {
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "get_weather",
      "gen_ai.tool.type": "function",
      "gen_ai.tool.call.id": "call_weather_1",
      "gen_ai.tool.description": "Current weather for a city.",
      "gen_ai.tool.call.arguments": '{"city":"Paris"}',
      "gen_ai.tool.call.result": "rainy, 57°F in Paris",
      "gen_ai.conversation.id": CONVERSATION_ID,
    });
    const time = only(step("agent"), (s) => s.name === "execute_tool get_time", "get_time");
    assert.equal(time.attributes["gen_ai.tool.call.id"], "call_time_1");
    assert.equal(time.attributes["gen_ai.tool.call.result"], "10:42 in Paris");
    assert.equal(time.attributes["gen_ai.tool.description"], "Local time in a city.");
  });

  test("invoke_agent span: agent name, conversation and user ids from the run metadata, messages, the provider and model of its model calls", () => {
    const agent = only(step("agent"), (s) => s.name === "invoke_agent weather-agent", "the agent");
    assert.deepEqual(pick(agent, "gen_ai.", ["gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions"]), {
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": "weather-agent",
      "gen_ai.conversation.id": CONVERSATION_ID,
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
    });
    assert.equal(agent.attributes["user.id"], USER_ID);
    assert.equal(keysWith(agent, "gen_ai.usage.").length, 0, "usage stays on the model calls: no double counting");
    assert.deepEqual(jsonAttr(agent, "gen_ai.system_instructions"), [{ type: "text", content: SYSTEM_PROMPT }]);
    assert.deepEqual(jsonAttr(agent, "gen_ai.input.messages"), [{ role: "user", parts: [{ type: "text", content: QUESTION }] }]);
    assert.deepEqual(jsonAttr(agent, "gen_ai.output.messages"), [{ role: "assistant", parts: [{ type: "text", content: FINAL_ANSWER }], finish_reason: "stop" }]);
    assert.equal(agent.status.code, "unset");
  });

  test("streaming: stream flag, time to first chunk, the output assembled from the chunks, usage from the last chunk, thread_id as the conversation", () => {
    const chat = only(step("stream"), (s) => s.name === "chat gpt-4o-mini", "the streamed chat");
    assert.equal(chat.attributes["gen_ai.request.stream"], true);
    const ttfc = chat.attributes["gen_ai.response.time_to_first_chunk"] as number;
    const duration = Number(BigInt(chat.endTimeUnixNano) - BigInt(chat.startTimeUnixNano)) / 1e9;
    assert.ok(ttfc >= (FIRST_CHUNK_DELAY_MS - 5) / 1000 && ttfc <= duration, `time to first chunk ${ttfc}s, within the span's ${duration}s`);
    assert.deepEqual(jsonAttr(chat, "gen_ai.input.messages"), [{ role: "user", parts: [{ type: "text", content: STREAM_QUESTION }] }]);
    assert.deepEqual(jsonAttr(chat, "gen_ai.output.messages"), [{ role: "assistant", parts: [{ type: "text", content: STREAM_ANSWER }], finish_reason: "stop" }]);
    assert.equal(chat.attributes["gen_ai.usage.input_tokens"], 12);
    assert.equal(chat.attributes["gen_ai.usage.output_tokens"], 9);
    assert.equal(chat.attributes["gen_ai.response.id"], "chatcmpl-stream-1");
    assert.equal(chat.attributes["gen_ai.conversation.id"], STREAM_THREAD_ID);
  });

  test("retrieval span: operation, query, documents with ids, scores, contents and metadata", () => {
    const retrieval = only(step("retrieve"), (s) => s.name === "retrieval FaqRetriever", "the retrieval");
    assert.equal(retrieval.attributes["gen_ai.operation.name"], "retrieval");
    assert.equal(retrieval.attributes["gen_ai.retrieval.query.text"], RETRIEVAL_QUERY);
    assert.deepEqual(jsonAttr(retrieval, "gen_ai.retrieval.documents"), [
      { id: "faq-1", score: 0.92, content: `Umbrellas are lent at the front desk (${RETRIEVAL_QUERY}).`, metadata: { score: 0.92, source: "faq.md" } },
      { id: "faq-2", score: 0.71, content: "Rain gear is not refundable.", metadata: { score: 0.71, source: "policy.md" } },
    ]);
  });

  test("errors: status ERROR with the message, error.type and an exception event on the failing tool, the agent above it and a failing model", () => {
    const tool = only(step("toolError"), (s) => s.name === "execute_tool get_time", "the failing tool");
    const agent = only(step("toolError"), (s) => s.name === "invoke_agent weather-agent", "the failing agent");
    for (const span of [tool, agent]) {
      assert.deepEqual(span.status, { code: "error", message: "no such city: Atlantis" });
      assert.equal(span.attributes["error.type"], "UnknownCityError");
      const exceptions = span.events.filter((e) => e.name === "exception");
      assert.equal(exceptions.length, 1, `${span.name}: one exception event`);
      const exception = exceptions[0]!;
      assert.equal(exception.attributes["exception.type"], "UnknownCityError");
      assert.equal(exception.attributes["exception.message"], "no such city: Atlantis");
      assert.match(String(exception.attributes["exception.stacktrace"]), /UnknownCityError/);
    }
    assert.equal(tool.attributes["gen_ai.tool.call.result"], undefined);
    const chat = only(step("toolError"), (s) => s.name === "chat gpt-4o-mini", "the chat before the failure");
    assert.equal(chat.status.code, "unset");
    const failedModel = only(step("modelError"), (s) => s.name === "chat", "the failing model");
    assert.deepEqual(failedModel.status, { code: "error", message: "rate limited" });
    assert.equal(failedModel.attributes["error.type"], "Error");
    assert.equal(failedModel.attributes["gen_ai.provider.name"], "fakelistchatmodel", "no ls_provider declared: the class name");
    assert.deepEqual(failedModel.events.map((e) => e.name), ["exception"]);
  });

  test("spans made while a Run is active carry sightline.run.id", async () => {
    const run = new Run({ endpoint: c.httpUrl, experiment: "agent-evals" });
    await run.with(() =>
      weatherAgent(new ScriptedChatModel({ script: [TOOL_CALLS_ANSWER, FINAL_ANSWER_MESSAGE] })).invoke({ messages: [new HumanMessage(QUESTION)] }),
    );
    await sdk.forceFlush();
    await run.close();
    const { traces: runTraces } = (await get(c.httpUrl, `/api/traces?run=${run.runId}`)).json() as { traces: Array<{ traceId: string }> };
    assert.equal(runTraces.length, 1);
    const spans = await fetchTrace(c.httpUrl, runTraces[0]!.traceId);
    assert.deepEqual(spans.map((s) => s.name).sort(), ["chat gpt-4o-mini", "chat gpt-4o-mini", "execute_tool get_time", "execute_tool get_weather", "invoke_agent weather-agent"]);
    for (const span of spans) assert.equal(span.attributes["sightline.run.id"], run.runId, span.name);
  });

  test("other callback handlers keep seeing every nested run", async () => {
    assert.deepEqual(await callbacksSeenByAnotherHandler(), ["chain", "chat", "tool", "tool", "chat"]);
  });

  test("canonical ai fields per scenario step", () => {
    checkCanonical(CANONICAL.sightline, (s) => step(s));
  });
});

/** The span's attributes with this prefix, less the excluded keys. */
function pick(span: ApiSpan, prefix: string, exclude: string[] = []): Record<string, unknown> {
  return Object.fromEntries(Object.entries(span.attributes).filter(([k]) => k.startsWith(prefix) && !exclude.includes(k)));
}
