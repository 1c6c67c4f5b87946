/**
 * LangChainInstrumentation set up by hand (a NodeTracerProvider with an OTLP exporter,
 * setTracerProvider, manuallyInstrument) and its options: captureMessageContent: false,
 * setConfig at run time, disable / enable, the CommonJS require hook, hidden runs, agent markers
 * and a custom agent recogniser.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";
import * as CallbackManagerModule from "@langchain/core/callbacks/manager";
import { HumanMessage } from "@langchain/core/messages";
import { RunnableLambda, type RunnableConfig } from "@langchain/core/runnables";
import type { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { LangChainInstrumentation } from "../../instrumentation/index.ts";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { fetchTrace, jsonAttr, named, only, shapeOf, tracedSpans, type ApiSpan } from "./collected-spans.ts";
import { otlpTracerProvider } from "./otlp-tracer-provider.ts";
import { CONVERSATION_ID, FINAL_ANSWER_MESSAGE, QUESTION, runScenario, TOOL_CALLS_ANSWER, type StepName } from "./scenario.ts";
import { pause, ScriptedChatModel } from "./scripted-chat-model.ts";

let c: TestCollector;
let provider: NodeTracerProvider;
let instrumentation: LangChainInstrumentation;

before(async () => {
  c = await startTestCollector();
  provider = otlpTracerProvider(c.httpUrl, "langchain-sightline-options");
  instrumentation = new LangChainInstrumentation({ captureMessageContent: false });
  instrumentation.setTracerProvider(provider);
  instrumentation.manuallyInstrument(CallbackManagerModule);
});

after(async () => {
  instrumentation.disable();
  await provider.shutdown();
  await c.close();
});

/** Runs fn under a root span and returns the spans of its trace, the root first. */
function traced(name: string, fn: () => Promise<unknown>): Promise<ApiSpan[]> {
  return tracedSpans(c.httpUrl, "options-test", name, fn, () => provider.forceFlush());
}

function rootOf(spans: ApiSpan[]): ApiSpan {
  return only(spans, (s) => s.parentSpanId === "", "the root");
}

const CONTENT_KEYS = [
  "gen_ai.input.messages",
  "gen_ai.output.messages",
  "gen_ai.system_instructions",
  "gen_ai.tool.call.arguments",
  "gen_ai.tool.call.result",
  "gen_ai.retrieval.query.text",
  "sightline.langchain.input",
  "sightline.langchain.output",
];

