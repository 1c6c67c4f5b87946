import type { MessagePart } from "../ai-fields.ts";
import { isPlainObject, jsonOrText } from "../values/json-text.ts";

/**
 * Message content of any dialect → OTel GenAI message parts (gen-ai-input-messages.json). Handles
 * the shapes the dialects carry inside their messages: OTel parts themselves, OpenAI chat and
 * Responses items, Anthropic blocks, Vercel AI SDK parts, Bedrock Converse blocks. A part of a type
 * nobody knows passes through as a generic part; an object without any type is kept whole as
 * `{ type: "unknown", content }` rather than guessed at.
 */
export function partsFromContent(content: unknown): MessagePart[] {
  if (content === undefined || content === null) return [];
  if (Array.isArray(content)) return content.flatMap((item) => partFromItem(item) ?? []);
  return [partFromItem(content) ?? []].flat();
}

export function textPart(content: string): MessagePart {
  return { type: "text", content };
}

/** Arguments as JSON when they are JSON text of an object or array (the OTel shape carries objects), else as sent. */
export function toolArguments(value: unknown): unknown {
  return typeof value === "string" ? jsonOrText(value) : value;
}

export function toolCallPart(id: unknown, name: unknown, args: unknown): MessagePart {
  // Built in the schema's key order (type, id, name, arguments) so stored JSON reads alike from every dialect.
  return {
    type: "tool_call",
    ...(typeof id === "string" && id ? { id } : {}),
    name: typeof name === "string" ? name : "",
    ...(args !== undefined ? { arguments: toolArguments(args) } : {}),
  };
}

export function toolResponsePart(id: unknown, response: unknown): MessagePart {
  return { type: "tool_call_response", ...(typeof id === "string" && id ? { id } : {}), response: response ?? null };
}

export function partFromItem(item: unknown): MessagePart | undefined {
  if (item === undefined || item === null) return undefined;
  if (typeof item === "string") return textPart(item);
  if (typeof item !== "object") return textPart(String(item));
  if (Array.isArray(item)) return { type: "unknown", content: item };
  return conforming(partFromObject(item as Record<string, unknown>), item as Record<string, unknown>);
}

/** What each part type of the OTel schema requires. */
const REQUIRED: Record<string, (p: Record<string, unknown>) => boolean> = {
  text: (p) => typeof p.content === "string",
  reasoning: (p) => typeof p.content === "string",
  tool_call: (p) => typeof p.name === "string",
  tool_call_response: (p) => "response" in p,
  blob: (p) => typeof p.modality === "string" && typeof p.content === "string",
  file: (p) => typeof p.modality === "string" && typeof p.file_id === "string",
  uri: (p) => typeof p.modality === "string" && typeof p.uri === "string",
  server_tool_call: (p) => typeof p.name === "string" && "server_tool_call" in p,
  server_tool_call_response: (p) => "server_tool_call_response" in p,
};

/**
 * A part that claims a schema type but lacks what the type requires is not passed off as one: text
 * or reasoning whose content is some other value gets that value as JSON text; anything else is
 * kept whole as `{ type: "unknown", content }`.
 */
function conforming(part: MessagePart, original: Record<string, unknown>): MessagePart {
  const check = Object.hasOwn(REQUIRED, part.type) ? REQUIRED[part.type] : undefined;
  if (check === undefined || check(part)) return part;
  if ((part.type === "text" || part.type === "reasoning") && part.content !== undefined) return { ...part, content: JSON.stringify(part.content) ?? String(part.content) };
  return { type: "unknown", content: original };
}

function partFromObject(o: Record<string, unknown>): MessagePart {
  const type = typeof o.type === "string" ? o.type : undefined;
  switch (type) {
    case "text":
    case "input_text":
    case "output_text":
      if (type === "text" && typeof o.content === "string") return { ...o, type: "text" } as MessagePart;
      return typeof o.text === "string" ? textPart(o.text) : passThrough(o, type);
    case "reasoning":
      if (typeof o.content === "string") return { ...o } as MessagePart;
      return typeof o.text === "string" ? { type: "reasoning", content: o.text } : passThrough(o, type);
    case "thinking":
      return typeof o.thinking === "string" ? { type: "reasoning", content: o.thinking } : passThrough(o, type);
    case "tool_call":
      // Like every dialect's tool call: a call without a usable name is still a call, named "".
      return { ...o, name: typeof o.name === "string" ? o.name : "", ...(o.arguments === undefined ? {} : { arguments: toolArguments(o.arguments) }) } as MessagePart;
    case "tool-call":
      return toolCallPart(o.toolCallId, o.toolName, o.input !== undefined ? o.input : o.args);
    case "tool_use":
      return toolCallPart(o.id, o.name, o.input);
    case "function_call":
      return toolCallPart(o.call_id ?? o.id, o.name, o.arguments);
    case "function":
      return isPlainObject(o.function) ? toolCallPart(o.id, o.function.name, o.function.arguments) : passThrough(o, type);
    case "tool_call_response":
      if (o.response !== undefined) return { ...o } as MessagePart;
      return o.result !== undefined ? renamed(o, "result", "response") : ({ ...o, response: null } as MessagePart);
    case "tool-result":
      return toolResponsePart(o.toolCallId, vercelToolOutput(o.output !== undefined ? o.output : o.result));
    case "tool_result":
      return toolResponsePart(o.tool_use_id, o.content);
    case "function_call_output":
      return toolResponsePart(o.call_id, o.output);
    case "image_url":
      return mediaPart("image", urlOf(o.image_url), undefined) ?? passThrough(o, type);
    case "input_image":
      return mediaPart("image", urlOf(o.image_url), undefined) ?? passThrough(o, type);
    case "image":
      return imagePart(o) ?? passThrough(o, type);
    case "input_audio":
      return audioPart(o) ?? passThrough(o, type);
    case "file":
      if (typeof o.file_id === "string") return { ...o } as MessagePart;
      return filePart(o) ?? passThrough(o, type);
    case undefined:
      return untypedPart(o);
    default:
      return { ...o } as MessagePart;
  }
}

