import type { AnyValue } from "../../../model/any-value.ts";
import type { Message, MessagePart } from "../ai-fields.ts";
import { messagesFrom } from "../messages/chat-messages.ts";
import { messagesFromAttribute, type MessagesOrValue } from "../messages/message-attributes.ts";
import { textPart, toolCallPart } from "../messages/message-parts.ts";
import { isPlainObject, parseStructuredJson } from "../values/json-text.ts";
import type { AttributeIndex } from "../values/attribute-index.ts";
import { readJsonish, readString } from "../values/read-values.ts";

/**
 * The Vercel AI SDK's prompt on an outer span (ai.generateText, …): ai.prompt is JSON
 * { system?, prompt?: string | messages, messages? } → OTel messages, the system text first.
 * The provider-call spans carry ai.prompt.messages, a plain message list.
 */
export function vercelPromptMessages(value: AnyValue | undefined): MessagesOrValue {
  if (typeof value !== "string") return messagesFromAttribute(value);
  const parsed = parseStructuredJson(value);
  if (!parsed.ok) return { value };
  const p = parsed.value;
  if (!isPlainObject(p)) return messagesFromAttribute(value);
  const messages: Message[] = [];
  let understood = false;
  if (typeof p.system === "string") {
    messages.push({ role: "system", parts: [textPart(p.system)] });
    understood = true;
  }
  for (const list of [p.prompt, p.messages]) {
    if (typeof list === "string") {
      messages.push({ role: "user", parts: [textPart(list)] });
      understood = true;
    } else {
      const converted = messagesFrom(list);
      if (converted) {
        messages.push(...converted);
        understood = true;
      }
    }
  }
  return understood ? { messages } : { value: p };
}

/** ai.response.text and ai.response.toolCalls (ai.result.* before SDK 4) as one assistant message. */
export function vercelResponseMessages(a: AttributeIndex, finishReason: string | undefined): Message[] | undefined {
  const parts: MessagePart[] = [];
  const text = readString(a.first(["ai.response.text", "ai.result.text"]));
  if (text !== undefined) parts.push(textPart(text));
  const calls = readJsonish(a.first(["ai.response.toolCalls", "ai.result.toolCalls"]));
  if (Array.isArray(calls)) {
    for (const call of calls) {
      // SDK 5+ names the arguments `input` (JSON text); earlier versions `args`.
      if (isPlainObject(call)) parts.push(toolCallPart(call.toolCallId, call.toolName, call.input !== undefined ? call.input : call.args));
    }
  }
  if (parts.length === 0) return undefined;
  const message: Message = { role: "assistant", parts };
  if (finishReason !== undefined) message.finish_reason = finishReason;
  return [message];
}
