import { SPAN_KIND_NAMES, STATUS_CODE_NAMES } from "../model/trace.ts";
import type { SpanListRow } from "../storage/span-reader.ts";

/**
 * A span of GET /api/spans as JSON text: the span's own fields, attributes embedded as stored
 * (so 64-bit integers stay exact and doubles keep their point), and `ai` with the canonical
 * fields when the span is an AI span. Events, links, resource and messages: GET /api/traces/{id}.
 */
export function spanListItemJson(r: SpanListRow): string {
  const duration = BigInt(r.end_time_unix_nano) - BigInt(r.start_time_unix_nano);
  return (
    `{"traceId":"${r.trace_id}","spanId":"${r.span_id}","parentSpanId":"${r.parent_span_id}","name":${JSON.stringify(r.name)}` +
    `,"kind":"${SPAN_KIND_NAMES[r.kind] ?? String(r.kind)}"` +
    `,"startTimeUnixNano":"${r.start_time_unix_nano}","endTimeUnixNano":"${r.end_time_unix_nano}","durationNanos":"${duration < 0n ? 0n : duration}"` +
    `,"status":{"code":"${STATUS_CODE_NAMES[r.status_code] ?? String(r.status_code)}","message":${JSON.stringify(r.status_message)}}` +
    `,"serviceName":${JSON.stringify(r.service_name)},"runId":${JSON.stringify(r.run_id)},"attributes":${r.attributes}` +
    (r.ai_type !== null || r.ai_model !== null ? `,"ai":${JSON.stringify(aiJson(r))}` : "") +
    "}"
  );
}

function aiJson(r: SpanListRow): Record<string, unknown> {
  const ai: Record<string, unknown> = {};
  const set = (key: string, value: unknown): void => {
    if (value !== null && value !== undefined) ai[key] = value;
  };
  set("type", r.ai_type);
  set("model", r.ai_model);
  set("provider", r.ai_provider);
  const usage: Record<string, number> = {};
  if (r.ai_input_tokens !== null) usage.inputTokens = Number(r.ai_input_tokens);
  if (r.ai_output_tokens !== null) usage.outputTokens = Number(r.ai_output_tokens);
  if (r.ai_total_tokens !== null) usage.totalTokens = Number(r.ai_total_tokens);
  if (Object.keys(usage).length > 0) ai.usage = usage;
  if (r.ai_cost_usd !== null && Number.isFinite(r.ai_cost_usd)) ai.costUsd = r.ai_cost_usd;
  if (r.ai_tool_name !== null) ai.tool = { name: r.ai_tool_name };
  if (r.ai_agent_name !== null) ai.agent = { name: r.ai_agent_name };
  set("sessionId", r.ai_session_id);
  set("userId", r.ai_user_id);
  return ai;
}