/** Early Pydantic AI wrote a tool response as `result`; the schema says `response`. Same place, new name, nothing doubled. */
function renamed(o: Record<string, unknown>, from: string, to: string): MessagePart {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k === from ? to : k, v])) as MessagePart;
}

function passThrough(o: Record<string, unknown>, type: string): MessagePart {
  return { ...o, type } as MessagePart;
}

/** Bedrock Converse and Strands blocks carry no type: { text }, { toolUse }, { toolResult }. */
function untypedPart(o: Record<string, unknown>): MessagePart {
  if (typeof o.text === "string") return textPart(o.text);
  if (isPlainObject(o.toolUse)) return toolCallPart(o.toolUse.toolUseId, o.toolUse.name, o.toolUse.input);
  if (isPlainObject(o.toolResult)) return toolResponsePart(o.toolResult.toolUseId, o.toolResult.content);
  return { type: "unknown", content: o };
}

/** Vercel AI SDK 5 wraps tool outputs as { type: "text" | "json" | "error-text" | "error-json", value }. */
function vercelToolOutput(output: unknown): unknown {
  if (isPlainObject(output) && typeof output.type === "string" && "value" in output && /^(error-)?(text|json)$/.test(output.type)) return output.value;
  return output;
}

function urlOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (isPlainObject(value) && typeof value.url === "string") return value.url;
  return undefined;
}

function imagePart(o: Record<string, unknown>): MessagePart | undefined {
  if (isPlainObject(o.source)) {
    const s = o.source;
    if (s.type === "base64" && typeof s.data === "string") return blob("image", s.data, typeof s.media_type === "string" ? s.media_type : undefined);
    if (typeof s.url === "string") return mediaPart("image", s.url, undefined);
  }
  const mime = typeof o.mediaType === "string" ? o.mediaType : typeof o.mimeType === "string" ? o.mimeType : undefined;
  return mediaPart("image", urlOf(o.image) ?? urlOf(o.url), mime);
}

function audioPart(o: Record<string, unknown>): MessagePart | undefined {
  const audio = o.input_audio;
  if (!isPlainObject(audio) || typeof audio.data !== "string") return undefined;
  return blob("audio", audio.data, typeof audio.format === "string" ? `audio/${audio.format}` : undefined);
}

function filePart(o: Record<string, unknown>): MessagePart | undefined {
  const mime = typeof o.mediaType === "string" ? o.mediaType : typeof o.mimeType === "string" ? o.mimeType : undefined;
  const data = urlOf(o.data) ?? urlOf(o.url);
  return mediaPart(modalityOf(mime), data, mime);
}

/** A URL becomes a `uri` part, a data: URL or bare base64 a `blob` part (the schema reserves uri for real locations). */
function mediaPart(modality: string, data: string | undefined, mime: string | undefined): MessagePart | undefined {
  if (data === undefined) return undefined;
  if (data.startsWith("data:")) {
    const comma = data.indexOf(",");
    if (comma > 0) {
      const header = data.slice(5, comma);
      const type = header.split(";")[0] || mime;
      return blob(modality, data.slice(comma + 1), type);
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(data.slice(0, 64))) return { type: "uri", modality, ...(mime ? { mime_type: mime } : {}), uri: data };
  return blob(modality, data, mime);
}

function blob(modality: string, content: string, mime: string | undefined): MessagePart {
  return { type: "blob", modality, ...(mime ? { mime_type: mime } : {}), content };
}

function modalityOf(mime: string | undefined): string {
  const major = mime?.split("/")[0];
  return major === "image" || major === "audio" || major === "video" ? major : "file";
}
