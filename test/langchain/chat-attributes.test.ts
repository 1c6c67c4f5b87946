/**
 * What the instrumentation reads from a model run: provider, model and parameters across
 * providers' spellings; response model, id, finish reasons and usage from messages or llmOutput;
 * and which chain runs are agents.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AIMessage } from "@langchain/core/messages";
import type { ChatGeneration } from "@langchain/core/outputs";
import { decideAgent, type ChainRunInfo } from "../../instrumentation/langchain/agent-recognition.ts";
import { chatRequest, chatResponse, responseAttributes, toolDefinitions } from "../../instrumentation/langchain/chat-attributes.ts";
import { providerOf } from "../../instrumentation/langchain/providers.ts";
import { conversationIdOf, userIdOf } from "../../instrumentation/langchain/run-metadata.ts";

describe("model runs: request and response attributes", () => {
  test("providers: ls_provider first, else the class name, mapped to the conventions' values", () => {
    assert.equal(providerOf("openai", "ChatOpenAI"), "openai");
    assert.equal(providerOf("google_genai", undefined), "gcp.gemini");
    assert.equal(providerOf("google_vertexai", undefined), "gcp.vertex_ai");
    assert.equal(providerOf("amazon_bedrock", undefined), "aws.bedrock");
    assert.equal(providerOf("mistralai", undefined), "mistral_ai");
    assert.equal(providerOf("xai", undefined), "x_ai");
    assert.equal(providerOf(undefined, "ChatAnthropic"), "anthropic");
    assert.equal(providerOf(undefined, "AzureChatOpenAI"), "azure.ai.openai");
    assert.equal(providerOf(undefined, "ChatBedrockConverse"), "aws.bedrock");
    assert.equal(providerOf(undefined, "ChatGroq"), "groq");
    assert.equal(providerOf("SomeNewVendor", undefined), "somenewvendor");
    assert.equal(providerOf(undefined, undefined), undefined);
  });

  test("request: Anthropic-style and Google-style parameter names, stop sequences, choice count", () => {
    const anthropic = chatRequest("ChatAnthropic", { invocation_params: { model: "claude-sonnet-4-5", max_tokens: 1024, temperature: 0, top_k: 40, top_p: 0.95, stop_sequences: ["\n\nHuman:"] } }, { ls_provider: "anthropic" });
    assert.deepEqual(anthropic.attributes, {
      "gen_ai.provider.name": "anthropic",
      "gen_ai.request.model": "claude-sonnet-4-5",
      "gen_ai.request.temperature": 0,
      "gen_ai.request.max_tokens": 1024,
      "gen_ai.request.top_p": 0.95,
      "gen_ai.request.top_k": 40,
      "gen_ai.request.stop_sequences": ["\n\nHuman:"],
    });
    const google = chatRequest("ChatGoogleGenerativeAI", { invocation_params: { model: "gemini-2.5-flash", maxOutputTokens: 512, topP: 0.8, topK: 20, stopSequences: ["END"], candidateCount: 2 } }, { ls_provider: "google_genai", ls_temperature: 0.4 });
    assert.equal(google.attributes["gen_ai.provider.name"], "gcp.gemini");
    assert.equal(google.attributes["gen_ai.request.max_tokens"], 512);
    assert.equal(google.attributes["gen_ai.request.temperature"], 0.4, "from ls_temperature when the params lack it");
    assert.equal(google.attributes["gen_ai.request.choice.count"], 2);
    const openai = chatRequest("ChatOpenAI", { invocation_params: { model: "gpt-4o", max_completion_tokens: 100, frequency_penalty: 0.5, presence_penalty: 0.1, seed: 7, n: 1, stop: "###" } }, { ls_model_name: "gpt-4o" });
    assert.equal(openai.attributes["gen_ai.provider.name"], "openai");
    assert.equal(openai.attributes["gen_ai.request.max_tokens"], 100);
    assert.equal(openai.attributes["gen_ai.request.seed"], 7);
    assert.deepEqual(openai.attributes["gen_ai.request.stop_sequences"], ["###"]);
    assert.equal(openai.attributes["gen_ai.request.choice.count"], undefined, "n = 1 is the default: not recorded");
  });

  test("tool definitions in OpenAI, Anthropic and Bedrock forms", () => {
    assert.deepEqual(
      toolDefinitions([
        { type: "function", function: { name: "a", description: "A", parameters: { type: "object" } } },
        { name: "b", description: "B", input_schema: { type: "object" } },
        { toolSpec: { name: "c", inputSchema: { json: {} } } },
        "junk",
      ]),
      [
        { type: "function", name: "a", description: "A", parameters: { type: "object" } },
        { type: "function", name: "b", description: "B", parameters: { type: "object" } },
        { type: "function", name: "c", parameters: { json: {} } },
      ],
    );
  });

  test("response: usage with cache read, cache creation and reasoning; model and id from response_metadata; LangChain's own run ids ignored", () => {
    const message = new AIMessage({
      id: "run-1f2e",
      content: "ok",
      usage_metadata: { input_tokens: 1500, output_tokens: 40, total_tokens: 1540, input_token_details: { cache_read: 1000, cache_creation: 300 }, output_token_details: { reasoning: 12 } },
      response_metadata: { model: "claude-sonnet-4-5-20250929", id: "msg_01", stop_reason: "end_turn" },
    });
    const generation: ChatGeneration = { text: "ok", message };
    const response = chatResponse({ generations: [[generation]] });
    assert.deepEqual(responseAttributes(response), {
      "gen_ai.response.model": "claude-sonnet-4-5-20250929",
      "gen_ai.response.id": "msg_01",
      "gen_ai.response.finish_reasons": ["end_turn"],
      "gen_ai.usage.input_tokens": 1500,
      "gen_ai.usage.output_tokens": 40,
      "gen_ai.usage.cache_read.input_tokens": 1000,
      "gen_ai.usage.cache_creation.input_tokens": 300,
      "gen_ai.usage.reasoning.output_tokens": 12,
    });
    assert.equal(response.outputMessages[0]!.finish_reason, "stop");
  });

  test("response: older integrations' llmOutput usage and model; text generations without messages; several candidates", () => {
    const response = chatResponse({
      generations: [[
        { text: "one", generationInfo: { finish_reason: "stop" } },
        { text: "two", generationInfo: { finish_reason: "length" } },
      ]],
      llmOutput: { tokenUsage: { promptTokens: 9, completionTokens: 4, totalTokens: 13 }, model_name: "gpt-3.5-turbo-instruct" },
    });
    assert.deepEqual(responseAttributes(response), {
      "gen_ai.response.model": "gpt-3.5-turbo-instruct",
      "gen_ai.response.finish_reasons": ["stop", "length"],
      "gen_ai.usage.input_tokens": 9,
      "gen_ai.usage.output_tokens": 4,
    });
    assert.deepEqual(response.outputMessages, [
      { role: "assistant", parts: [{ type: "text", content: "one" }], finish_reason: "stop" },
      { role: "assistant", parts: [{ type: "text", content: "two" }], finish_reason: "length" },
    ]);
  });

  test("conversation and user ids from metadata, in documented key order", () => {
    assert.equal(conversationIdOf({ thread_id: "t", session_id: "s" }), "s");
    assert.equal(conversationIdOf({ conversationId: 42 }), "42");
    assert.equal(conversationIdOf({ other: "x" }), undefined);
    assert.equal(userIdOf({ userId: "u1" }), "u1");
    assert.equal(userIdOf({ "user.id": "u0", user_id: "u1" }), "u0");
  });
});

describe("agent recognition", () => {
  const run = (fields: Partial<ChainRunInfo>): ChainRunInfo => ({ runName: undefined, className: "RunnableSequence", serializedId: ["langchain_core", "runnables", "RunnableSequence"], tags: [], metadata: {}, ...fields });

  test("markers: the outermost run with the agent tag or an agent_name; inherited copies below are not agents", () => {
    const tagged = decideAgent(run({ runName: "bot", tags: ["agent"] }), undefined);
    assert.deepEqual(tagged, { agentName: "bot", marker: "tag" });
    assert.deepEqual(decideAgent(run({ runName: "step", tags: ["agent"] }), tagged.marker), { marker: "tag" });
    const named = decideAgent(run({ runName: "x", metadata: { agent_name: "planner" } }), undefined);
    assert.deepEqual(named, { agentName: "planner", marker: "name:planner" });
    assert.deepEqual(decideAgent(run({ metadata: { agent_name: "planner" } }), named.marker), { marker: "name:planner" });
    assert.equal(decideAgent(run({ metadata: { agent_name: "critic" } }), named.marker).agentName, "critic", "a nested agent with its own name");
    assert.equal(decideAgent(run({ runName: "sub", metadata: { lc_agent_name: "helper" } }), undefined).agentName, "helper");
  });

  test("frameworks: AgentExecutor and LangGraph compiled graphs; plain runnables are not agents", () => {
    assert.equal(decideAgent(run({ className: "AgentExecutor", serializedId: ["langchain", "agents", "executor", "AgentExecutor"] }), undefined).agentName, "AgentExecutor");
    assert.equal(decideAgent(run({ runName: "travel_agent", className: "CompiledStateGraph", serializedId: ["langgraph", "pregel", "CompiledStateGraph"] }), undefined).agentName, "travel_agent");
    assert.equal(decideAgent(run({ runName: "LangGraph", className: "RunnableCallable", serializedId: ["langgraph", "RunnableCallable"] }), undefined).agentName, undefined);
    assert.equal(decideAgent(run({ runName: "RunnableAgent", className: "RunnableAgent", serializedId: ["langchain", "agents", "RunnableAgent"] }), undefined).agentName, undefined, "the planning step inside AgentExecutor is not the agent");
  });

  test("a custom recogniser decides first", () => {
    assert.equal(decideAgent(run({ runName: "x" }), undefined, () => "named-by-hook").agentName, "named-by-hook");
    assert.equal(decideAgent(run({ runName: "x" }), undefined, () => true).agentName, "x");
    assert.equal(decideAgent(run({ className: "AgentExecutor" }), undefined, () => false).agentName, undefined);
    assert.equal(decideAgent(run({ runName: "y", tags: ["agent"] }), undefined, () => undefined).agentName, "y");
  });
});
