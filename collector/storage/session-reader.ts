import type pg from "pg";

export interface SessionQuery {
  project: string;
  userId?: string;
  /** Sessions active (last activity) in [from, to), nanoseconds. */
  from?: bigint;
  to?: bigint;
  limit: number;
  /** Keyset position: sessions whose last activity is before this. */
  after?: { lastTimeUnixNano: bigint; sessionId: string };
}

export interface SessionSummary {
  sessionId: string;
  userId: string | null;
  firstTimeUnixNano: string;
  lastTimeUnixNano: string;
  traceCount: number;
  llmCalls: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
}

export interface SessionTrace {
  traceId: string;
  rootName: string;
  serviceName: string;
  startTimeUnixNano: string;
  durationNanos: string;
  spanCount: number;
  errorCount: number;
  ai: { llmCalls: number; inputTokens: number; outputTokens: number; totalTokens: number; costUsd: number; firstInput: unknown; lastOutput: unknown };
}

/** Conversations (sessions) and their traces in order. */
export class PostgresSessionReader {
  constructor(private readonly pool: pg.Pool) {}

  async findSessions(q: SessionQuery): Promise<{ sessions: SessionSummary[]; next: SessionQuery["after"] | null }> {
    const params: unknown[] = [q.project];
    const p = (v: unknown): string => `$${params.push(v)}`;
    const where = ["project = $1"];
    if (q.userId !== undefined) where.push(`user_id = ${p(q.userId)}`);
    if (q.from !== undefined) where.push(`last_time_unix_nano >= ${p(String(q.from))}::bigint`);
    if (q.to !== undefined) where.push(`last_time_unix_nano < ${p(String(q.to))}::bigint`);
    if (q.after) where.push(`(last_time_unix_nano, session_id) < (${p(String(q.after.lastTimeUnixNano))}::bigint, ${p(q.after.sessionId)})`);
    const { rows } = await this.pool.query<SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM sessions WHERE ${where.join(" AND ")}
        ORDER BY last_time_unix_nano DESC, session_id DESC LIMIT ${p(q.limit + 1)}`,
      params,
    );
    const sessions = rows.slice(0, q.limit).map(toSession);
    const last = sessions[sessions.length - 1];
    return { sessions, next: rows.length > q.limit && last ? { lastTimeUnixNano: BigInt(last.lastTimeUnixNano), sessionId: last.sessionId } : null };
  }

  async getSession(project: string, sessionId: string): Promise<{ session: SessionSummary; traces: SessionTrace[] } | null> {
    const found = await this.pool.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE project = $1 AND session_id = $2`, [project, sessionId]);
    const row = found.rows[0];
    if (!row) return null;
    const { rows } = await this.pool.query<TraceRow>(
      `SELECT encode(t.trace_id, 'hex') AS trace_id, t.root_name, t.root_service_name, t.start_time_unix_nano,
              (t.end_time_unix_nano - t.start_time_unix_nano)::text AS duration, t.span_count, t.error_count,
              t.ai_llm_calls, t.ai_input_tokens, t.ai_output_tokens, t.ai_total_tokens, t.ai_cost_usd, t.ai_first_input, t.ai_last_output
         FROM session_traces st JOIN traces t USING (project, trace_id)
        WHERE st.project = $1 AND st.session_id = $2
        ORDER BY t.start_time_unix_nano, t.trace_id`,
      [project, sessionId],
    );
    return {
      session: toSession(row),
      traces: rows.map((t) => ({
        traceId: t.trace_id,
        rootName: t.root_name,
        serviceName: t.root_service_name,
        startTimeUnixNano: t.start_time_unix_nano,
        durationNanos: BigInt(t.duration) < 0n ? "0" : t.duration,
        spanCount: t.span_count,
        errorCount: t.error_count,
        ai: {
          llmCalls: t.ai_llm_calls,
          inputTokens: Number(t.ai_input_tokens),
          outputTokens: Number(t.ai_output_tokens),
          totalTokens: Number(t.ai_total_tokens),
          costUsd: t.ai_cost_usd,
          firstInput: t.ai_first_input,
          lastOutput: t.ai_last_output,
        },
      })),
    };
  }
}

const SESSION_COLUMNS = `session_id, user_id, first_time_unix_nano, last_time_unix_nano, trace_count, llm_calls,
  input_tokens, output_tokens, total_tokens, cost_usd`;

interface SessionRow {
  session_id: string;
  user_id: string | null;
  first_time_unix_nano: string;
  last_time_unix_nano: string;
  trace_count: number;
  llm_calls: number;
  input_tokens: string;
  output_tokens: string;
  total_tokens: string;
  cost_usd: number;
}

interface TraceRow {
  trace_id: string;
  root_name: string;
  root_service_name: string;
  start_time_unix_nano: string;
  duration: string;
  span_count: number;
  error_count: number;
  ai_llm_calls: number;
  ai_input_tokens: string;
  ai_output_tokens: string;
  ai_total_tokens: string;
  ai_cost_usd: number;
  ai_first_input: unknown;
  ai_last_output: unknown;
}

function toSession(r: SessionRow): SessionSummary {
  return {
    sessionId: r.session_id,
    userId: r.user_id,
    firstTimeUnixNano: r.first_time_unix_nano,
    lastTimeUnixNano: r.last_time_unix_nano,
    traceCount: r.trace_count,
    llmCalls: r.llm_calls,
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    totalTokens: Number(r.total_tokens),
    costUsd: r.cost_usd,
  };
}
