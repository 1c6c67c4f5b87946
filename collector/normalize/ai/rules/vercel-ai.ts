import type { Span } from "../../../model/trace.ts";
import type { AiFields, AiSpanType } from "../ai-fields.ts";
import type { AiRule, AiRuleInput } from "../ai-rule.ts";
import { messagesFromAttribute } from "../messages/message-attributes.ts";
import { setOwn } from "../merge-fields.ts";
import { normalizeProvider } from "../providers.ts";
import { AttributeIndex } from "../values/attribute-index.ts";
import { anyValueToJson } from "../values/any-value-json.ts";
import { jsonOrText } from "../values/json-text.ts";
import { readJsonish, readNumber, readString, readTokenCount } from "../values/read-values.ts";
import { vercelPromptMessages, vercelResponseMessages } from "./vercel-messages.ts";

/**
 * The Vercel AI SDK's own telemetry (ai.*): ai.operationId, ai.model.*, ai.prompt /
 * ai.prompt.messages, ai.response.*, ai.usage.* (promptTokens/completionTokens up to SDK 4,
 * inputTokens/outputTokens/… from 5), ai.toolCall.*, ai.settings.*, ai.telemetry.metadata.*.
 * The SDK also writes gen_ai.* on provider calls; rules/otel-genai.ts reads those first.
 */
export const vercelAiRule: AiRule = {
  id: "vercel-ai",
  applies: ({ attributes, scope }) =>
    attributes.has("ai.operationId") || attributes.has("ai.model.id") || attributes.has("ai.toolCall.name") || (scope?.name === "ai" && attributes.hasPrefix("ai.")),
  extract: ({ attributes, span }: AiRuleInput) => vercelFields(attributes, span),
};

/**
 * Provider calls (…doGenerate, …doStream, …doEmbed) are the model calls; the outer
 * ai.generateText / streamText / generateObject / streamObject / embed / embedMany spans wrap
 * one or more of them (tool loops, retries) and are chains, so usage is not counted twice.
 */
export function typeOfVercelOperation(operationId: string | undefined): AiSpanType | undefined {
  if (operationId === undefined) return undefined;
  if (operationId === "ai.toolCall") return "tool";
  if (operationId.endsWith(".doGenerate") || operationId.endsWith(".doStream")) return "llm";
  if (operationId.endsWith(".doEmbed")) return "embedding";
  if (operationId.endsWith(".doRerank")) return "reranker";
  return operationId.startsWith("ai.") ? "chain" : undefined;
}

function vercelFields(a: AttributeIndex, span: Span): AiFields {
  const operationId = readString(a.get("ai.operationId")) ?? (span.name.startsWith("ai.") ? span.name.split(" ")[0] : undefined);
  const provider = readString(a.get("ai.model.provider"));
  const finishReason = readString(a.first(["ai.response.finishReason", "ai.result.finishReason"]));
  const metadata = telemetryMetadata(a);
  const fields: AiFields = {
    type: typeOfVercelOperation(operationId),
    operation: operationId,
    provider: provider === undefined ? undefined : normalizeProvider(provider),
    requestModel: readString(a.get("ai.model.id")),
    responseModel: readString(a.get("ai.response.model")),
    usage: {
      inputTokens: readTokenCount(a.first(["ai.usage.inputTokens", "ai.usage.promptTokens", "ai.usage.tokens"])),
      outputTokens: readTokenCount(a.first(["ai.usage.outputTokens", "ai.usage.completionTokens"])),
      totalTokens: readTokenCount(a.get("ai.usage.totalTokens")),
      reasoningTokens: readTokenCount(a.get("ai.usage.reasoningTokens")),
      cacheReadTokens: readTokenCount(a.get("ai.usage.cachedInputTokens")),
    },
    output: vercelResponseMessages(a, finishReason),
    outputValue: readJsonish(a.first(["ai.response.object", "ai.result.object"])),
    finishReasons: finishReason === undefined ? undefined : [finishReason],
    tool: {
      name: readString(a.get("ai.toolCall.name")),
      callId: readString(a.get("ai.toolCall.id")),
      arguments: readJsonish(a.first(["ai.toolCall.args", "ai.toolCall.input"])),
      result: readJsonish(a.first(["ai.toolCall.result", "ai.toolCall.output"])),
    },
    sessionId: metadataString(metadata, ["sessionId", "session_id"]),
    userId: metadataString(metadata, ["userId", "user_id"]),
    metadata,
    parameters: settings(a),
    timeToFirstTokenNanos: timeToFirstChunk(a, span),
  };
  const prompt = a.has("ai.prompt.messages") ? messagesFromAttribute(a.get("ai.prompt.messages")) : vercelPromptMessages(a.get("ai.prompt"));
  fields.input = prompt.messages;
  fields.inputValue = prompt.value ?? embeddingInput(a);
  return fields;
}

/** ai.telemetry.metadata.<key> → metadata[key]; ai.telemetry.functionId → metadata.functionId. */
function telemetryMetadata(a: AttributeIndex): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  const functionId = readString(a.get("ai.telemetry.functionId"));
  if (functionId !== undefined) {
    out.functionId = functionId;
    any = true;
  }
  for (const [key, value] of a.withPrefix("ai.telemetry.metadata.")) {
    const json = anyValueToJson(value);
    if (json === undefined) continue;
    setOwn(out, key, json);
    any = true;
  }
  return any ? out : undefined;
}

function metadataString(metadata: Record<string, unknown> | undefined, keys: readonly string[]): string | undefined {
  if (metadata === undefined) return undefined;
  for (const key of keys) {
    const value = Object.hasOwn(metadata, key) ? metadata[key] : undefined;
    if (typeof value === "string" && value) return value;
  }
  return undefined;
}

/** ai.settings.* as sent (maxRetries, temperature, maxOutputTokens, …). */
function settings(a: AttributeIndex): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [key, value] of a.withPrefix("ai.settings.")) {
    const json = anyValueToJson(value);
    if (json === undefined) continue;
    setOwn(out, key, json);
    any = true;
  }
  return any ? out : undefined;
}

/** ai.value (embed) is one JSON-encoded value, ai.values (embedMany, doEmbed) a list of them. The vectors are left in the raw attributes. */
function embeddingInput(a: AttributeIndex): unknown {
  const one = a.get("ai.value");
  if (typeof one === "string") return jsonOrText(one);
  const many = a.get("ai.values");
  if (Array.isArray(many)) return many.map((v) => (typeof v === "string" ? jsonOrText(v) : anyValueToJson(v)));
  return undefined;
}

/** ai.response.msToFirstChunk (a double, in ms) on the span, else on its ai.stream.firstChunk event. */
function timeToFirstChunk(a: AttributeIndex, span: Span): number | undefined {
  let ms = readNumber(a.get("ai.response.msToFirstChunk"));
  if (ms === undefined) {
    const event = span.events.find((e) => e.name === "ai.stream.firstChunk");
    if (event) ms = readNumber(new AttributeIndex(event.attributes).get("ai.response.msToFirstChunk"));
  }
  return ms === undefined || ms < 0 ? undefined : Math.round(ms * 1e6);
}
