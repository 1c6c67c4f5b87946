import type { AnyValue } from "../../../model/any-value.ts";
import type { AiFields, Message, MessagePart } from "../ai-fields.ts";
import { roleOf } from "../messages/chat-messages.ts";
import { partFromItem, partsFromContent, textPart, toolCallPart, toolResponsePart } from "../messages/message-parts.ts";
import type { AttributeIndex } from "../values/attribute-index.ts";
import { anyValueToJson } from "../values/any-value-json.ts";
import { fieldsWithPrefix, groupByIndex } from "../values/indexed-keys.ts";
import { readId, readJsonish, readNumber, readString } from "../values/read-values.ts";

/**
 * OpenInference's flattened messages: `llm.input_messages.N.message.role`, `.content`,
 * `.contents.M.message_content.{type,text,image.image.url}`, `.tool_calls.K.tool_call.{id,
 * function.name, function.arguments}`, `.tool_call_id`, `.name` (and the legacy
 * `.function_call_name` / `.function_call_arguments_json`). Indexes are read sparsely and in order.
 */
export function openInferenceMessages(a: AttributeIndex, prefix: string): Message[] | undefined {
  const entries = groupByIndex(a.withPrefix(prefix));
  return entries.length === 0 ? undefined : entries.map(({ fields }) => messageOf(fields));
}

function messageOf(f: Map<string, AnyValue>): Message {
  const role = roleOf(f.get("message.role"));
  const parts: MessagePart[] = [];
  const content = f.get("message.content");
  if (content !== undefined && content !== null) {
    // A tool message's content is the tool's response (the OTel shape says tool_call_response).
    if (role === "tool") parts.push(toolResponsePart(readString(f.get("message.tool_call_id")), typeof content === "string" ? content : anyValueToJson(content)));
    else if (typeof content === "string") parts.push(textPart(content));
    else parts.push(...partsFromContent(anyValueToJson(content)));
  }
  for (const { fields } of groupByIndex(fieldsWithPrefix(f, "message.contents."))) {
    const part = contentPart(fields);
    if (part) parts.push(part);
  }
  for (const { fields } of groupByIndex(fieldsWithPrefix(f, "message.tool_calls."))) {
    parts.push(toolCallPart(readId(fields.get("tool_call.id")), readString(fields.get("tool_call.function.name")), readJsonish(fields.get("tool_call.function.arguments"))));
  }
  const legacyCall = readString(f.get("message.function_call_name"));
  if (legacyCall !== undefined) parts.push(toolCallPart(undefined, legacyCall, readJsonish(f.get("message.function_call_arguments_json"))));
  const message: Message = { role, parts };
  const name = readString(f.get("message.name"));
  if (name !== undefined) message.name = name;
  return message;
}

function contentPart(c: Map<string, AnyValue>): MessagePart | undefined {
  const type = readString(c.get("message_content.type"));
  const text = c.get("message_content.text");
  if (typeof text === "string" && (type === undefined || type === "text")) return textPart(text);
  const imageUrl = readString(c.get("message_content.image.image.url"));
  if (imageUrl !== undefined) return partFromItem({ type: "image_url", image_url: { url: imageUrl } });
  if (type === undefined) return undefined;
  // Anything else keeps its fields under the type it declared.
  const rest: Array<[string, unknown]> = [];
  for (const [key, value] of c) if (key.startsWith("message_content.") && key !== "message_content.type") rest.push([key.slice("message_content.".length), anyValueToJson(value)]);
  return { ...Object.fromEntries(rest), type };
}

/** retrieval.documents.N.document.{id,content,score,metadata} (and a reranker's output documents). */
export function openInferenceDocuments(a: AttributeIndex, prefix: string): AiFields["documents"] {
  const entries = groupByIndex(a.withPrefix(prefix));
  if (entries.length === 0) return undefined;
  return entries.map(({ fields }) => {
    const doc: NonNullable<AiFields["documents"]>[number] = {};
    const id = readId(fields.get("document.id"));
    const content = readString(fields.get("document.content"));
    const score = readNumber(fields.get("document.score"));
    const metadata = readJsonish(fields.get("document.metadata"));
    if (id !== undefined) doc.id = id;
    if (content !== undefined) doc.content = content;
    if (score !== undefined) doc.score = score;
    if (metadata !== undefined) doc.metadata = metadata;
    return doc;
  });
}
