import type { AiFields, AiSpanType } from "../ai-fields.ts";
import type { AiRule, AiRuleInput } from "../ai-rule.ts";
import { setOwn } from "../merge-fields.ts";
import { normalizeProvider } from "../providers.ts";
import type { AttributeIndex } from "../values/attribute-index.ts";
import { anyValueToJson } from "../values/any-value-json.ts";
import { readJsonish, readNumber, readString, readTokenCount } from "../values/read-values.ts";
import { indexedMessages } from "./indexed-messages.ts";

/**
 * OpenLLMetry / Traceloop: traceloop.span.kind and traceloop.entity.* on workflow, task, agent
 * and tool spans; traceloop.association.properties.*; on LLM spans the indexed
 * gen_ai.prompt.N / gen_ai.completion.N messages (llm.prompts.N / llm.completions.N in the
 * first releases) and the legacy llm.* keys (llm.request.type, llm.usage.total_tokens, llm.vendor,
 * llm.temperature, …). The gen_ai.* keys OpenLLMetry shares with the OTel conventions are read by
 * rules/otel-genai.ts.
 */
export const openLlmetryRule: AiRule = {
  id: "openllmetry",
  applies: ({ attributes }) => {
    for (const key of attributes.keys()) if (MARKER.test(key)) return true;
    return false;
  },
  extract: ({ attributes }: AiRuleInput) => openLlmetryFields(attributes),
};

const MARKER = /^(traceloop\.|gen_ai\.(prompt|completion)\.\d|llm\.(prompts|completions)\.\d|llm\.(request\.type|vendor|usage\.total_tokens|request\.model|response\.model)$)/;

const SPAN_KINDS: Record<string, AiSpanType> = { workflow: "chain", task: "chain", agent: "agent", tool: "tool" };
const REQUEST_TYPES: Record<string, AiSpanType> = { chat: "llm", completion: "llm", embedding: "embedding", rerank: "reranker" };

/** Legacy llm.* request settings → parameter names of the OTel conventions. */
const LEGACY_PARAMETERS: Record<string, string> = {
  "llm.temperature": "temperature",
  "llm.top_p": "top_p",
  "llm.top_k": "top_k",
  "llm.frequency_penalty": "frequency_penalty",
  "llm.presence_penalty": "presence_penalty",
  "llm.request.max_tokens": "max_tokens",
  "llm.chat.stop_sequences": "stop_sequences",
  "llm.is_streaming": "stream",
};

function openLlmetryFields(a: AttributeIndex): AiFields {
  const kind = readString(a.get("traceloop.span.kind"));
  const requestType = readString(a.get("llm.request.type"));
  const type = lookup(SPAN_KINDS, kind) ?? lookup(REQUEST_TYPES, requestType);
  const entityName = readString(a.get("traceloop.entity.name"));
  const vendor = readString(a.get("llm.vendor"));
  const associations = associationProperties(a);
  return {
    type,
    operation: requestType,
    provider: vendor === undefined ? undefined : normalizeProvider(vendor),
    requestModel: readString(a.get("llm.request.model")),
    responseModel: readString(a.get("llm.response.model")),
    usage: {
      inputTokens: readTokenCount(a.get("llm.usage.prompt_tokens")),
      outputTokens: readTokenCount(a.get("llm.usage.completion_tokens")),
      totalTokens: readTokenCount(a.get("llm.usage.total_tokens")),
      reasoningTokens: readTokenCount(a.get("llm.usage.reasoning_tokens")),
    },
    input: indexedMessages(a, "gen_ai.prompt.") ?? indexedMessages(a, "llm.prompts."),
    output: indexedMessages(a, "gen_ai.completion.") ?? indexedMessages(a, "llm.completions."),
    inputValue: readJsonish(a.get("traceloop.entity.input")),
    outputValue: readJsonish(a.get("traceloop.entity.output")),
    tool: { name: type === "tool" ? entityName : undefined },
    agent: { name: type === "agent" ? entityName : undefined },
    sessionId: stringOf(associations, ["session_id", "sessionId"]),
    userId: stringOf(associations, ["user_id", "userId"]) ?? readString(a.get("llm.user")),
    metadata: associations,
    parameters: legacyParameters(a),
  };
}

function lookup(table: Record<string, AiSpanType>, key: string | undefined): AiSpanType | undefined {
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

function associationProperties(a: AttributeIndex): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [key, value] of a.withPrefix("traceloop.association.properties.")) {
    const json = anyValueToJson(value);
    if (json === undefined) continue;
    setOwn(out, key, json);
    any = true;
  }
  return any ? out : undefined;
}

function stringOf(record: Record<string, unknown> | undefined, keys: readonly string[]): string | undefined {
  if (record === undefined) return undefined;
  for (const key of keys) {
    const value = Object.hasOwn(record, key) ? record[key] : undefined;
    if (typeof value === "string" && value) return value;
  }
  return undefined;
}

function legacyParameters(a: AttributeIndex): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [key, name] of Object.entries(LEGACY_PARAMETERS)) {
    const value = a.get(key);
    if (value === undefined) continue;
    const json = readNumber(value) ?? anyValueToJson(value);
    if (json === undefined) continue;
    out[name] = json;
    any = true;
  }
  return any ? out : undefined;
}
