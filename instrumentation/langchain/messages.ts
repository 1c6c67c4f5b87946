/**
 * LangChain messages → OTel GenAI messages (role + parts), including tool calls (tool_call parts
 * from AIMessage.tool_calls, invalid_tool_calls and the legacy additional_kwargs.function_call)
 * and tool results (ToolMessage → a tool_call_response part).
 *
 * Works on the messages' fields, never on their classes, so it needs no runtime import of
 * @langchain/core and accepts messages of any copy of it (CommonJS or ESM build).
 */
import type { BaseMessage } from "@langchain/core/messages";
import { normalizeFinishReason, type ChatMessage, type MessagePart, type OutputMessage, type Role } from "../genai/messages.ts";
import { contentToParts } from "./content-blocks.ts";

/** The fields of a LangChain message this module reads. */
interface MessageFields {
  type?: unknown;
  role?: unknown;
  content?: unknown;
  name?: unknown;
  tool_calls?: unknown;
  invalid_tool_calls?: unknown;
  tool_call_id?: unknown;
  additional_kwargs?: unknown;
  response_metadata?: unknown;
  _getType?: unknown;
}

export function messageType(message: BaseMessage | MessageFields): string | undefined {
  const m = message as MessageFields;
  if (typeof m.type === "string") return m.type;
  if (typeof m._getType === "function") {
    const t: unknown = (m._getType as () => unknown).call(message);
    if (typeof t === "string") return t;
  }
  return undefined;
}

/** Whether a value looks like a LangChain message (BaseMessage of any build). */
export function isMessageLike(value: unknown): value is BaseMessage {
  if (typeof value !== "object" || value === null) return false;
  const m = value as MessageFields;
  return "content" in m && messageType(m) !== undefined && (typeof m._getType === "function" || "lc_namespace" in m);
}

export function roleOf(message: BaseMessage | MessageFields): Role {
  const type = messageType(message);
  switch (type) {
    case "human":
      return "user";
    case "ai":
      return "assistant";
    case "system":
    case "developer":
      return "system";
    case "tool":
    case "function":
      return "tool";
    case "generic": {
      const role = (message as MessageFields).role;
      return typeof role === "string" ? roleFromName(role) : "user";
    }
    default:
      return type ? roleFromName(type) : "user";
  }
}

function roleFromName(role: string): Role {
  if (role === "human") return "user";
  if (role === "ai") return "assistant";
  if (role === "developer") return "system";
  return role;
}

export function toChatMessage(message: BaseMessage): ChatMessage {
  const m = message as MessageFields;
  const role = roleOf(m);
  const msg: ChatMessage = { role, parts: role === "tool" ? [toolResponsePart(m)] : partsOf(m) };
  if (typeof m.name === "string" && m.name !== "" && role !== "tool") msg.name = m.name;
  return msg;
}

/** The messages of one model call; LangChain's RemoveMessage markers are dropped. */
export function toChatMessages(messages: readonly BaseMessage[]): ChatMessage[] {
  return messages.filter((m) => messageType(m) !== "remove").map(toChatMessage);
}

/**
 * Leading system messages become the system instructions (gen_ai.system_instructions, a list of
 * parts); the rest of the history, later system messages included, stays in the input messages.
 */
export function splitSystemInstructions(messages: ChatMessage[]): { systemInstructions: MessagePart[]; messages: ChatMessage[] } {
  let i = 0;
  const systemInstructions: MessagePart[] = [];
  while (i < messages.length && messages[i]!.role === "system") systemInstructions.push(...messages[i++]!.parts);
  return { systemInstructions, messages: messages.slice(i) };
}

/** A model's answer as an output message; finish_reason from the provider's, else inferred. */
export function toOutputMessage(message: BaseMessage, providerFinishReason: string | undefined): OutputMessage {
  const chat = toChatMessage(message);
  const hasToolCalls = chat.parts.some((p) => p.type === "tool_call");
  const finish_reason = providerFinishReason !== undefined ? normalizeFinishReason(providerFinishReason) : hasToolCalls ? "tool_call" : "stop";
  return { ...chat, role: "assistant", finish_reason };
}

function partsOf(m: MessageFields): MessagePart[] {
  const toolCalls = toolCallParts(m);
  const ids = new Set(toolCalls.map((p) => (p.type === "tool_call" ? p.id : undefined)).filter(Boolean));
  const fromContent = contentToParts(m.content).filter((p) => !(p.type === "tool_call" && (ids.has(p.id as string) || (toolCalls.length > 0 && !p.id))));
  return [...fromContent, ...toolCalls];
}

function toolCallParts(m: MessageFields): MessagePart[] {
  const parts: MessagePart[] = [];
  if (Array.isArray(m.tool_calls)) {
    for (const call of m.tool_calls as unknown[]) {
      if (!isRecord(call) || typeof call.name !== "string") continue;
      parts.push({ type: "tool_call", id: typeof call.id === "string" ? call.id : null, name: call.name, arguments: call.args ?? {} });
    }
  }
  if (Array.isArray(m.invalid_tool_calls)) {
    for (const call of m.invalid_tool_calls as unknown[]) {
      if (!isRecord(call)) continue;
      parts.push({ type: "tool_call", id: typeof call.id === "string" ? call.id : null, name: typeof call.name === "string" ? call.name : "", arguments: call.args ?? null });
    }
  }
  const fn = isRecord(m.additional_kwargs) ? m.additional_kwargs.function_call : undefined;
  if (parts.length === 0 && isRecord(fn) && typeof fn.name === "string") {
    parts.push({ type: "tool_call", id: null, name: fn.name, arguments: parseArguments(fn.arguments) });
  }
  return parts;
}

function toolResponsePart(m: MessageFields): MessagePart {
  const id = typeof m.tool_call_id === "string" ? m.tool_call_id : typeof m.name === "string" ? m.name : null;
  return { type: "tool_call_response", id, response: responseOf(m.content) };
}

/** A tool result: its text when it is text only, else the converted parts. */
function responseOf(content: unknown): unknown {
  if (typeof content === "string") return content;
  const parts = contentToParts(content);
  if (parts.every((p) => p.type === "text")) return parts.map((p) => (p as { content: string }).content).join("");
  return parts;
}

function parseArguments(args: unknown): unknown {
  if (typeof args !== "string") return args;
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
