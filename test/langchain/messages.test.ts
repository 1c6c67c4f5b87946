/**
 * LangChain messages → OTel GenAI messages (role + parts): text, multimodal content blocks of every
 * LangChain generation, reasoning, tool calls (standard, provider blocks, invalid, legacy), tool
 * results, system instructions, output finish reasons.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Document } from "@langchain/core/documents";
import { AIMessage, AIMessageChunk, ChatMessage, HumanMessage, RemoveMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { splitSystemInstructions, toChatMessage, toChatMessages, toOutputMessage } from "../../instrumentation/langchain/messages.ts";
import { agentInputMessages, agentOutputMessages, readable, toolResult } from "../../instrumentation/langchain/run-values.ts";

describe("LangChain messages to GenAI messages", () => {
  test("roles and plain text", () => {
    assert.deepEqual(
      toChatMessages([new SystemMessage("Be brief."), new HumanMessage({ content: "Hi", name: "ada" }), new AIMessage("Hello"), new ChatMessage("Looks fine", "critic"), new ChatMessage("hey", "human")]),
      [
        { role: "system", parts: [{ type: "text", content: "Be brief." }] },
        { role: "user", parts: [{ type: "text", content: "Hi" }], name: "ada" },
        { role: "assistant", parts: [{ type: "text", content: "Hello" }] },
        { role: "critic", parts: [{ type: "text", content: "Looks fine" }] },
        { role: "user", parts: [{ type: "text", content: "hey" }] },
      ],
    );
  });

  test("multimodal user content: OpenAI image_url (link and data URL), input_audio, standard blocks v0 and v1", () => {
    const message = new HumanMessage({
      content: [
        { type: "text", text: "What is in these?" },
        { type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "low" } },
        { type: "image_url", image_url: "data:image/png;base64,iVBORw0KGgo=" },
        { type: "input_audio", input_audio: { data: "SUQzBAAAAA==", format: "mp3" } },
        { type: "image", source_type: "base64", mime_type: "image/jpeg", data: "/9j/4AAQ" },
        { type: "file", source_type: "id", id: "file-abc", mime_type: "application/pdf" },
        { type: "file", source_type: "url", url: "https://example.com/report.pdf", mime_type: "application/pdf" },
        { type: "image", url: "https://example.com/dog.webp", mimeType: "image/webp" },
        { type: "audio", data: "UklGRg==", mimeType: "audio/wav" },
        { type: "video", fileId: "file-vid", mimeType: "video/mp4" },
        { type: "file", data: new Uint8Array([1, 2, 3]), mimeType: "text/csv" },
        { type: "text-plain", source_type: "text", text: "inline notes", mime_type: "text/plain" },
        { type: "custom_block", payload: { x: 1 } },
      ],
    });
    assert.deepEqual(toChatMessage(message), {
      role: "user",
      parts: [
        { type: "text", content: "What is in these?" },
        { type: "uri", modality: "image", mime_type: null, uri: "https://example.com/cat.png" },
        { type: "blob", modality: "image", mime_type: "image/png", content: "iVBORw0KGgo=" },
        { type: "blob", modality: "audio", mime_type: "audio/mp3", content: "SUQzBAAAAA==" },
        { type: "blob", modality: "image", mime_type: "image/jpeg", content: "/9j/4AAQ" },
        { type: "file", modality: "document", mime_type: "application/pdf", file_id: "file-abc" },
        { type: "uri", modality: "document", mime_type: "application/pdf", uri: "https://example.com/report.pdf" },
        { type: "uri", modality: "image", mime_type: "image/webp", uri: "https://example.com/dog.webp" },
        { type: "blob", modality: "audio", mime_type: "audio/wav", content: "UklGRg==" },
        { type: "file", modality: "video", mime_type: "video/mp4", file_id: "file-vid" },
        { type: "blob", modality: "document", mime_type: "text/csv", content: "AQID" },
        { type: "text", content: "inline notes" },
        { type: "custom_block", payload: { x: 1 } },
      ],
    });
  });

  test("assistant tool calls: from tool_calls, not duplicated by provider content blocks; reasoning; invalid calls keep their raw arguments", () => {
    const anthropic = new AIMessage({
      content: [
        { type: "thinking", thinking: "The user wants weather.", signature: "sig" },
        { type: "text", text: "Checking." },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
      ],
      tool_calls: [{ id: "toolu_1", name: "get_weather", args: { city: "Paris" }, type: "tool_call" }],
      invalid_tool_calls: [{ id: "toolu_2", name: "get_time", args: "{city:", error: "bad JSON", type: "invalid_tool_call" }],
    });
    assert.deepEqual(toChatMessage(anthropic), {
      role: "assistant",
      parts: [
        { type: "reasoning", content: "The user wants weather." },
        { type: "text", content: "Checking." },
        { type: "tool_call", id: "toolu_1", name: "get_weather", arguments: { city: "Paris" } },
        { type: "tool_call", id: "toolu_2", name: "get_time", arguments: "{city:" },
      ],
    });
    const v1 = new AIMessage({ content: [{ type: "reasoning", reasoning: "Think." }, { type: "tool_call", id: "c1", name: "search", args: { q: "x" } }] });
    assert.deepEqual(toChatMessage(v1).parts, [
      { type: "reasoning", content: "Think." },
      { type: "tool_call", id: "c1", name: "search", arguments: { q: "x" } },
    ]);
    const legacy = new AIMessage({ content: "", additional_kwargs: { function_call: { name: "lookup", arguments: '{"id":7}' } } });
    assert.deepEqual(toChatMessage(legacy).parts, [{ type: "tool_call", id: null, name: "lookup", arguments: { id: 7 } }]);
    const chunk = new AIMessageChunk({ content: "Hi", tool_call_chunks: [{ id: "c9", name: "f", args: '{"a":1}', index: 0, type: "tool_call_chunk" }] });
    assert.deepEqual(toChatMessage(chunk).parts, [
      { type: "text", content: "Hi" },
      { type: "tool_call", id: "c9", name: "f", arguments: { a: 1 } },
    ]);
  });

  test("tool results: tool_call_response with the call id; text-only content joined, other content as parts", () => {
    assert.deepEqual(toChatMessage(new ToolMessage({ content: "rainy", tool_call_id: "call_1", name: "get_weather" })), {
      role: "tool",
      parts: [{ type: "tool_call_response", id: "call_1", response: "rainy" }],
    });
    assert.deepEqual(toChatMessage(new ToolMessage({ content: [{ type: "text", text: "a" }, { type: "text", text: "b" }], tool_call_id: "call_2" })).parts, [
      { type: "tool_call_response", id: "call_2", response: "ab" },
    ]);
    assert.deepEqual(toChatMessage(new ToolMessage({ content: [{ type: "text", text: "chart:" }, { type: "image_url", image_url: "https://x/c.png" }], tool_call_id: "call_3" })).parts, [
      { type: "tool_call_response", id: "call_3", response: [{ type: "text", content: "chart:" }, { type: "uri", modality: "image", mime_type: null, uri: "https://x/c.png" }] },
    ]);
  });

  test("leading system messages become system instructions; later ones stay in the history; RemoveMessage markers are dropped", () => {
    const messages = toChatMessages([new SystemMessage("Rule 1"), new SystemMessage({ content: [{ type: "text", text: "Rule 2" }] }), new HumanMessage("Q"), new SystemMessage("Mid-chat note"), new RemoveMessage({ id: "m1" })]);
    assert.deepEqual(splitSystemInstructions(messages), {
      systemInstructions: [{ type: "text", content: "Rule 1" }, { type: "text", content: "Rule 2" }],
      messages: [
        { role: "user", parts: [{ type: "text", content: "Q" }] },
        { role: "system", parts: [{ type: "text", content: "Mid-chat note" }] },
      ],
    });
  });

  test("output messages: finish reasons mapped to the schema's values, inferred when the provider gave none", () => {
    const calls = new AIMessage({ content: "", tool_calls: [{ id: "c", name: "f", args: {} }] });
    assert.equal(toOutputMessage(calls, undefined).finish_reason, "tool_call");
    assert.equal(toOutputMessage(new AIMessage("x"), undefined).finish_reason, "stop");
    assert.equal(toOutputMessage(new AIMessage("x"), "end_turn").finish_reason, "stop");
    assert.equal(toOutputMessage(new AIMessage("x"), "max_tokens").finish_reason, "length");
    assert.equal(toOutputMessage(new AIMessage("x"), "SAFETY").finish_reason, "content_filter");
    assert.equal(toOutputMessage(new AIMessage("x"), "tool_use").finish_reason, "tool_call");
    assert.equal(toOutputMessage(new AIMessage("x"), "something_new").finish_reason, "something_new");
  });

  test("run values: agent inputs and outputs as messages, chain values readable, tool results unwrapped", () => {
    assert.deepEqual(agentInputMessages({ input: "plan a trip" }), [{ role: "user", parts: [{ type: "text", content: "plan a trip" }] }]);
    assert.deepEqual(agentInputMessages({ messages: [new HumanMessage("hi")] }), [{ role: "user", parts: [{ type: "text", content: "hi" }] }]);
    assert.equal(agentInputMessages({ topic: 3 }), undefined);
    assert.deepEqual(agentOutputMessages({ output: "done" }), [{ role: "assistant", parts: [{ type: "text", content: "done" }], finish_reason: "stop" }]);
    assert.deepEqual(agentOutputMessages({ messages: [new HumanMessage("hi"), new AIMessage("yo")] }), [{ role: "assistant", parts: [{ type: "text", content: "yo" }], finish_reason: "stop" }]);
    assert.equal(agentOutputMessages({ messages: [new HumanMessage("hi")] }), undefined);
    assert.deepEqual(readable({ question: "q", history: [new HumanMessage("a")], docs: [new Document({ id: "d1", pageContent: "text", metadata: { p: 1 } })], n: 2 }), {
      question: "q",
      history: [{ role: "user", parts: [{ type: "text", content: "a" }] }],
      docs: [{ id: "d1", content: "text", metadata: { p: 1 } }],
      n: 2,
    });
    assert.deepEqual(toolResult(new ToolMessage({ content: '{"t":21}', tool_call_id: "c" })), { result: { t: 21 }, failed: false });
    assert.deepEqual(toolResult(new ToolMessage({ content: "boom", tool_call_id: "c", status: "error" })), { result: "boom", failed: true });
    assert.deepEqual(toolResult("plain"), { result: "plain", failed: false });
  });
});
