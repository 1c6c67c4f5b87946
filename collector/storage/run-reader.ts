import type pg from "pg";
import type { RunStatus } from "../normalize/run-identity.ts";
import type { QueryFilter } from "../query/compile-query.ts";
import { queryWithFilter } from "../query/execute-filtered.ts";

/** Reads and edits runs (the read half of the storage seam for runs). */

export type RunSortField = "created" | "updated" | "ended" | "name" | "experiment" | "status" | "runId";

export interface RunSort {
  /** A run field, or a path into hparams (["optimizer", "lr"]). */
  field: RunSortField | { hparam: string[] };
  descending: boolean;
}

export interface RunQuery {
  project: string;
  experiment?: string;
  /** Runs carrying every one of these tags. */
  tags?: string[];
  status?: RunStatus;
  createdFrom?: Date;
  createdTo?: Date;
  /** false (default): hide archived runs; true: only archived; "all": both. */
  archived?: boolean | "all";
  /** Runs whose name or id contains this text (case-insensitive). */
  search?: string;
  sort: RunSort;
  limit: number;
  offset: number;
  /** A compiled `q=` (target "runs"), ANDed with the conditions above. */
  filter?: QueryFilter;
}

export interface Run {
  runId: string;
  name: string;
  experiment: string;
  tags: string[];
  status: RunStatus;
  hparams: unknown;
  description: string;
  archived: boolean;
  implicit: boolean;
  createdAt: string;
  updatedAt: string;
  endedAt: string | null;
  /** The AI rollup over the run's spans, for runs with AI work. */
  ai?: { llmCalls: number; inputTokens: number; outputTokens: number; totalTokens: number; costUsd: number };
}

export interface RunDetail extends Run {
  resourceAttributes: unknown;
  traceCount: number;
  logCount: number;
}

export interface RunPatch {
  /** null clears the edit (the name from telemetry shows again). */
  name?: string | null;
  tags?: string[] | null;
  description?: string;
  archived?: boolean;
}

const RUN_COLUMNS = `r.run_id, coalesce(r.edited_name, r.name, r.run_id) AS name, coalesce(r.experiment, '') AS experiment,
  coalesce(r.edited_tags, r.tags, '{}') AS tags, r.status, r.hparams, r.description, r.archived, r.implicit,
  r.created_at, r.updated_at, r.ended_at, r.ai_llm_calls, r.ai_input_tokens::float8 AS ai_input_tokens,
  r.ai_output_tokens::float8 AS ai_output_tokens, r.ai_total_tokens::float8 AS ai_total_tokens, r.ai_cost_usd`;

const SORT_SQL: Record<RunSortField, string> = {
  created: "r.created_at",
  updated: "r.updated_at",
  ended: "r.ended_at",
  name: "coalesce(r.edited_name, r.name, r.run_id)",
  experiment: "coalesce(r.experiment, '')",
  status: "r.status",
  runId: "r.run_id",
};

export class PostgresRunReader {
  constructor(private readonly pool: pg.Pool) {}

  async findRuns(q: RunQuery): Promise<{ runs: Run[]; total: number }> {
    const { text, values, count } = findRunsStatement(q);
    const query = <R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<pg.QueryResult<R>> =>
      q.filter ? queryWithFilter<R>(this.pool, q.filter, sql, params) : this.pool.query<R>(sql, params);
    const { rows } = await query<RunRow & { total: string }>(text, values);
    let total = rows.length > 0 ? Number(rows[0]!.total) : 0;
    if (rows.length === 0 && q.offset > 0) {
      const counted = await query<{ n: string }>(count.text, count.values);
      total = Number(counted.rows[0]!.n);
    }
    return { runs: rows.map(toRun), total };
  }

  async getRun(project: string, runId: string): Promise<RunDetail | null> {
    const { rows } = await this.pool.query<RunRow & { resource_attributes: unknown; trace_count: string; log_count: string }>(
      `SELECT ${RUN_COLUMNS}, r.resource_attributes,
              (SELECT count(*) FROM run_traces t WHERE t.project = r.project AND t.run_id = r.run_id) AS trace_count,
              (SELECT count(*) FROM logs l WHERE l.project = r.project AND l.run_id = r.run_id) AS log_count
         FROM runs r WHERE r.project = $1 AND r.run_id = $2`,
      [project, runId],
    );
    const row = rows[0];
    if (!row) return null;
    return { ...toRun(row), resourceAttributes: row.resource_attributes, traceCount: Number(row.trace_count), logCount: Number(row.log_count) };
  }

