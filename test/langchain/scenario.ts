/**
 * The one LangChain scenario every instrumentation test drives (ours, OpenInference, Traceloop):
 * real @langchain/core runnables, tools, a retriever and chat models, with fake answers.
 *
 *   agent        a "weather-agent" (a RunnableLambda marked as an agent) whose model asks for two
 *                tools (get_weather, get_time), the tools run, the model answers; conversation and
 *                user ids in the run metadata
 *   stream       a streamed chat call (first chunk after a delay, usage on the last chunk)
 *   retrieve     a retriever returning two scored documents
 *   toolError    the agent again, but the tool it calls throws: tool, agent and caller fail
 *   modelError   LangChain's FakeListChatModel told to throw
 *
 * Each step runs inside a root span of the caller ("scenario <step>"), so an instrumentation that
 * joins the caller's OTel context puts its spans in that trace.
 */
import { trace, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { awaitAllCallbacks } from "@langchain/core/callbacks/promises";
import { Document } from "@langchain/core/documents";
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import { BaseRetriever } from "@langchain/core/retrievers";
import { RunnableLambda, type RunnableConfig } from "@langchain/core/runnables";
import { tool, type StructuredToolInterface } from "@langchain/core/tools";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { pause, ScriptedChatModel } from "./scripted-chat-model.ts";

export const STEPS = ["agent", "stream", "retrieve", "toolError", "modelError"] as const;
export type StepName = (typeof STEPS)[number];

export interface StepRun {
  /** The trace of the caller's root span "scenario <step>". */
  traceId: string;
  rootSpanId: string;
  /** What the step threw, for the error steps. */
  error?: Error;
  /** What the step returned. */
  result?: unknown;
}

export type ScenarioRun = Record<StepName, StepRun>;

export const CONVERSATION_ID = "conv-42";
export const USER_ID = "user-7";
export const STREAM_THREAD_ID = "thread-9";
export const FIRST_CHUNK_DELAY_MS = 40;

export const SYSTEM_PROMPT = "You are a weather assistant. Use the tools.";
export const QUESTION = "What's the weather and the time in Paris?";
export const FINAL_ANSWER = "In Paris it is rainy, 57°F, and the local time is 10:42.";
export const STREAM_QUESTION = "Forecast for Lyon?";
export const STREAM_ANSWER = "Sunny skies ahead for the whole week.";
export const RETRIEVAL_QUERY = "umbrella policy";

export class UnknownCityError extends Error {
  override name = "UnknownCityError";
}

const citySchema = {
  type: "object",
  properties: { city: { type: "string", description: "City name" } },
  required: ["city"],
} as const;

export const getWeather = tool(async ({ city }: { city: string }) => (await pause(), `rainy, 57°F in ${city}`), {
  name: "get_weather",
  description: "Current weather for a city.",
  schema: citySchema,
});

export const getTime = tool(
  async ({ city }: { city: string }) => {
    await pause();
    if (city === "Atlantis") throw new UnknownCityError(`no such city: ${city}`);
    return `10:42 in ${city}`;
  },
  { name: "get_time", description: "Local time in a city.", schema: citySchema },
);

const TOOLS: Record<string, StructuredToolInterface> = { get_weather: getWeather, get_time: getTime };

export const TOOL_CALLS_ANSWER = new AIMessage({
  id: "chatcmpl-agent-1",
  content: "Let me check the weather and the time.",
  tool_calls: [
    { id: "call_weather_1", name: "get_weather", args: { city: "Paris" }, type: "tool_call" },
    { id: "call_time_1", name: "get_time", args: { city: "Paris" }, type: "tool_call" },
  ],
  usage_metadata: {
    input_tokens: 120,
    output_tokens: 30,
    total_tokens: 150,
    input_token_details: { cache_read: 100 },
    output_token_details: { reasoning: 8 },
  },
  response_metadata: { model_name: "gpt-4o-mini-2024-07-18", finish_reason: "tool_calls" },
});

export const FINAL_ANSWER_MESSAGE = new AIMessage({
  id: "chatcmpl-agent-2",
  content: FINAL_ANSWER,
  usage_metadata: { input_tokens: 200, output_tokens: 20, total_tokens: 220 },
  response_metadata: { model_name: "gpt-4o-mini-2024-07-18", finish_reason: "stop" },
});

const STREAM_ANSWER_MESSAGE = new AIMessage({
  id: "chatcmpl-stream-1",
  content: STREAM_ANSWER,
  usage_metadata: { input_tokens: 12, output_tokens: 9, total_tokens: 21 },
  response_metadata: { model_name: "gpt-4o-mini-2024-07-18", finish_reason: "stop" },
});

const ATLANTIS_ANSWER = new AIMessage({
  id: "chatcmpl-err-1",
  content: "",
  tool_calls: [{ id: "call_time_atlantis", name: "get_time", args: { city: "Atlantis" }, type: "tool_call" }],
  usage_metadata: { input_tokens: 50, output_tokens: 10, total_tokens: 60 },
  response_metadata: { model_name: "gpt-4o-mini-2024-07-18", finish_reason: "tool_calls" },
});

/** A tool-calling agent loop: ask the model, run the tools it asks for, until it answers. */
/**
 * Runs the weather agent (tool calls, then the answer) with a callback handler of the app's own
 * and returns the kinds of run that handler saw: what an instrumentation must leave visible.
 */
export async function callbacksSeenByAnotherHandler(): Promise<string[]> {
  const seen: string[] = [];
  const handler = BaseCallbackHandler.fromMethods({
    handleChainStart: () => void seen.push("chain"),
    handleChatModelStart: () => void seen.push("chat"),
    handleToolStart: () => void seen.push("tool"),
  });
  handler.awaitHandlers = true;
  await weatherAgent(new ScriptedChatModel({ script: [TOOL_CALLS_ANSWER, FINAL_ANSWER_MESSAGE] })).invoke({ messages: [new HumanMessage(QUESTION)] }, { callbacks: [handler] });
  return seen;
}

export function weatherAgent(model: ScriptedChatModel) {
  const modelWithTools = model.bindTools([getWeather, getTime]);
  return RunnableLambda.from(async (input: { messages: BaseMessage[] }, config?: RunnableConfig) => {
    const messages = [...input.messages];
    for (let turn = 0; turn < 4; turn++) {
      const reply = await modelWithTools.invoke(messages, config);
      messages.push(reply);
      if (!reply.tool_calls?.length) return { messages };
      for (const call of reply.tool_calls) {
        const toolMessage: ToolMessage = await TOOLS[call.name]!.invoke(call, config);
        messages.push(toolMessage);
      }
    }
    throw new Error("the agent did not finish");
  }).withConfig({ runName: "weather-agent", tags: ["agent"] });
}

export class FaqRetriever extends BaseRetriever {
  override lc_namespace = ["sightline", "test", "retrievers"];
  static override lc_name(): string {
    return "FaqRetriever";
  }
  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    await pause();
    return [
      new Document({ id: "faq-1", pageContent: `Umbrellas are lent at the front desk (${query}).`, metadata: { score: 0.92, source: "faq.md" } }),
      new Document({ id: "faq-2", pageContent: "Rain gear is not refundable.", metadata: { score: 0.71, source: "policy.md" } }),
    ];
  }
}