describe("LangChainInstrumentation by hand, and its options", () => {
  test("captureMessageContent: false leaves out every content attribute and keeps the rest", async () => {
    const run = await runScenario();
    await provider.forceFlush();
    const spans = new Map<StepName, ApiSpan[]>();
    for (const [step, r] of Object.entries(run) as Array<[StepName, (typeof run)[StepName]]>) spans.set(step, await fetchTrace(c.httpUrl, r.traceId));
    const ours = [...spans.values()].flat().filter((s) => s.scope.name === "sightline-instrumentation-langchain");
    assert.equal(ours.length, 11, "agent 5, stream 1, retrieve 1, toolError 3, modelError 1");
    for (const span of ours) for (const key of CONTENT_KEYS) assert.equal(span.attributes[key], undefined, `${span.name}: ${key}`);

    const [chat] = named(spans.get("agent")!, "chat gpt-4o-mini");
    assert.equal(chat!.attributes["gen_ai.request.model"], "gpt-4o-mini");
    assert.equal(chat!.attributes["gen_ai.response.model"], "gpt-4o-mini-2024-07-18");
    assert.equal(chat!.attributes["gen_ai.usage.input_tokens"], 120);
    assert.deepEqual(chat!.attributes["gen_ai.response.finish_reasons"], ["tool_calls"]);
    assert.equal(chat!.attributes["gen_ai.conversation.id"], CONVERSATION_ID);
    const tool = only(spans.get("agent")!, (s) => s.name === "execute_tool get_weather", "the tool");
    assert.equal(tool.attributes["gen_ai.tool.call.id"], "call_weather_1");
    assert.equal(tool.attributes["gen_ai.tool.description"], "Current weather for a city.");
    const agent = only(spans.get("agent")!, (s) => s.name === "invoke_agent weather-agent", "the agent");
    assert.equal(agent.attributes["gen_ai.agent.name"], "weather-agent");
    const retrieval = only(spans.get("retrieve")!, (s) => s.name === "retrieval FaqRetriever", "the retrieval");
    assert.deepEqual(jsonAttr(retrieval, "gen_ai.retrieval.documents"), [
      { id: "faq-1", score: 0.92 },
      { id: "faq-2", score: 0.71 },
    ]);
    const streamed = only(spans.get("stream")!, (s) => s.name === "chat gpt-4o-mini", "the streamed chat");
    assert.equal(typeof streamed.attributes["gen_ai.response.time_to_first_chunk"], "number");
    const failed = only(spans.get("toolError")!, (s) => s.name === "execute_tool get_time", "the failing tool");
    assert.equal(failed.attributes["error.type"], "UnknownCityError");
  });

  test("setConfig at run time turns content capture back on", async () => {
    instrumentation.setConfig({ captureMessageContent: true });
    try {
      const spans = await traced("capture on", () => new ScriptedChatModel({ script: [FINAL_ANSWER_MESSAGE] }).invoke([new HumanMessage(QUESTION)]));
      const chat = only(spans, (s) => s.name === "chat gpt-4o-mini", "the chat");
      assert.deepEqual(jsonAttr(chat, "gen_ai.input.messages"), [{ role: "user", parts: [{ type: "text", content: QUESTION }] }]);
    } finally {
      instrumentation.setConfig({ captureMessageContent: false });
    }
  });

  test("a stream that breaks off: the chat span fails and keeps the output that arrived, finish_reason error", async () => {
    instrumentation.setConfig({ captureMessageContent: true });
    try {
      const model = new ScriptedChatModel({ script: [FINAL_ANSWER_MESSAGE], failAfterChunks: 3 });
      const spans = await traced("broken stream", async () => {
        for await (const _chunk of await model.stream([new HumanMessage(QUESTION)])) void _chunk;
      });
      const chat = only(spans, (s) => s.name === "chat gpt-4o-mini", "the chat");
      assert.deepEqual(chat.status, { code: "error", message: "the stream broke off" });
      assert.equal(chat.attributes["error.type"], "StreamInterruptedError");
      assert.equal(chat.attributes["gen_ai.request.stream"], true);
      assert.deepEqual(jsonAttr(chat, "gen_ai.output.messages"), [{ role: "assistant", parts: [{ type: "text", content: "In Paris it " }], finish_reason: "error" }]);
    } finally {
      instrumentation.setConfig({ captureMessageContent: false });
    }
  });

  test("disable() stops the spans, enable() brings them back", async () => {
    const model = () => new ScriptedChatModel({ script: [FINAL_ANSWER_MESSAGE] });
    instrumentation.disable();
    assert.equal(CallbackManagerModule.CallbackManager._configureSync.name, "_configureSync", "the original method is back");
    const off = await traced("disabled", () => model().invoke("hi"));
    assert.deepEqual(off.map((s) => s.name), ["disabled"]);
    instrumentation.enable();
    const on = await traced("enabled", () => model().invoke("hi"));
    assert.deepEqual(shapeOf(on, rootOf(on)), ["enabled", "internal", [["chat gpt-4o-mini", "client", []]]]);
  });

  test("the CommonJS build is patched when it is required (require hook)", async () => {
    const require = createRequire(import.meta.url);
    const cjs = require("@langchain/core/runnables") as typeof import("@langchain/core/runnables");
    assert.notEqual(cjs.RunnableLambda, RunnableLambda, "a separate copy of LangChain");
    const spans = await traced("cjs", () => cjs.RunnableLambda.from(async (x: number) => x + 1).withConfig({ runName: "cjs-lambda" }).invoke(1));
    assert.deepEqual(shapeOf(spans, rootOf(spans)), ["cjs", "internal", [["cjs-lambda", "internal", []]]]);
    assert.equal(only(spans, (s) => s.name === "cjs-lambda", "the lambda").attributes["sightline.langchain.run_type"], "chain");
  });

  test("hidden chain runs (langsmith:hidden) are skipped and their children attach to the nearest traced ancestor", async () => {
    const model = new ScriptedChatModel({ script: [FINAL_ANSWER_MESSAGE] });
    const hidden = RunnableLambda.from(async (q: string, config?: RunnableConfig) => model.invoke(q, config)).withConfig({ runName: "channel-write", tags: ["langsmith:hidden"] });
    const outer = RunnableLambda.from(async (q: string, config?: RunnableConfig) => hidden.invoke(q, config)).withConfig({ runName: "outer" });
    const spans = await traced("hidden", () => outer.invoke(QUESTION));
    assert.deepEqual(shapeOf(spans, rootOf(spans)), ["hidden", "internal", [["outer", "internal", [["chat gpt-4o-mini", "client", []]]]]]);
    instrumentation.setConfig({ captureMessageContent: false, traceHiddenRuns: true });
    try {
      const all = await traced("hidden traced", () => outer.invoke(QUESTION));
      assert.deepEqual(shapeOf(all, rootOf(all)), ["hidden traced", "internal", [["outer", "internal", [["channel-write", "internal", [["chat gpt-4o-mini", "client", []]]]]]]]);
    } finally {
      instrumentation.setConfig({ captureMessageContent: false });
    }
  });

  test("agents: metadata agent_name marks the outermost run; a nested run with its own agent_name is a nested agent", async () => {
    const model = new ScriptedChatModel({ script: [TOOL_CALLS_ANSWER, FINAL_ANSWER_MESSAGE] });
    const researcher = RunnableLambda.from(async (q: string, config?: RunnableConfig) => model.invoke(q, config)).withConfig({ runName: "research-step" });
    const step = RunnableLambda.from(async (q: string, config?: RunnableConfig) => researcher.invoke(q, { ...config, metadata: { ...config?.metadata, agent_name: "researcher" } })).withConfig({ runName: "plan-step" });
    const planner = RunnableLambda.from(async (q: string, config?: RunnableConfig) => {
      await step.invoke(q, config);
      return model.invoke(q, config);
    }).withConfig({ runName: "planner-graph" });
    const spans = await traced("agents", () => planner.invoke(QUESTION, { metadata: { agent_name: "planner" } }));
    assert.deepEqual(shapeOf(spans, rootOf(spans)), [
      "agents",
      "internal",
      [
        [
          "invoke_agent planner",
          "internal",
          [
            ["plan-step", "internal", [["invoke_agent researcher", "internal", [["chat gpt-4o-mini", "client", []]]]]],
            ["chat gpt-4o-mini", "client", []],
          ],
        ],
      ],
    ]);
    const researcherSpan = only(spans, (s) => s.name === "invoke_agent researcher", "the researcher");
    assert.equal(researcherSpan.attributes["gen_ai.agent.name"], "researcher");
  });

  test("agents: recognizeAgent decides first", async () => {
    instrumentation.setConfig({ captureMessageContent: false, recognizeAgent: (run) => (run.runName === "support-bot" ? "support" : run.tags.includes("agent") ? false : undefined) });
    try {
      const bot = RunnableLambda.from(async (x: string) => (await pause(), x)).withConfig({ runName: "support-bot" });
      const notAgent = RunnableLambda.from(async (x: string) => (await pause(), x)).withConfig({ runName: "tagged", tags: ["agent"] });
      const spans = await traced("custom", async () => {
        await bot.invoke("hi");
        await notAgent.invoke("hi");
      });
      assert.deepEqual(shapeOf(spans, rootOf(spans)), ["custom", "internal", [["invoke_agent support", "internal", []], ["tagged", "internal", []]]]);
    } finally {
      instrumentation.setConfig({ captureMessageContent: false });
    }
  });
});
