import type { AnyValue } from "../../../model/any-value.ts";
import type { Message, MessagePart } from "../ai-fields.ts";
import { roleOf } from "../messages/chat-messages.ts";
import { partsFromContent, textPart, toolCallPart, toolResponsePart } from "../messages/message-parts.ts";
import type { AttributeIndex } from "../values/attribute-index.ts";
import { anyValueToJson } from "../values/any-value-json.ts";
import { fieldsWithPrefix, groupByIndex } from "../values/indexed-keys.ts";
import { isPlainObject, parseStructuredJson } from "../values/json-text.ts";
import { readId, readJsonish, readString } from "../values/read-values.ts";

/**
 * OpenLLMetry's indexed messages: `gen_ai.prompt.N.{role,content,tool_call_id}`,
 * `gen_ai.prompt.N.tool_calls.K.{id,name,arguments}`, `gen_ai.completion.N.{…,finish_reason}`
 * and `…function_call.{name,arguments}` (and the same under llm.prompts / llm.completions in its
 * first releases). Used as written by OpenLLMetry and copied by others (JetBrains Koog).
 */
export function indexedMessages(a: AttributeIndex, prefix: string): Message[] | undefined {
  const entries = groupByIndex(a.withPrefix(prefix));
  return entries.length === 0 ? undefined : entries.map(({ fields }) => messageOf(fields));
}

function messageOf(f: Map<string, AnyValue>): Message {
  const role = roleOf(f.get("role"));
  const parts: MessagePart[] = [];
  const content = f.get("content");
  if (content !== undefined && content !== null) parts.push(...contentParts(role, content, readId(f.get("tool_call_id"))));
  for (const { fields } of groupByIndex(fieldsWithPrefix(f, "tool_calls."))) {
    parts.push(toolCallPart(readId(fields.get("id")), readString(fields.get("name")), readJsonish(fields.get("arguments"))));
  }
  const legacyCall = readString(f.get("function_call.name"));
  if (legacyCall !== undefined) parts.push(toolCallPart(undefined, legacyCall, readJsonish(f.get("function_call.arguments"))));
  const message: Message = { role, parts };
  const finish = readString(f.get("finish_reason"));
  if (finish !== undefined) message.finish_reason = finish;
  const name = readString(f.get("name"));
  if (name !== undefined) message.name = name;
  return message;
}

/**
 * Content is text, or — for multimodal content and tool calls — a JSON list in the string
 * (OpenLLMetry json.dumps a list of content parts; Koog puts OpenAI tool_calls there). Only a list
 * of typed objects is read as parts; any other text is text. A tool message's text is its response.
 */
function contentParts(role: string, content: AnyValue, toolCallId: string | undefined): MessagePart[] {
  if (typeof content !== "string") return partsFromContent(anyValueToJson(content));
  if (content.trimStart().startsWith("[")) {
    const parsed = parseStructuredJson(content);
    if (parsed.ok && Array.isArray(parsed.value) && parsed.value.length > 0 && parsed.value.every((p) => isPlainObject(p) && typeof p.type === "string")) {
      return partsFromContent(parsed.value);
    }
  }
  return role === "tool" ? [toolResponsePart(toolCallId, content)] : [textPart(content)];
}
