import type pg from "pg";
import type { AiFields, Message } from "../normalize/ai/ai-fields.ts";
import { ownRunId } from "../normalize/run-identity.ts";
import { sessionKey } from "./ai-columns.ts";
import { storableString } from "./stored-json.ts";
import type { NormalizedTraceBatch } from "./trace-records.ts";

/**
 * AI rollups per trace, run and session, kept correct as spans arrive in any order and any number
 * of times. Each transaction stages the AI facts of its group's spans (ai_stage), keeps only those
 * of spans it really inserted, then folds them in. Token and cost sums count LLM and embedding
 * calls only (chain and agent spans report their children's totals, which would count twice).
 */

/** What one stored AI span contributes. */
export interface AiFact {
  project: string;
  traceId: string;
  spanId: string;
  runId: string;
  sessionId: string | null;
  userId: string | null;
  type: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  costUsd: number | null;
  start: bigint;
  end: bigint;
  /** Short text of the call's input and output, for list views. */
  inputPreview: string | null;
  outputPreview: string | null;
}

const PREVIEW_CHARS = 500;

export function aiFactsOf(batch: NormalizedTraceBatch): AiFact[] {
  const facts: AiFact[] = [];
  if (batch.ai.size === 0) return facts;
  for (const rs of batch.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const ai = batch.ai.get(span);
        if (!ai) continue;
        facts.push({
          project: storableString(rs.project),
          traceId: span.traceId,
          spanId: span.spanId,
          runId: storableString(ownRunId(span.attributes, rs.runId)),
          sessionId: nullable(sessionKey(ai.sessionId)),
          userId: nullable(ai.userId),
          type: ai.type ?? null,
          inputTokens: ai.usage?.inputTokens ?? null,
          outputTokens: ai.usage?.outputTokens ?? null,
          totalTokens: ai.usage?.totalTokens ?? null,
          costUsd: ai.costUsd !== undefined && Number.isFinite(ai.costUsd) ? ai.costUsd : null,
          start: span.startTimeUnixNano,
          end: span.endTimeUnixNano,
          inputPreview: nullable(preview(ai, "input")),
          outputPreview: nullable(preview(ai, "output")),
        });
      }
    }
  }
  return facts;
}

