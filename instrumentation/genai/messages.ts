/**
 * The OpenTelemetry GenAI message shape (gen-ai-input-messages.json, gen-ai-output-messages.json,
 * gen-ai-system-instructions.json): a message is a role and a list of typed parts.
 */

export type Modality = "image" | "video" | "audio" | (string & {});

export type MessagePart =
  | { type: "text"; content: string }
  | { type: "reasoning"; content: string }
  | { type: "tool_call"; id?: string | null; name: string; arguments?: unknown }
  | { type: "tool_call_response"; id?: string | null; response: unknown }
  | { type: "blob"; modality: Modality; mime_type?: string | null; content: string }
  | { type: "file"; modality: Modality; mime_type?: string | null; file_id: string }
  | { type: "uri"; modality: Modality; mime_type?: string | null; uri: string }
  | GenericPart;

/** A part of a type the conventions do not define; its other fields are kept as they came. */
export interface GenericPart {
  type: string;
  [key: string]: unknown;
}

export type Role = "system" | "user" | "assistant" | "tool" | (string & {});

export interface ChatMessage {
  role: Role;
  parts: MessagePart[];
  name?: string;
}

/** The FinishReason values of the output messages schema. */
export type FinishReason = "stop" | "length" | "content_filter" | "tool_call" | "error" | (string & {});

export interface OutputMessage extends ChatMessage {
  finish_reason: FinishReason;
}

/** A single text part message: textMessage("user", "hi"). */
export function textMessage(role: Role, text: string): ChatMessage {
  return { role, parts: [{ type: "text", content: text }] };
}

/**
 * Provider finish reasons (OpenAI, Anthropic, Gemini, Bedrock, Cohere, Ollama) → the schema's
 * FinishReason. Unknown reasons pass through unchanged.
 */
export function normalizeFinishReason(reason: string): FinishReason {
  switch (reason) {
    case "stop":
    case "end_turn":
    case "stop_sequence":
    case "STOP":
    case "COMPLETE":
    case "eos":
      return "stop";
    case "length":
    case "max_tokens":
    case "MAX_TOKENS":
    case "model_length":
      return "length";
    case "tool_calls":
    case "tool_call":
    case "tool_use":
    case "function_call":
    case "TOOL_CALL":
      return "tool_call";
    case "content_filter":
    case "SAFETY":
    case "RECITATION":
    case "guardrail_intervened":
    case "ERROR_TOXIC":
      return "content_filter";
    default:
      return reason;
  }
}
