import type { Message, MessagePart } from "../ai-fields.ts";
import { isPlainObject } from "../values/json-text.ts";
import { partFromItem, partsFromContent, toolCallPart, toolResponsePart } from "./message-parts.ts";

/**
 * A list of chat messages of any dialect → OTel GenAI messages (role + parts). One converter for
 * every message-list carrier, because the shapes overlap: OTel messages ({ role, parts }), OpenAI
 * chat ({ role, content, tool_calls, tool_call_id, name }), Anthropic ({ role, content: blocks }),
 * the Vercel AI SDK ({ role, content: string | parts }). Undefined unless the value is an array of
 * objects, so the caller can keep anything else as a plain value.
 */
export function messagesFrom(value: unknown): Message[] | undefined {
  if (!Array.isArray(value) || !value.every(isPlainObject)) return undefined;
  return value.map((m) => messageFrom(m as Record<string, unknown>));
}

/** True for the OTel message shape exactly (every item has a string role and a parts array). */
export function isOtelMessageList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0 && value.every((m) => isPlainObject(m) && typeof m.role === "string" && Array.isArray(m.parts));
}

/** A role that is not a non-empty string (a number, an object, nothing) is "unknown", never a throw. */
export function roleOf(value: unknown): string {
  return typeof value === "string" && value.length > 0 ? value : "unknown";
}

export function messageFrom(m: Record<string, unknown>): Message {
  const role = roleOf(m.role);
  const parts: MessagePart[] = Array.isArray(m.parts) ? m.parts.flatMap((p) => partFromItem(p) ?? []) : chatParts(role, m);
  const message: Message = { role, parts };
  if (typeof m.name === "string" && m.name) message.name = m.name;
  const finish = m.finish_reason ?? m.finishReason;
  if (typeof finish === "string" && finish) message.finish_reason = finish;
  return message;
}

/** OpenAI-style fields: a tool message's text is the tool's response; tool_calls and function_call are calls. */
function chatParts(role: string, m: Record<string, unknown>): MessagePart[] {
  const parts: MessagePart[] =
    role === "tool" && typeof m.content === "string" ? [toolResponsePart(m.tool_call_id ?? m.id, m.content)] : partsFromContent(m.content);
  if (Array.isArray(m.tool_calls)) {
    for (const call of m.tool_calls) {
      // OpenAI tool calls are { id, type: "function", function: { name, arguments } }; some senders drop the type.
      const part = isPlainObject(call) && isPlainObject(call.function) ? toolCallPart(call.id, call.function.name, call.function.arguments) : partFromItem(call);
      if (part) parts.push(part);
    }
  }
  if (isPlainObject(m.function_call)) parts.push(toolCallPart(undefined, m.function_call.name, m.function_call.arguments));
  return parts;
}
