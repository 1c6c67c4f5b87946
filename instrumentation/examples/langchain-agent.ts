/**
 * A LangChain tool-calling agent, traced by Sightline's LangChainInstrumentation. Start the
 * collector (`npm start`), then:
 *
 *   npm run example:agent
 *
 * The agent ("travel-agent") asks a fake chat model, which calls two tools (get_weather and
 * get_exchange_rate), runs them, and asks the model again for the answer. Its trace: one
 * invoke_agent span with two chat spans and two execute_tool spans below it, with the messages
 * (tool calls included), token usage, models and the conversation id from the run metadata.
 * No API key needed: the model is a fake that answers from a script, as a provider would.
 */
import * as CallbackManagerModule from "@langchain/core/callbacks/manager";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage, type ToolMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { RunnableLambda, type RunnableConfig } from "@langchain/core/runnables";
import { tool, type StructuredToolInterface } from "@langchain/core/tools";
import { trace } from "@opentelemetry/api";
import { LangChainInstrumentation, register } from "../index.ts";

const langchain = new LangChainInstrumentation();
const sdk = register({ serviceName: "langchain-agent-example", instrumentations: [langchain] });
// This file is ESM: hand LangChain's callback manager over (CommonJS apps are patched on require).
langchain.manuallyInstrument(CallbackManagerModule);

/** A fake chat model: each call returns the next scripted answer, with usage and model metadata. */
class ScriptedTravelModel extends BaseChatModel {
  private turn = 0;
  constructor(private readonly script: AIMessage[]) {
    super({});
  }
  _llmType(): string {
    return "scripted";
  }
  override getLsParams() {
    return { ls_provider: "openai", ls_model_name: "gpt-4o-mini", ls_model_type: "chat" as const, ls_temperature: 0 };
  }
  override bindTools(): this {
    return this;
  }
  async _generate(): Promise<ChatResult> {
    const message = this.script[this.turn++ % this.script.length]!;
    return { generations: [{ text: typeof message.content === "string" ? message.content : "", message }] };
  }
}

const citySchema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] } as const;
const getWeather = tool(async ({ city }: { city: string }) => `Sunny, 24°C in ${city}`, { name: "get_weather", description: "Current weather for a city.", schema: citySchema });
const getExchangeRate = tool(async ({ currency }: { currency: string }) => `1 EUR = ${currency === "JPY" ? "162.4" : "1.08"} ${currency}`, {
  name: "get_exchange_rate",
  description: "Euro exchange rate for a currency.",
  schema: { type: "object", properties: { currency: { type: "string" } }, required: ["currency"] },
});
const tools: Record<string, StructuredToolInterface> = { get_weather: getWeather, get_exchange_rate: getExchangeRate };

const model = new ScriptedTravelModel([
  new AIMessage({
    id: "chatcmpl-example-1",
    content: "Let me look up the weather and the exchange rate.",
    tool_calls: [
      { id: "call_weather", name: "get_weather", args: { city: "Kyoto" }, type: "tool_call" },
      { id: "call_rate", name: "get_exchange_rate", args: { currency: "JPY" }, type: "tool_call" },
    ],
    usage_metadata: { input_tokens: 142, output_tokens: 38, total_tokens: 180 },
    response_metadata: { model_name: "gpt-4o-mini-2024-07-18", finish_reason: "tool_calls" },
  }),
  new AIMessage({
    id: "chatcmpl-example-2",
    content: "Kyoto is sunny at 24°C, and 1 EUR buys 162.4 JPY: a good week to go.",
    usage_metadata: { input_tokens: 231, output_tokens: 27, total_tokens: 258 },
    response_metadata: { model_name: "gpt-4o-mini-2024-07-18", finish_reason: "stop" },
  }),
]);

const agent = RunnableLambda.from(async (input: { messages: BaseMessage[] }, config?: RunnableConfig) => {
  const messages = [...input.messages];
  for (let turn = 0; turn < 5; turn++) {
    const reply = await model.bindTools().invoke(messages, config);
    messages.push(reply);
    if (!reply.tool_calls?.length) return { messages };
    for (const call of reply.tool_calls) messages.push((await tools[call.name]!.invoke(call, config)) as ToolMessage);
  }
  throw new Error("the agent did not finish");
}).withConfig({ runName: "travel-agent", tags: ["agent"] });

const traceId = await trace.getTracer("langchain-agent-example").startActiveSpan("plan trip", async (span) => {
  const result = await agent.invoke(
    { messages: [new SystemMessage("You are a travel assistant."), new HumanMessage("Should I go to Kyoto next week? Check the weather and the yen.")] },
    { metadata: { session_id: "example-conversation", user_id: "example-user" } },
  );
  const answer = result.messages[result.messages.length - 1]!;
  console.log(`agent: ${String(answer.content)}`);
  span.end();
  return span.spanContext().traceId;
});

await sdk.shutdown();
const base = process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? "http://127.0.0.1:4318";
console.log(`\ntrace ${traceId} sent. Look at it:`);
console.log(`  UI:  ${base}/`);
console.log(`  API: curl ${base}/api/traces/${traceId}`);
console.log(`       curl '${base}/api/traces?service=langchain-agent-example'`);
