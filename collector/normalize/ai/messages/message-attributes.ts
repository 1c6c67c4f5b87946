import type { AnyValue } from "../../../model/any-value.ts";
import type { Message, MessagePart } from "../ai-fields.ts";
import { anyValueToJson } from "../values/any-value-json.ts";
import { parseStructuredJson } from "../values/json-text.ts";
import { messagesFrom } from "./chat-messages.ts";
import { partsFromContent, textPart } from "./message-parts.ts";

/** Messages read from one attribute: the messages, or — when they are not a message list — the value as it came. */
export interface MessagesOrValue {
  messages?: Message[];
  /** Not a message list: parsed JSON if the text was JSON, else the raw string (malformed JSON stays raw). */
  value?: unknown;
}

/**
 * A message-list attribute (gen_ai.input.messages, gen_ai.prompt, ai.prompt.messages, …): a
 * structured AnyValue or JSON text. Malformed JSON is not an error; the raw text is kept as the
 * plain value and no message is made up from it.
 */
export function messagesFromAttribute(value: AnyValue | undefined): MessagesOrValue {
  if (value === undefined || value === null) return {};
  let json: unknown;
  if (typeof value === "string") {
    const parsed = parseStructuredJson(value);
    if (!parsed.ok) return { value };
    json = parsed.value;
  } else {
    json = anyValueToJson(value);
    if (json === undefined) return {};
  }
  const messages = messagesFrom(json);
  return messages ? { messages } : { value: json };
}

/** gen_ai.system_instructions: an array of parts (structured or JSON), or plain instruction text. */
export function partsFromAttribute(value: AnyValue | undefined): MessagePart[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") {
    const parsed = parseStructuredJson(value);
    if (!parsed.ok) return value.length > 0 ? [textPart(value)] : undefined;
    return partsFromContent(parsed.value);
  }
  const json = anyValueToJson(value);
  return json === undefined ? undefined : partsFromContent(json);
}
