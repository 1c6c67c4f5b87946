/**
 * LangChain message content blocks → OTel GenAI message parts. LangChain carries three
 * generations of blocks side by side, all handled here:
 *   - provider-native: OpenAI `image_url` / `input_audio`, Anthropic `tool_use` / `thinking`;
 *   - standard data blocks v0: `{ type: "image" | "audio" | "file", source_type: "url" | "base64" | "id" | "text", … }`;
 *   - standard content blocks v1: `{ type: "image" | "audio" | "video" | "file", url | data | fileId, mimeType }`,
 *     `reasoning`, `tool_call`, `server_tool_call`, `non_standard`.
 * Unknown blocks pass through as generic parts with their own fields.
 */
import type { MessagePart, Modality } from "../genai/messages.ts";

type Block = Record<string, unknown>;

export function contentToParts(content: unknown): MessagePart[] {
  if (content === undefined || content === null || content === "") return [];
  if (typeof content === "string") return [{ type: "text", content }];
  if (!Array.isArray(content)) return [{ type: "text", content: String(content) }];
  const parts: MessagePart[] = [];
  for (const block of content) {
    const part = blockToPart(block);
    if (part) parts.push(part);
  }
  return parts;
}

export function blockToPart(block: unknown): MessagePart | undefined {
  if (typeof block === "string") return { type: "text", content: block };
  if (!isBlock(block)) return undefined;
  const type = block.type;
  switch (type) {
    case "text":
    case "text-plain":
    case "input_text":
    case "output_text":
      return typeof block.text === "string" ? { type: "text", content: block.text } : generic(block);
    case "image_url": {
      const url = typeof block.image_url === "string" ? block.image_url : isRecord(block.image_url) ? str(block.image_url.url) : undefined;
      return url ? urlPart(url, "image", undefined) : generic(block);
    }
    case "input_audio": {
      const audio = isRecord(block.input_audio) ? block.input_audio : undefined;
      const data = audio ? str(audio.data) : undefined;
      if (!data) return generic(block);
      const format = audio ? str(audio.format) : undefined;
      return { type: "blob", modality: "audio", mime_type: format ? `audio/${format}` : null, content: data };
    }
    case "image":
    case "audio":
    case "video":
    case "file":
      return dataBlockToPart(block, type);
    case "reasoning":
      return { type: "reasoning", content: str(block.reasoning) ?? str(block.text) ?? "" };
    case "thinking":
      return { type: "reasoning", content: str(block.thinking) ?? "" };
    case "tool_call":
      return { type: "tool_call", id: str(block.id) ?? null, name: str(block.name) ?? "", arguments: block.args ?? block.arguments };
    case "tool_use":
      return { type: "tool_call", id: str(block.id) ?? null, name: str(block.name) ?? "", arguments: block.input };
    case "server_tool_call":
      return { type: "server_tool_call", id: str(block.id) ?? null, name: str(block.name) ?? "", server_tool_call: { type: str(block.name) ?? "unknown", arguments: block.args } };
    case "non_standard":
      return isBlock(block.value) && typeof block.value.type === "string" ? generic(block.value) : generic(block);
    default:
      return generic(block);
  }
}

function dataBlockToPart(block: Block, type: string): MessagePart {
  const mime = str(block.mime_type) ?? str(block.mimeType) ?? null;
  const modality = modalityOf(type, mime);
  const sourceType = str(block.source_type);
  if (sourceType === "text" && typeof block.text === "string") return { type: "text", content: block.text };
  const url = str(block.url) ?? (sourceType === "url" ? str(block.data) : undefined);
  if (url) return urlPart(url, modality, mime);
  const fileId = str(block.fileId) ?? str(block.file_id) ?? (sourceType === "id" ? str(block.id) : undefined);
  if (fileId) return { type: "file", modality, mime_type: mime, file_id: fileId };
  const data = block.data;
  if (typeof data === "string") return { type: "blob", modality, mime_type: mime, content: data };
  if (data instanceof Uint8Array) return { type: "blob", modality, mime_type: mime, content: Buffer.from(data).toString("base64") };
  return generic(block);
}

function urlPart(url: string, modality: Modality, mime: string | null | undefined): MessagePart {
  const data = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(url);
  if (data) {
    const dataMime = data[1] || mime || null;
    const content = data[2] ? data[3]! : Buffer.from(decodeURIComponent(data[3]!)).toString("base64");
    return { type: "blob", modality: dataMime ? modalityOf(String(modality), dataMime) : modality, mime_type: dataMime, content };
  }
  return { type: "uri", modality, mime_type: mime ?? null, uri: url };
}

function modalityOf(blockType: string, mime: string | null): Modality {
  if (blockType === "image" || blockType === "audio" || blockType === "video") return blockType;
  const top = mime?.split("/")[0];
  if (top === "image" || top === "audio" || top === "video") return top;
  return "document";
}

function generic(block: Block): MessagePart {
  return { ...block, type: String(block.type) };
}

function isRecord(value: unknown): value is Block {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isBlock(value: unknown): value is Block & { type: string } {
  return isRecord(value) && typeof value.type === "string";
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
