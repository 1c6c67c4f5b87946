/**
 * The canonical `ai` fields each instrumentation's spans should get from the collector's
 * normalization stage, per scenario step: one table per instrumentation, one row per span.
 * A row that fails says which
 * dialect rule misses what. Values come from what each instrumentation was seen to send (the raw
 * attribute tests in sightline / openinference / traceloop .test.ts); where an instrumentation
 * does not send a field (Traceloop: usage, tool call ids), the row leaves it out.
 */
import assert from "node:assert/strict";
import type { AiFields } from "../../collector/normalize/ai/ai-fields.ts";
import { named, type ApiSpan } from "./collected-spans.ts";
import { CONVERSATION_ID, FINAL_ANSWER, QUESTION, STREAM_ANSWER, SYSTEM_PROMPT, USER_ID, type StepName } from "./scenario.ts";

export interface CanonicalExpectation {
  step: StepName;
  /** The span's name; nth picks among same-named spans of the step, in start order. */
  span: string;
  nth?: number;
  ai: Partial<AiFields>;
}

export type InstrumentationUnderTest = "sightline" | "openinference" | "traceloop";

const text = (content: string) => ({ type: "text", content });
const TOOL_CALLS = [
  { type: "tool_call", id: "call_weather_1", name: "get_weather", arguments: { city: "Paris" } },
  { type: "tool_call", id: "call_time_1", name: "get_time", arguments: { city: "Paris" } },
];
const FIRST_CHAT_USAGE = { inputTokens: 120, outputTokens: 30, cacheReadTokens: 100, reasoningTokens: 8 };

export const CANONICAL: Record<InstrumentationUnderTest, CanonicalExpectation[]> = {
  sightline: [
    { step: "agent", span: "invoke_agent weather-agent", ai: { type: "agent", agent: { name: "weather-agent" }, sessionId: CONVERSATION_ID, userId: USER_ID, provider: "openai" } },
    {
      step: "agent",
      span: "chat gpt-4o-mini",
      nth: 0,
      ai: {
        type: "llm",
        provider: "openai",
        requestModel: "gpt-4o-mini",
        responseModel: "gpt-4o-mini-2024-07-18",
        model: "gpt-4o-mini-2024-07-18",
        usage: FIRST_CHAT_USAGE,
        finishReasons: ["tool_calls"],
        systemInstructions: [text(SYSTEM_PROMPT)],
        input: [{ role: "user", parts: [text(QUESTION)] }],
        output: [{ role: "assistant", parts: [text("Let me check the weather and the time."), ...TOOL_CALLS], finish_reason: "tool_call" }],
        sessionId: CONVERSATION_ID,
        userId: USER_ID,
      },
    },
    { step: "agent", span: "chat gpt-4o-mini", nth: 1, ai: { type: "llm", usage: { inputTokens: 200, outputTokens: 20 }, output: [{ role: "assistant", parts: [text(FINAL_ANSWER)], finish_reason: "stop" }] } },
    { step: "agent", span: "execute_tool get_weather", ai: { type: "tool", tool: { name: "get_weather", callId: "call_weather_1", description: "Current weather for a city.", arguments: { city: "Paris" }, result: "rainy, 57°F in Paris" } } },
    { step: "agent", span: "execute_tool get_time", ai: { type: "tool", tool: { name: "get_time", callId: "call_time_1" } } },
    { step: "stream", span: "chat gpt-4o-mini", ai: { type: "llm", usage: { inputTokens: 12, outputTokens: 9 }, output: [{ role: "assistant", parts: [text(STREAM_ANSWER)], finish_reason: "stop" }], sessionId: "thread-9" } },
    { step: "retrieve", span: "retrieval FaqRetriever", ai: { type: "retriever" } },
    { step: "toolError", span: "execute_tool get_time", ai: { type: "tool", error: { type: "UnknownCityError", message: "no such city: Atlantis" } } },
    { step: "modelError", span: "chat", ai: { type: "llm", error: { type: "Error", message: "rate limited" } } },
  ],
  openinference: [
    { step: "agent", span: "weather-agent", ai: { type: "chain", sessionId: CONVERSATION_ID } },
    {
      step: "agent",
      span: "ChatScripted",
      nth: 0,
      ai: {
        type: "llm",
        model: "gpt-4o-mini",
        usage: { inputTokens: 120, outputTokens: 30, totalTokens: 150, cacheReadTokens: 100, reasoningTokens: 8 },
        input: [{ role: "system", parts: [text(SYSTEM_PROMPT)] }, { role: "user", parts: [text(QUESTION)] }],
        // OpenInference drops the tool calls (see openinference.test.ts); its finish reason is OpenAI's word, not normalised.
        output: [{ role: "assistant", parts: [text("Let me check the weather and the time.")], finish_reason: "tool_calls" }],
        finishReasons: ["tool_calls"],
        sessionId: CONVERSATION_ID,
      },
    },
    { step: "agent", span: "get_weather", ai: { type: "tool", tool: { name: "get_weather" } } },
    { step: "stream", span: "ChatScripted", ai: { type: "llm", usage: { inputTokens: 12, outputTokens: 9, totalTokens: 21 } } },
    { step: "retrieve", span: "FaqRetriever", ai: { type: "retriever" } },
    { step: "toolError", span: "get_time", ai: { type: "tool" } },
    { step: "modelError", span: "FakeListChatModel", ai: { type: "llm" } },
  ],
  traceloop: [
    { step: "agent", span: "workflow RunnableLambda", ai: { type: "chain" } },
    { step: "agent", span: "chat gpt-4o-mini", nth: 0, ai: { type: "llm", model: "gpt-4o-mini", input: [{ role: "system", parts: [text(SYSTEM_PROMPT)] }, { role: "user", parts: [text(QUESTION)] }] } },
    { step: "agent", span: "execute_tool DynamicStructuredTool", nth: 0, ai: { type: "tool" } },
    { step: "stream", span: "chat gpt-4o-mini", ai: { type: "llm", usage: { inputTokens: 12, outputTokens: 9, totalTokens: 21 } } },
    { step: "modelError", span: "chat FakeListChatModel", ai: { type: "llm" } },
  ],
};

/** Asserts each row: the span exists in its step and its `ai` holds (at least) the row's fields. */
export function checkCanonical(table: CanonicalExpectation[], spansOf: (step: StepName) => ApiSpan[]): void {
  for (const row of table) {
    const span = named(spansOf(row.step), row.span)[row.nth ?? 0];
    const where = `${row.step} / ${row.span}${row.nth ? ` #${row.nth}` : ""}`;
    assert.ok(span, `${where}: no such span`);
    assert.ok(span.ai, `${where}: no ai object`);
    assertContains(span.ai, row.ai, where);
  }
}

function assertContains(actual: unknown, expected: unknown, where: string): void {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    assert.ok(actual !== null && typeof actual === "object", `${where}: expected an object`);
    for (const [k, v] of Object.entries(expected)) assertContains((actual as Record<string, unknown>)[k], v, `${where}.${k}`);
    return;
  }
  assert.deepEqual(actual, expected, where);
}
