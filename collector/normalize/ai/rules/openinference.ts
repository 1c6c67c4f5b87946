import type { AnyValue } from "../../../model/any-value.ts";
import type { AiFields, AiSpanType } from "../ai-fields.ts";
import type { AiRule, AiRuleInput } from "../ai-rule.ts";
import { isOtelMessageList, messagesFrom } from "../messages/chat-messages.ts";
import { normalizeProvider } from "../providers.ts";
import type { AttributeIndex } from "../values/attribute-index.ts";
import { anyValueToJson } from "../values/any-value-json.ts";
import { groupByIndex } from "../values/indexed-keys.ts";
import { jsonOrText, parseJson } from "../values/json-text.ts";
import { readAmount, readJsonish, readObject, readString, readStringList, readTokenCount } from "../values/read-values.ts";
import { openInferenceDocuments, openInferenceMessages } from "./openinference-messages.ts";

/**
 * OpenInference (Arize Phoenix): openinference.span.kind, llm.* (model, provider, flattened
 * messages, token counts, costs, invocation parameters), input.value / output.value with their
 * MIME types, retrieval documents, tool.*, session.id, user.id, metadata, tag.tags.
 */
export const openInferenceRule: AiRule = {
  id: "openinference",
  applies: ({ attributes }) => {
    for (const key of attributes.keys()) if (MARKER.test(key)) return true;
    return false;
  },
  extract: ({ attributes }: AiRuleInput) => openInferenceFields(attributes),
};

/** Keys only OpenInference uses (OpenLLMetry's legacy llm.* keys are different: llm.prompts, llm.request.type, …). */
const MARKER =
  /^(openinference\.span\.kind$|llm\.(input_messages|output_messages|token_count|cost|tools)\.|llm\.(model_name|provider|system|invocation_parameters|finish_reason)$|retrieval\.documents\.|embedding\.(embeddings\.|model_name$)|reranker\.|input\.value$|output\.value$)/;

const KIND_TYPES: Record<string, AiSpanType> = {
  LLM: "llm",
  CHAIN: "chain",
  TOOL: "tool",
  AGENT: "agent",
  RETRIEVER: "retriever",
  EMBEDDING: "embedding",
  RERANKER: "reranker",
  GUARDRAIL: "guardrail",
  EVALUATOR: "evaluator",
};

function openInferenceFields(a: AttributeIndex): AiFields {
  const kind = readString(a.get("openinference.span.kind"))?.toUpperCase();
  const provider = readString(a.first(["llm.provider", "llm.system"]));
  const invocation = readObject(a.get("llm.invocation_parameters"));
  const fields: AiFields = {
    type: kind !== undefined && Object.hasOwn(KIND_TYPES, kind) ? KIND_TYPES[kind] : undefined,
    provider: provider === undefined ? undefined : normalizeProvider(provider),
    // OpenInference has one model name, the one that answered; the request's is in the invocation parameters.
    requestModel: typeof invocation?.model === "string" && invocation.model ? invocation.model : undefined,
    responseModel: readString(a.first(["llm.model_name", "embedding.model_name", "reranker.model_name"])),
    usage: {
      inputTokens: readTokenCount(a.get("llm.token_count.prompt")),
      outputTokens: readTokenCount(a.get("llm.token_count.completion")),
      totalTokens: readTokenCount(a.get("llm.token_count.total")),
      cacheReadTokens: readTokenCount(a.get("llm.token_count.prompt_details.cache_read")),
      cacheWriteTokens: readTokenCount(a.get("llm.token_count.prompt_details.cache_write")),
      reasoningTokens: readTokenCount(a.get("llm.token_count.completion_details.reasoning")),
    },
    ...spanCost(a),
    input: openInferenceMessages(a, "llm.input_messages."),
    output: openInferenceMessages(a, "llm.output_messages."),
    documents: openInferenceDocuments(a, "retrieval.documents.") ?? openInferenceDocuments(a, "reranker.output_documents."),
    tool: {
      name: readString(a.first(["tool.name", "tool_call.function.name"])),
      callId: readString(a.get("tool_call.id")),
      description: readString(a.get("tool.description")),
      arguments: readJsonish(a.get("tool_call.function.arguments")),
      parametersSchema: readJsonish(a.get("tool.parameters")),
    },
    agent: { name: readString(a.get("agent.name")) },
    sessionId: readString(a.get("session.id")),
    userId: readString(a.get("user.id")),
    metadata: readObject(a.get("metadata")),
    tags: readStringList(a.get("tag.tags")),
    parameters: invocation,
    // Newer OpenInference LangChain versions write the answer's finish reason as llm.finish_reason.
    finishReasons: readStringList(a.get("llm.finish_reason")),
  };
  fields.inputValue = ioValue(a.get("input.value"), readString(a.get("input.mime_type"))) ?? embeddingTexts(a) ?? readString(a.get("reranker.query"));
  fields.outputValue = ioValue(a.get("output.value"), readString(a.get("output.mime_type")));
  // input.value holding messages in the OTel shape exactly (as OpenInference's own GenAI bridge writes it) is read as messages.
  if (fields.input === undefined && isOtelMessageList(fields.inputValue)) fields.input = messagesFrom(fields.inputValue);
  if (fields.output === undefined && isOtelMessageList(fields.outputValue)) fields.output = messagesFrom(fields.outputValue);
  return fields;
}

/** llm.cost.total, else the sum of the prompt and completion costs that are given. The span's own cost is never recomputed. */
function spanCost(a: AttributeIndex): Pick<AiFields, "costUsd" | "costSource"> {
  const total = readAmount(a.get("llm.cost.total"));
  const prompt = readAmount(a.get("llm.cost.prompt"));
  const completion = readAmount(a.get("llm.cost.completion"));
  const cost = total ?? (prompt !== undefined || completion !== undefined ? (prompt ?? 0) + (completion ?? 0) : undefined);
  return cost === undefined ? {} : { costUsd: cost, costSource: "span" };
}

/** input.value / output.value: JSON when the MIME type says so (kept raw if it does not parse), text when it says text/plain. */
function ioValue(value: AnyValue | undefined, mime: string | undefined): unknown {
  if (value === undefined) return undefined;
  if (typeof value !== "string") return anyValueToJson(value);
  if (mime === "application/json") {
    const parsed = parseJson(value);
    return parsed.ok ? parsed.value : value;
  }
  return mime === "text/plain" ? value : jsonOrText(value);
}

/** An EMBEDDING span's inputs: embedding.embeddings.N.embedding.text (the vectors stay in the raw attributes). */
function embeddingTexts(a: AttributeIndex): string[] | undefined {
  const texts = groupByIndex(a.withPrefix("embedding.embeddings."))
    .map(({ fields }) => fields.get("embedding.text"))
    .filter((t): t is string => typeof t === "string");
  return texts.length > 0 ? texts : undefined;
}