  /** Applies a user edit; returns null when the run does not exist. */
  async patchRun(project: string, runId: string, patch: RunPatch): Promise<RunDetail | null> {
    const sets: string[] = [];
    const params: unknown[] = [project, runId];
    const p = (v: unknown): string => `$${params.push(v)}`;
    if (patch.name !== undefined) sets.push(`edited_name = ${p(patch.name)}`);
    if (patch.tags !== undefined) sets.push(`edited_tags = ${p(patch.tags === null ? null : [...new Set(patch.tags)].sort())}::text[]`);
    if (patch.description !== undefined) sets.push(`description = ${p(patch.description)}`);
    if (patch.archived !== undefined) sets.push(`archived = ${p(patch.archived)}`);
    if (sets.length > 0) {
      const { rowCount } = await this.pool.query(`UPDATE runs SET ${sets.join(", ")}, updated_at = now() WHERE project = $1 AND run_id = $2`, params);
      if (rowCount === 0) return null;
    }
    return this.getRun(project, runId);
  }
}

/** The run-list statement for a query, and the count without the page (also used by GET /api/query/explain and bench:query). */
export function findRunsStatement(q: RunQuery): { text: string; values: unknown[]; count: { text: string; values: unknown[] } } {
  const params: unknown[] = [q.project];
  const p = (v: unknown): string => `$${params.push(v)}`;
  const where = ["r.project = $1"];
  // r.experiment = … (not coalesce(…) = …) so that runs_experiment answers it.
  if (q.experiment !== undefined) where.push(q.experiment === "" ? "(r.experiment IS NULL OR r.experiment = '')" : `r.experiment = ${p(q.experiment)}`);
  if (q.tags && q.tags.length > 0) where.push(`coalesce(r.edited_tags, r.tags, '{}') @> ${p(q.tags)}::text[]`);
  if (q.status) where.push(`r.status = ${p(q.status)}`);
  if (q.createdFrom) where.push(`r.created_at >= ${p(q.createdFrom)}`);
  if (q.createdTo) where.push(`r.created_at < ${p(q.createdTo)}`);
  const archived = q.archived ?? false;
  if (archived !== "all") where.push(`r.archived = ${p(archived)}`);
  if (q.search) where.push(`(coalesce(r.edited_name, r.name, '') ILIKE ${p(`%${likeEscape(q.search)}%`)} OR r.run_id ILIKE $${params.length})`);
  if (q.filter) where.push(q.filter.toSql("r", p));
  const count = { text: `SELECT count(*) AS n FROM runs r WHERE ${where.join(" AND ")}`, values: [...params] };
  const sortExpr = typeof q.sort.field === "string" ? SORT_SQL[q.sort.field] : `r.hparams #> ${p(q.sort.field.hparam)}::text[]`;
  const direction = q.sort.descending ? "DESC NULLS LAST" : "ASC NULLS LAST";
  const text = `
    SELECT ${RUN_COLUMNS}, count(*) OVER () AS total
      FROM runs r
     WHERE ${where.join(" AND ")}
     ORDER BY ${sortExpr} ${direction}, r.run_id
     LIMIT ${p(q.limit)} OFFSET ${p(q.offset)}`;
  return { text, values: params, count };
}

interface RunRow {
  run_id: string;
  name: string;
  experiment: string;
  tags: string[];
  status: RunStatus;
  hparams: unknown;
  description: string;
  archived: boolean;
  implicit: boolean;
  created_at: Date;
  updated_at: Date;
  ended_at: Date | null;
  ai_llm_calls: number;
  ai_input_tokens: number;
  ai_output_tokens: number;
  ai_total_tokens: number;
  ai_cost_usd: number;
}

function toRun(r: RunRow): Run {
  return {
    runId: r.run_id,
    name: r.name,
    experiment: r.experiment,
    tags: r.tags,
    status: r.status,
    hparams: r.hparams,
    description: r.description,
    archived: r.archived,
    implicit: r.implicit,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    endedAt: r.ended_at ? r.ended_at.toISOString() : null,
    ...(r.ai_llm_calls > 0 || r.ai_total_tokens > 0 || r.ai_cost_usd > 0
      ? { ai: { llmCalls: r.ai_llm_calls, inputTokens: r.ai_input_tokens, outputTokens: r.ai_output_tokens, totalTokens: r.ai_total_tokens, costUsd: r.ai_cost_usd } }
      : {}),
  };
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => "\\" + c);
}