/** The stage lives per connection; its rows vanish at every commit. */
export async function createAiStage(client: pg.PoolClient): Promise<void> {
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS ai_stage (
    project text, trace_id bytea, span_id bytea, run_id text, session_id text, user_id text, ai_type text,
    input_tokens bigint, output_tokens bigint, total_tokens bigint, cost_usd double precision,
    start_time_unix_nano bigint, end_time_unix_nano bigint, input_preview text, output_preview text
  ) ON COMMIT DELETE ROWS`);
}

/** Stages the group's facts, before its spans are written. */
export async function stageAiFacts(client: pg.PoolClient, facts: AiFact[]): Promise<void> {
  if (facts.length === 0) return;
  const col = <K extends keyof AiFact>(k: K): Array<AiFact[K] | string> => facts.map((f) => (typeof f[k] === "bigint" ? String(f[k]) : f[k]));
  await client.query(
    `INSERT INTO ai_stage SELECT p, decode(t, 'hex'), decode(s, 'hex'), r, se, u, ty, it, ot, tt, c, st, en, ip, op
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[],
                   $10::bigint[], $11::float8[], $12::bigint[], $13::bigint[], $14::text[], $15::text[])
            AS x(p, t, s, r, se, u, ty, it, ot, tt, c, st, en, ip, op)`,
    [
      col("project"), col("traceId"), col("spanId"), col("runId"), col("sessionId"), col("userId"), col("type"), col("inputTokens"),
      col("outputTokens"), col("totalTokens"), col("costUsd"), col("start"), col("end"), col("inputPreview"), col("outputPreview"),
    ],
  );
}

/**
 * For a path that skips stored spans: a CTE (to sit beside `inserted AS (INSERT … RETURNING
 * project, trace_id, span_id …)`) that drops the staged facts of spans that were already stored.
 */
export const PRUNE_AI_STAGE = `pruned_ai AS (
  DELETE FROM ai_stage a
   WHERE NOT EXISTS (SELECT 1 FROM inserted i WHERE i.project = a.project AND i.trace_id = a.trace_id AND i.span_id = a.span_id)
)`;

/** Folds the staged facts into traces, runs and sessions. Runs after the trace summaries are written. */
export async function applyAiRollups(client: pg.PoolClient): Promise<void> {
  await client.query(`
    WITH f AS (
      SELECT project, trace_id,
             count(*) FILTER (WHERE ai_type = 'llm') AS llm_calls,
             ${sums("ai_type IN ('llm', 'embedding')")},
             array_agg(DISTINCT session_id) FILTER (WHERE session_id IS NOT NULL) AS session_ids
        FROM ai_stage GROUP BY project, trace_id
    ), first_in AS (
      SELECT DISTINCT ON (project, trace_id) project, trace_id, input_preview, start_time_unix_nano AS at
        FROM ai_stage WHERE ai_type = 'llm' AND input_preview IS NOT NULL
       ORDER BY project, trace_id, start_time_unix_nano, span_id
    ), last_out AS (
      SELECT DISTINCT ON (project, trace_id) project, trace_id, output_preview, start_time_unix_nano AS at
        FROM ai_stage WHERE ai_type = 'llm' AND output_preview IS NOT NULL
       ORDER BY project, trace_id, start_time_unix_nano DESC, span_id DESC
    )
    UPDATE traces t SET
      ai_llm_calls = t.ai_llm_calls + f.llm_calls,
      ai_input_tokens = t.ai_input_tokens + f.input_tokens,
      ai_output_tokens = t.ai_output_tokens + f.output_tokens,
      ai_total_tokens = t.ai_total_tokens + f.total_tokens,
      ai_cost_usd = t.ai_cost_usd + f.cost_usd,
      ai_first_input = CASE WHEN fi.at IS NOT NULL AND (t.ai_first_input_at IS NULL OR fi.at < t.ai_first_input_at) THEN to_jsonb(fi.input_preview) ELSE t.ai_first_input END,
      ai_first_input_at = CASE WHEN fi.at IS NOT NULL AND (t.ai_first_input_at IS NULL OR fi.at < t.ai_first_input_at) THEN fi.at ELSE t.ai_first_input_at END,
      ai_last_output = CASE WHEN lo.at IS NOT NULL AND (t.ai_last_output_at IS NULL OR lo.at >= t.ai_last_output_at) THEN to_jsonb(lo.output_preview) ELSE t.ai_last_output END,
      ai_last_output_at = CASE WHEN lo.at IS NOT NULL AND (t.ai_last_output_at IS NULL OR lo.at >= t.ai_last_output_at) THEN lo.at ELSE t.ai_last_output_at END,
      session_ids = CASE WHEN f.session_ids IS NULL OR f.session_ids <@ t.session_ids THEN t.session_ids
                         ELSE ARRAY(SELECT DISTINCT x FROM unnest(t.session_ids || f.session_ids) AS x ORDER BY x) END
    FROM f LEFT JOIN first_in fi USING (project, trace_id) LEFT JOIN last_out lo USING (project, trace_id)
    WHERE t.project = f.project AND t.trace_id = f.trace_id`);

  await client.query(`
    UPDATE runs r SET
      ai_llm_calls = r.ai_llm_calls + a.llm_calls,
      ai_input_tokens = r.ai_input_tokens + a.input_tokens,
      ai_output_tokens = r.ai_output_tokens + a.output_tokens,
      ai_total_tokens = r.ai_total_tokens + a.total_tokens,
      ai_cost_usd = r.ai_cost_usd + a.cost_usd
    FROM (SELECT project, run_id, count(*) FILTER (WHERE ai_type = 'llm') AS llm_calls, ${sums("ai_type IN ('llm', 'embedding')")}
            FROM ai_stage GROUP BY project, run_id) a
    WHERE r.project = a.project AND r.run_id = a.run_id`);

  // A trace joins a session when one of its spans names it. A newly joined trace brings its whole
  // rollup (as updated above); a trace already in a session brings only this transaction's spans.
  // (The CTE's inserted pairs are invisible to the statement's own reads of session_traces, so
  // old_pairs holds exactly the pairs that existed before.)
  await client.query(`
    WITH new_pairs AS (
      INSERT INTO session_traces (project, session_id, trace_id)
      SELECT DISTINCT project, session_id, trace_id FROM ai_stage WHERE session_id IS NOT NULL ORDER BY 1, 2, 3
      ON CONFLICT DO NOTHING
      RETURNING project, session_id, trace_id
    ), per_trace AS (
      SELECT project, trace_id, count(*) FILTER (WHERE ai_type = 'llm') AS llm_calls, ${sums("ai_type IN ('llm', 'embedding')")},
             min(start_time_unix_nano) AS first_ns, max(end_time_unix_nano) AS last_ns, max(user_id) AS user_id
        FROM ai_stage GROUP BY project, trace_id
    ), old_pairs AS (
      SELECT st.project, st.session_id, st.trace_id FROM session_traces st JOIN per_trace USING (project, trace_id)
    ), contributions AS (
      SELECT n.project, n.session_id, 1 AS traces, t.ai_llm_calls AS llm_calls, t.ai_input_tokens AS input_tokens,
             t.ai_output_tokens AS output_tokens, t.ai_total_tokens AS total_tokens, t.ai_cost_usd AS cost_usd,
             t.start_time_unix_nano AS first_ns, t.end_time_unix_nano AS last_ns, p.user_id
        FROM new_pairs n JOIN traces t USING (project, trace_id) LEFT JOIN per_trace p USING (project, trace_id)
      UNION ALL
      SELECT o.project, o.session_id, 0, p.llm_calls, p.input_tokens, p.output_tokens, p.total_tokens, p.cost_usd, p.first_ns, p.last_ns, p.user_id
        FROM old_pairs o JOIN per_trace p USING (project, trace_id)
    )
    INSERT INTO sessions AS s (project, session_id, user_id, first_time_unix_nano, last_time_unix_nano, trace_count, llm_calls,
                               input_tokens, output_tokens, total_tokens, cost_usd)
    SELECT project, session_id, max(user_id), min(first_ns), max(last_ns), sum(traces), sum(llm_calls),
           sum(input_tokens), sum(output_tokens), sum(total_tokens), sum(cost_usd)
      FROM contributions GROUP BY project, session_id ORDER BY project, session_id
    ON CONFLICT (project, session_id) DO UPDATE SET
      user_id = coalesce(EXCLUDED.user_id, s.user_id),
      first_time_unix_nano = LEAST(s.first_time_unix_nano, EXCLUDED.first_time_unix_nano),
      last_time_unix_nano = GREATEST(s.last_time_unix_nano, EXCLUDED.last_time_unix_nano),
      trace_count = s.trace_count + EXCLUDED.trace_count,
      llm_calls = s.llm_calls + EXCLUDED.llm_calls,
      input_tokens = s.input_tokens + EXCLUDED.input_tokens,
      output_tokens = s.output_tokens + EXCLUDED.output_tokens,
      total_tokens = s.total_tokens + EXCLUDED.total_tokens,
      cost_usd = s.cost_usd + EXCLUDED.cost_usd`);
}

function sums(filter: string): string {
  return ["input_tokens", "output_tokens", "total_tokens", "cost_usd"]
    .map((c) => `coalesce(sum(${c}) FILTER (WHERE ${filter}), 0) AS ${c}`)
    .join(", ");
}

function nullable(v: string | undefined): string | null {
  return v === undefined || v === "" ? null : storableString(v);
}

/** The text a list shows for a call: its last user message (input) or its answer (output), shortened. */
export function preview(ai: AiFields, side: "input" | "output"): string | undefined {
  const messages = side === "input" ? ai.input : ai.output;
  let text: string | undefined;
  if (messages && messages.length > 0) {
    const chosen = side === "input" ? ([...messages].reverse().find((m) => m.role === "user") ?? messages[messages.length - 1]) : messages[messages.length - 1];
    text = messageText(chosen!);
  } else {
    const value = side === "input" ? ai.inputValue : ai.outputValue;
    if (value !== undefined) text = typeof value === "string" ? value : JSON.stringify(value);
  }
  if (text === undefined) return undefined;
  return text.length > PREVIEW_CHARS ? text.slice(0, PREVIEW_CHARS - 1) + "…" : text;
}

function messageText(m: Message): string {
  const texts: string[] = [];
  for (const part of m.parts) {
    if ((part.type === "text" || part.type === "reasoning") && typeof part.content === "string") texts.push(part.content);
    else if (part.type === "tool_call" && typeof part.name === "string") texts.push(`→ ${part.name}(${JSON.stringify(part.arguments ?? {})})`);
    else if (part.type === "tool_call_response") texts.push(typeof part.response === "string" ? part.response : JSON.stringify(part.response));
  }
  return texts.join("\n");
}
