/**
 * The inputs and outputs of chain, agent, tool and retriever runs, made readable: messages in the
 * GenAI shape, documents as { id, content, metadata }, tool results as their content.
 */
import type { DocumentInterface } from "@langchain/core/documents";
import type { BaseMessage } from "@langchain/core/messages";
import { textMessage, type ChatMessage, type OutputMessage } from "../genai/messages.ts";
import { parseJsonIfString } from "../genai/json.ts";
import { isMessageLike, messageType, toChatMessage, toChatMessages, toOutputMessage } from "./messages.ts";

const MAX_DEPTH = 12;

/** Any run value with LangChain messages and documents replaced by plain, readable forms. */
export function readable(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== "object") return value;
  if (isMessageLike(value)) return toChatMessage(value);
  if (isDocumentLike(value)) return documentOf(value, true);
  if (Array.isArray(value)) return value.map((v) => readable(v, depth + 1));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = readable(v, depth + 1);
  return out;
}

/** An agent's input as messages: { messages: [...] }, { input: "…" }, a string or a message list. */
export function agentInputMessages(inputs: unknown): ChatMessage[] | undefined {
  const messages = messageList(inputs);
  if (messages) return toChatMessages(messages);
  const text = typeof inputs === "string" ? inputs : typeof field(inputs, "input") === "string" ? (field(inputs, "input") as string) : undefined;
  return text !== undefined ? [textMessage("user", text)] : undefined;
}

/** An agent's answer: the last assistant message of { messages: [...] }, or { output: "…" }, or a string. */
export function agentOutputMessages(outputs: unknown): OutputMessage[] | undefined {
  const messages = messageList(outputs);
  if (messages) {
    const last = messages[messages.length - 1];
    return last && messageType(last) === "ai" ? [toOutputMessage(last, undefined)] : undefined;
  }
  if (isMessageLike(outputs)) return [toOutputMessage(outputs, undefined)];
  const output = typeof outputs === "string" ? outputs : field(outputs, "output");
  if (typeof output === "string") return [{ role: "assistant", parts: [{ type: "text", content: output }], finish_reason: "stop" }];
  if (isMessageLike(output)) return [toOutputMessage(output, undefined)];
  return undefined;
}

/** A tool's result: a ToolMessage's content (parsed when it is JSON text), else the value. */
export function toolResult(output: unknown): { result: unknown; failed: boolean } {
  if (isMessageLike(output) && messageType(output) === "tool") {
    const m = output as unknown as { content: unknown; status?: unknown };
    return { result: parseJsonIfString(readable(m.content)), failed: m.status === "error" };
  }
  return { result: parseJsonIfString(readable(output)), failed: false };
}

export interface RetrievedDocument {
  id?: string;
  score?: number;
  content?: string;
  metadata?: Record<string, unknown>;
}

const SCORE_KEYS = ["score", "relevance_score", "_score", "similarity", "similarity_score"];

/** A retrieved document in the gen_ai.retrieval.documents shape (id, score), with content and metadata when content is captured. */
export function documentOf(doc: DocumentInterface, withContent: boolean): RetrievedDocument {
  const metadata = isPlainObject(doc.metadata) ? (doc.metadata as Record<string, unknown>) : {};
  const out: RetrievedDocument = {};
  const id = typeof doc.id === "string" && doc.id !== "" ? doc.id : typeof metadata.id === "string" ? metadata.id : undefined;
  if (id !== undefined) out.id = id;
  for (const key of SCORE_KEYS) {
    const s = metadata[key];
    if (typeof s === "number" && Number.isFinite(s)) {
      out.score = s;
      break;
    }
  }
  if (withContent) {
    out.content = doc.pageContent;
    if (Object.keys(metadata).length > 0) out.metadata = metadata;
  }
  return out;
}

function messageList(value: unknown): BaseMessage[] | undefined {
  const list = Array.isArray(value) ? value : field(value, "messages");
  if (!Array.isArray(list) || list.length === 0 || !list.every(isMessageLike)) return undefined;
  return list as BaseMessage[];
}

function isDocumentLike(value: unknown): value is DocumentInterface {
  return typeof value === "object" && value !== null && typeof (value as { pageContent?: unknown }).pageContent === "string";
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