async function step(tracer: Tracer, name: StepName, fn: () => Promise<unknown>): Promise<StepRun> {
  return tracer.startActiveSpan(`scenario ${name}`, async (span) => {
    const run: StepRun = { traceId: span.spanContext().traceId, rootSpanId: span.spanContext().spanId };
    try {
      run.result = await fn();
    } catch (err) {
      run.error = err as Error;
      span.setStatus({ code: SpanStatusCode.ERROR, message: run.error.message });
    } finally {
      span.end();
    }
    return run;
  });
}

/** Runs every step and waits for LangChain's background callbacks to finish. */
export async function runScenario(tracer: Tracer = trace.getTracer("scenario")): Promise<ScenarioRun> {
  const agent = await step(tracer, "agent", () =>
    weatherAgent(new ScriptedChatModel({ script: [TOOL_CALLS_ANSWER, FINAL_ANSWER_MESSAGE] })).invoke(
      { messages: [new SystemMessage(SYSTEM_PROMPT), new HumanMessage(QUESTION)] },
      { metadata: { session_id: CONVERSATION_ID, user_id: USER_ID } },
    ),
  );
  const stream = await step(tracer, "stream", async () => {
    const model = new ScriptedChatModel({ script: [STREAM_ANSWER_MESSAGE], firstChunkDelayMs: FIRST_CHUNK_DELAY_MS });
    let text = "";
    for await (const chunk of await model.stream([new HumanMessage(STREAM_QUESTION)], { metadata: { thread_id: STREAM_THREAD_ID } })) {
      text += chunk.content as string;
    }
    return text;
  });
  const retrieve = await step(tracer, "retrieve", () => new FaqRetriever().invoke(RETRIEVAL_QUERY));
  const toolError = await step(tracer, "toolError", () =>
    weatherAgent(new ScriptedChatModel({ script: [ATLANTIS_ANSWER] })).invoke({ messages: [new HumanMessage("What time is it in Atlantis?")] }),
  );
  const modelError = await step(tracer, "modelError", () => new FakeListChatModel({ responses: ["never said"] }).invoke("hello?", { thrownErrorString: "rate limited" }));
  await awaitAllCallbacks();
  return { agent, stream, retrieve, toolError, modelError };
}
