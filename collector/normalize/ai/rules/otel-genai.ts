import type { AiFields, AiSpanType, AiUsage } from "../ai-fields.ts";
import type { AiRule, AiRuleInput } from "../ai-rule.ts";
import { messagesFromAttribute, partsFromAttribute } from "../messages/message-attributes.ts";
import { setOwn } from "../merge-fields.ts";
import { normalizeProvider } from "../providers.ts";
import type { AttributeIndex } from "../values/attribute-index.ts";
import { anyValueToJson } from "../values/any-value-json.ts";
import { readJsonish, readNumber, readString, readStringList, readTokenCount } from "../values/read-values.ts";

/**
 * The OTel GenAI semantic conventions, as span attributes, every era: gen_ai.operation.name,
 * gen_ai.provider.name (gen_ai.system before 1.37), models, usage (input/output tokens, and the
 * prompt/completion tokens of ≤1.26), cache and reasoning tokens under each era's names,
 * gen_ai.input.messages / output.messages / system_instructions (1.37+), the single JSON
 * gen_ai.prompt / gen_ai.completion of ≤1.26, tools, agents, conversation id, request parameters.
 * Span events of the same conventions are rules/otel-genai-events.ts; the indexed
 * gen_ai.prompt.N.* (OpenLLMetry's) are rules/openllmetry.ts.
 */
export const otelGenAiRule: AiRule = {
  id: "otel-genai",
  applies: ({ attributes }) => attributes.hasPrefix("gen_ai."),
  extract: ({ attributes }: AiRuleInput) => otelGenAiFields(attributes),
};

const OPERATION_TYPES: Record<string, AiSpanType> = {
  chat: "llm",
  text_completion: "llm",
  generate_content: "llm",
  completion: "llm",
  responses: "llm",
  // Semantic Kernel's names before the conventions settled.
  "chat.completions": "llm",
  "text.completions": "llm",
  embeddings: "embedding",
  embedding: "embedding",
  execute_tool: "tool",
  invoke_agent: "agent",
  create_agent: "agent",
  invoke_workflow: "chain",
  retrieval: "retriever",
  retrieve: "retriever",
  rerank: "reranker",
};

export function typeOfOperation(operation: string | undefined): AiSpanType | undefined {
  return operation !== undefined && Object.hasOwn(OPERATION_TYPES, operation) ? OPERATION_TYPES[operation] : undefined;
}

/** Also applied to the attributes of a gen_ai.client.inference.operation.details event. */
export function otelGenAiFields(a: AttributeIndex): AiFields {
  const operation = readString(a.get("gen_ai.operation.name"));
  const toolName = readString(a.get("gen_ai.tool.name"));
  const toolCallId = readString(a.get("gen_ai.tool.call.id"));
  const provider = readString(a.first(["gen_ai.provider.name", "gen_ai.system"]));
  const fields: AiFields = {
    type: typeOfOperation(operation) ?? (toolName !== undefined || toolCallId !== undefined ? "tool" : undefined),
    operation,
    provider: provider === undefined ? undefined : normalizeProvider(provider),
    requestModel: readString(a.get("gen_ai.request.model")),
    responseModel: readString(a.get("gen_ai.response.model")),
    usage: usageOf(a),
    systemInstructions: partsFromAttribute(a.get("gen_ai.system_instructions")),
    tool: {
      name: toolName,
      callId: toolCallId,
      description: readString(a.get("gen_ai.tool.description")),
      arguments: readJsonish(a.get("gen_ai.tool.call.arguments")),
      result: readJsonish(a.get("gen_ai.tool.call.result")),
    },
    agent: {
      name: readString(a.get("gen_ai.agent.name")),
      id: readString(a.get("gen_ai.agent.id")),
      description: readString(a.get("gen_ai.agent.description")),
    },
    sessionId: readString(a.first(["gen_ai.conversation.id", "session.id"])),
    userId: readString(a.first(["user.id", "enduser.id"])),
    finishReasons: readStringList(a.get("gen_ai.response.finish_reasons")),
    parameters: requestParameters(a),
    error: { type: readString(a.get("error.type")) },
  };
  // Messages: the 1.37+ attributes, else the single JSON attributes of ≤1.26 (which some senders fill with non-message JSON).
  const input = messagesFromAttribute(a.get("gen_ai.input.messages") ?? a.get("gen_ai.prompt"));
  const output = messagesFromAttribute(a.get("gen_ai.output.messages") ?? a.get("gen_ai.completion"));
  fields.input = input.messages;
  fields.output = output.messages;
  // "input"/"output": plain values some GenAI senders attach (the tool execution span of reference/openinference-genai).
  fields.inputValue = input.value ?? readJsonish(a.get("input"));
  fields.outputValue = output.value ?? readJsonish(a.get("output"));
  return fields;
}

/** Each usage figure under its names, newest convention first. */
const USAGE_KEYS = {
  inputTokens: ["gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"],
  outputTokens: ["gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"],
  totalTokens: ["gen_ai.usage.total_tokens"],
  cacheReadTokens: ["gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens", "gen_ai.usage.input_tokens.cached"],
  cacheWriteTokens: ["gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens", "gen_ai.usage.input_tokens.cache_write"],
  reasoningTokens: ["gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.reasoning_tokens", "gen_ai.usage.output_tokens.reasoning"],
} as const;

function usageOf(a: AttributeIndex): AiUsage {
  const usage: AiUsage = {};
  for (const [field, keys] of Object.entries(USAGE_KEYS) as Array<[keyof typeof USAGE_KEYS, readonly string[]]>) {
    usage[field] = readTokenCount(a.first(keys));
  }
  // Only the current names come with the rule "the value SHOULD be included in gen_ai.usage.input_tokens".
  const current = [a.get("gen_ai.usage.cache_read.input_tokens"), a.get("gen_ai.usage.cache_creation.input_tokens")];
  if (current.some((v) => readTokenCount(v) !== undefined)) usage.inputIncludesCache = true;
  return usage;
}

/** Numeric by the conventions; read tolerantly, since some pipelines turn every attribute into a string. */
const NUMERIC_PARAMETERS = new Set(["temperature", "top_p", "top_k", "max_tokens", "frequency_penalty", "presence_penalty", "seed", "choice.count"]);

function requestParameters(a: AttributeIndex): Record<string, unknown> | undefined {
  const params: Record<string, unknown> = {};
  let any = false;
  for (const [name, value] of a.withPrefix("gen_ai.request.")) {
    if (name === "model") continue;
    const json = NUMERIC_PARAMETERS.has(name) ? (readNumber(value) ?? anyValueToJson(value)) : anyValueToJson(value);
    if (json === undefined) continue;
    setOwn(params, name, json);
    any = true;
  }
  return any ? params : undefined;
}
