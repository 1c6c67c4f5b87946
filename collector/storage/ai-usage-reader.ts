import type pg from "pg";

export interface ModelUsage {
  provider: string | null;
  model: string | null;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
  /** LLM calls whose cost is unknown (model not in the price table and no cost on the span). */
  unpricedCalls: number;
}

/** Usage and cost per model and provider over a time range (LLM spans by start; index spans_ai_llm_start). */
export class PostgresAiUsageReader {
  constructor(private readonly pool: pg.Pool) {}

  async modelUsage(project: string, from: bigint, to: bigint): Promise<ModelUsage[]> {
    const { rows } = await this.pool.query<UsageRow>(
      `SELECT ai_provider, ai_model, count(*) AS calls,
              coalesce(sum(ai_input_tokens), 0) AS input_tokens, coalesce(sum(ai_output_tokens), 0) AS output_tokens,
              coalesce(sum(ai_total_tokens), 0) AS total_tokens, coalesce(sum(ai_cost_usd), 0) AS cost_usd,
              count(*) FILTER (WHERE ai_cost_usd IS NULL) AS unpriced
         FROM spans
        WHERE project = $1 AND ai_type = 'llm' AND start_time_unix_nano >= $2::bigint AND start_time_unix_nano < $3::bigint
        GROUP BY ai_provider, ai_model
        ORDER BY cost_usd DESC, calls DESC, ai_model`,
      [project, String(from), String(to)],
    );
    return rows.map((r) => ({
      provider: r.ai_provider,
      model: r.ai_model,
      calls: Number(r.calls),
      inputTokens: Number(r.input_tokens),
      outputTokens: Number(r.output_tokens),
      totalTokens: Number(r.total_tokens),
      costUsd: r.cost_usd,
      unpricedCalls: Number(r.unpriced),
    }));
  }
}

interface UsageRow {
  ai_provider: string | null;
  ai_model: string | null;
  calls: string;
  input_tokens: string;
  output_tokens: string;
  total_tokens: string;
  cost_usd: number;
  unpriced: string;
}
