import type { AnyValue } from "../../../model/any-value.ts";
import type { SpanEvent } from "../../../model/trace.ts";
import type { AiFields, Message } from "../ai-fields.ts";
import type { AiRule, AiRuleInput } from "../ai-rule.ts";
import { messageFrom } from "../messages/chat-messages.ts";
import { messagesFromAttribute } from "../messages/message-attributes.ts";
import { mergeFirstWins } from "../merge-fields.ts";
import { AttributeIndex } from "../values/attribute-index.ts";
import { anyValueToJson } from "../values/any-value-json.ts";
import { isPlainObject, parseStructuredJson } from "../values/json-text.ts";
import { readJsonish, readNumber, readObject, readString } from "../values/read-values.ts";
import { otelGenAiFields } from "./otel-genai.ts";

/**
 * The OTel GenAI conventions as span events, each era:
 * - 1.37+: one gen_ai.client.inference.operation.details event holding the same attributes as
 *   the span would (gen_ai.input.messages, …);
 * - 1.27–1.36: one event per message, gen_ai.{system,user,assistant,tool}.message and gen_ai.choice,
 *   whose body fields (content, tool_calls, id, message, finish_reason, index) arrive as event
 *   attributes, or whole as JSON in gen_ai.event.content (Azure AI Inference);
 * - before that: gen_ai.content.prompt / gen_ai.content.completion with gen_ai.prompt /
 *   gen_ai.completion JSON (Semantic Kernel).
 * Events come after attributes in the rule order: a span that has both says the same thing twice.
 */
export const otelGenAiEventsRule: AiRule = {
  id: "otel-genai-events",
  applies: ({ span }) => span.events.some((e) => e.name.startsWith("gen_ai.")),
  extract: ({ span }: AiRuleInput) => eventFields(span.events),
};

const MESSAGE_EVENT_ROLES: Record<string, string> = {
  "gen_ai.system.message": "system",
  "gen_ai.user.message": "user",
  "gen_ai.assistant.message": "assistant",
  "gen_ai.tool.message": "tool",
};

function eventFields(events: readonly SpanEvent[]): AiFields {
  const fields: AiFields = {};
  const input: Message[] = [];
  const choices: Array<{ index: number; order: number; message: Message }> = [];
  for (const event of events) {
    if (event.name === "gen_ai.client.inference.operation.details") {
      mergeFirstWins(fields, otelGenAiFields(new AttributeIndex(event.attributes)));
    } else if (Object.hasOwn(MESSAGE_EVENT_ROLES, event.name)) {
      input.push(messageEvent(new AttributeIndex(event.attributes), MESSAGE_EVENT_ROLES[event.name]!));
    } else if (event.name === "gen_ai.choice") {
      const choice = choiceEvent(new AttributeIndex(event.attributes));
      choices.push({ ...choice, order: choices.length });
    } else if (event.name === "gen_ai.content.prompt") {
      const prompt = messagesFromAttribute(eventAttribute(event, "gen_ai.prompt"));
      mergeFirstWins(fields, { input: prompt.messages, inputValue: prompt.value });
    } else if (event.name === "gen_ai.content.completion") {
      const completion = messagesFromAttribute(eventAttribute(event, "gen_ai.completion"));
      mergeFirstWins(fields, { output: completion.messages, outputValue: completion.value });
    }
  }
  if (input.length > 0) mergeFirstWins(fields, { input });
  if (choices.length > 0) {
    choices.sort((x, y) => x.index - y.index || x.order - y.order);
    mergeFirstWins(fields, { output: choices.map((c) => c.message) });
  }
  return fields;
}

function eventAttribute(event: SpanEvent, key: string): AnyValue | undefined {
  return new AttributeIndex(event.attributes).get(key);
}

/** A message event's body: whole in gen_ai.event.content, else its fields as attributes. */
function messageEvent(a: AttributeIndex, eventRole: string): Message {
  const body = readObject(a.get("gen_ai.event.content")) ?? {
    role: readString(a.get("role")),
    content: contentOf(a.get("content")),
    tool_calls: readJsonish(a.get("tool_calls")),
    tool_call_id: readString(a.get("id")) ?? readString(a.get("tool_call_id")),
    name: readString(a.get("name")),
  };
  return messageFrom({ ...body, role: typeof body.role === "string" && body.role ? body.role : eventRole });
}

function choiceEvent(a: AttributeIndex): { index: number; message: Message } {
  const body = readObject(a.get("gen_ai.event.content")) ?? {
    index: readNumber(a.get("index")),
    finish_reason: readString(a.get("finish_reason")),
    message: readJsonish(a.get("message")),
    content: contentOf(a.get("content")),
    tool_calls: readJsonish(a.get("tool_calls")),
  };
  // The message is an object ({ role, content, tool_calls }) or, from some senders, just its content list.
  const inner = isPlainObject(body.message) ? body.message : body.message !== undefined ? { content: body.message } : body;
  const message = messageFrom({
    role: typeof inner.role === "string" && inner.role ? inner.role : "assistant",
    content: inner.content,
    tool_calls: inner.tool_calls,
    finish_reason: body.finish_reason,
  });
  const index = typeof body.index === "number" && Number.isFinite(body.index) ? body.index : 0;
  return { index, message };
}

/**
 * Event content: text, a structured value, or a JSON list of content blocks in a string
 * (Strands: '[{"text": "…"}]'). Only a JSON *list* is parsed; a message whose text happens to be
 * a JSON object stays text.
 */
function contentOf(value: AnyValue | undefined): unknown {
  if (typeof value !== "string") return value === undefined ? undefined : anyValueToJson(value);
  if (!value.trimStart().startsWith("[")) return value;
  const parsed = parseStructuredJson(value);
  return parsed.ok && Array.isArray(parsed.value) && parsed.value.every(isPlainObject) ? parsed.value : value;
}
