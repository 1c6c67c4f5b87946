/**
 * The canonical AI fields of a span (the `ai` object of the API, docs/api.md), whatever dialect
 * the span came in. Every field is optional: a dialect rule states what it knows.
 */

export type AiSpanType = "llm" | "chain" | "tool" | "agent" | "retriever" | "embedding" | "reranker" | "guardrail" | "evaluator";

export const AI_SPAN_TYPES: readonly AiSpanType[] = ["llm", "chain", "tool", "agent", "retriever", "embedding", "reranker", "guardrail", "evaluator"];

/** A message part in the OTel GenAI message shape (gen-ai-input-messages.json). Unknown part types pass through. */
export type MessagePart =
  | { type: "text"; content: string }
  | { type: "reasoning"; content: string }
  | { type: "tool_call"; id?: string; name: string; arguments?: unknown }
  | { type: "tool_call_response"; id?: string; response: unknown }
  | { type: "blob"; modality: string; mime_type?: string; content: string }
  | { type: "file"; modality: string; mime_type?: string; file_id: string }
  | { type: "uri"; modality: string; mime_type?: string; uri: string }
  | { type: string; [key: string]: unknown };

export interface Message {
  /** system, user, assistant, tool (and whatever else the source says). */
  role: string;
  parts: MessagePart[];
  /** Output messages: why generation stopped. */
  finish_reason?: string;
  name?: string;
}

export interface AiUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  /**
   * Whether inputTokens already contains cacheReadTokens and cacheWriteTokens. Set only where the
   * dialect says so (the current OTel GenAI conventions: "SHOULD be included in input_tokens");
   * otherwise cost.ts decides from the numbers and the provider (docs/cost.md).
   */
  inputIncludesCache?: boolean;
}

export interface AiFields {
  type?: AiSpanType;
  /** The model that answered (response model), else the requested one. */
  model?: string;
  requestModel?: string;
  responseModel?: string;
  /** Normalised provider: openai, anthropic, aws.bedrock, azure.ai.openai, gcp.vertex_ai, … (providers.ts). */
  provider?: string;
  /** gen_ai.operation.name or its dialect equivalent: chat, text_completion, embeddings, execute_tool, invoke_agent, … */
  operation?: string;
  usage?: AiUsage;
  /** USD; from the span when it states cost (llm.cost.*), else computed from usage and the price table. */
  costUsd?: number;
  /** Where costUsd came from. */
  costSource?: "span" | "price-table";
  /** Input and output as messages when the source has messages … */
  input?: Message[];
  output?: Message[];
  /** … or as a plain value (a string or JSON) when it does not (chains, tools, retrievers). */
  inputValue?: unknown;
  outputValue?: unknown;
  systemInstructions?: MessagePart[];
  /** `parametersSchema` is the tool's declared JSON Schema (OpenInference tool.parameters), not the call's arguments. */
  tool?: { name?: string; callId?: string; description?: string; arguments?: unknown; result?: unknown; parametersSchema?: unknown };
  agent?: { name?: string; id?: string; description?: string };
  /** Retriever results. */
  documents?: Array<{ id?: string; content?: string; score?: number; metadata?: unknown }>;
  sessionId?: string;
  userId?: string;
  finishReasons?: string[];
  /** Request parameters (temperature, max_tokens, …) as sent. */
  parameters?: Record<string, unknown>;
  error?: { type?: string; message?: string };
  tags?: string[];
  metadata?: Record<string, unknown>;
  /** Time to first token for streamed responses, in nanoseconds. */
  timeToFirstTokenNanos?: number;
  /** The dialect rules that contributed, in order (e.g. ["otel-genai", "openinference"]). */
  dialects?: string[];
}
