import type { AiFields } from "../normalize/ai/ai-fields.ts";
import { boundedKey, KEY_LIMITS } from "../normalize/bounded-key.ts";
import { copyJson, copyText } from "./copy-text.ts";
import { storableString } from "./stored-json.ts";

/** The canonical AI fields as span columns (schema.sql: ai_* and the whole object in `ai`). */
export const AI_COLUMNS = [
  "ai_type",
  "ai_model",
  "ai_provider",
  "ai_input_tokens",
  "ai_output_tokens",
  "ai_total_tokens",
  "ai_cost_usd",
  "ai_session_id",
  "ai_user_id",
  "ai_tool_name",
  "ai_agent_name",
  "ai",
] as const;

const NULLS = "\t\\N".repeat(AI_COLUMNS.length);

/** The AI columns of one span as COPY text, each preceded by a tab; all NULL for a span that is not an AI span. */
export function aiCopyFields(ai: AiFields | undefined): string {
  if (!ai) return NULLS;
  return (
    "\t" + text(ai.type) +
    "\t" + text(ai.model) +
    "\t" + text(ai.provider) +
    "\t" + count(ai.usage?.inputTokens) +
    "\t" + count(ai.usage?.outputTokens) +
    "\t" + count(ai.usage?.totalTokens) +
    "\t" + (ai.costUsd === undefined || !Number.isFinite(ai.costUsd) ? "\\N" : String(ai.costUsd)) +
    "\t" + text(sessionKey(ai.sessionId)) +
    "\t" + text(ai.userId) +
    "\t" + text(ai.tool?.name) +
    "\t" + text(ai.agent?.name) +
    "\t" + copyJson(aiJson(ai))
  );
}

/** Session ids are keys (sessions table): bounded like every other indexed identifier. */
export function sessionKey(sessionId: string | undefined): string | undefined {
  return sessionId === undefined || sessionId === "" ? undefined : boundedKey(sessionId, KEY_LIMITS.session);
}

/** The `ai` object as JSON Postgres can store: strings without U+0000 or lone surrogates, no NaN, no bigint. */
export function aiJson(ai: AiFields): string {
  return JSON.stringify(ai, (_key, v: unknown) => {
    if (typeof v === "string") return storableString(v);
    if (typeof v === "number" && !Number.isFinite(v)) return String(v);
    if (typeof v === "bigint") return v.toString();
    return v;
  });
}

function text(v: string | undefined): string {
  return v === undefined ? "\\N" : copyText(v);
}

function count(v: number | undefined): string {
  return v === undefined || !Number.isSafeInteger(v) ? "\\N" : String(v);
}
