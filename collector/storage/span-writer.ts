import type pg from "pg";
import type { ProjectRun } from "../normalize/run-identity.ts";
import { copyIn, copyUnlessStored, createStage } from "./copy-stream.ts";
import { DEFAULT_GROUP_COMMIT, GroupCommitQueue, type GroupCommitOptions } from "./group-commit.ts";
import { aiFactsOf, applyAiRollups, createAiStage, PRUNE_AI_STAGE, stageAiFacts, type AiFact } from "./ai-rollups.ts";
import { upsertResourcesAndScopes } from "./resource-rows.ts";
import { upsertRuns } from "./run-rows.ts";
import { encodeSpans, SPAN_COLUMNS, type EncodedSpans } from "./span-rows.ts";
import { storableString } from "./stored-json.ts";
import type { NormalizedTraceBatch } from "./trace-records.ts";
import { MERGE_TRACE_SUMMARY, mergeRollups, rollUpTraces, TRACE_SUMMARY_COLUMNS, upsertTraceRollups, type TraceRollup } from "./trace-summaries.ts";

/** The write half of the storage seam for traces. */
export interface SpanWriter {
  /** Idempotent (a re-sent span is stored once); resolves only when the spans are committed. */
  writeSpans(batch: NormalizedTraceBatch): Promise<void>;
  /** Waits for queued writes to commit and refuses new ones. */
  close(): Promise<void>;
}

interface SpanUnit extends EncodedSpans {
  rows: number;
  runs: ProjectRun[];
  /** What the request's spans add to their traces' summaries, if all of them are new. */
  traces: Map<string, TraceRollup>;
  /** What its AI spans add to the AI rollups of traces, runs and sessions. */
  aiFacts: AiFact[];
}

/**
 * Spans go through the group-commit queue (group-commit.ts). A group is first COPYed straight into
 * spans, inside a savepoint, and its trace summaries folded in from the spans themselves: the fast
 * path, taken whenever none of its spans is stored yet. If one is (a re-send: the COPY fails on the
 * primary key), the savepoint is rolled back and the group takes the staged path: COPY into a
 * per-connection staging table, then one INSERT … ON CONFLICT DO NOTHING into spans whose
 * RETURNING feeds the summary upsert. Either way summaries count each span exactly once however
 * often it is re-sent.
 */
export class GroupCommitSpanWriter implements SpanWriter {
  private readonly queue: GroupCommitQueue<SpanUnit>;

  constructor(pool: pg.Pool, options: GroupCommitOptions = DEFAULT_GROUP_COMMIT) {
    this.queue = new GroupCommitQueue(pool, writeGroup, options, async (client) => {
      await createStage(client, "span_stage", "spans");
      await createAiStage(client);
    });
  }

  writeSpans(batch: NormalizedTraceBatch): Promise<void> {
    const encoded = encodeSpans(batch);
    return this.queue.submit({ ...encoded, rows: encoded.spanCount, runs: batch.runs, traces: rollUpTraces(batch), aiFacts: aiFactsOf(batch) });
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

async function writeGroup(client: pg.PoolClient, units: SpanUnit[]): Promise<void> {
  await upsertRuns(client, units.flatMap((u) => u.runs));
  await upsertResourcesAndScopes(client, units.flatMap((u) => u.resources), units.flatMap((u) => u.scopes));
  await insertRunTraces(client, units);
  const aiFacts = units.flatMap((u) => u.aiFacts);
  await stageAiFacts(client, aiFacts);
  if (await copyUnlessStored(client, "spans", SPAN_COLUMNS, units.map((u) => u.copyText))) {
    await upsertTraceRollups(client, mergeRollups(units.map((u) => u.traces)));
  } else {
    await copyIn(client, "span_stage", SPAN_COLUMNS, units.map((u) => u.copyText));
    await client.query(aiFacts.length > 0 ? INSERT_SPANS_AND_SUMMARIES_PRUNING_AI : INSERT_SPANS_AND_SUMMARIES);
  }
  if (aiFacts.length > 0) await applyAiRollups(client);
}

async function insertRunTraces(client: pg.PoolClient, units: SpanUnit[]): Promise<void> {
  const pairs = new Map<string, SpanUnit["runTraces"][number]>();
  for (const u of units) for (const rt of u.runTraces) pairs.set(`${rt.project}\0${rt.runId}\0${rt.traceId}`, rt);
  if (pairs.size === 0) return;
  const rows = [...pairs.values()];
  await client.query(
    `INSERT INTO run_traces (project, run_id, trace_id)
     SELECT p, r, decode(t, 'hex') FROM unnest($1::text[], $2::text[], $3::text[]) AS x(p, r, t) ORDER BY 1, 2, 3
     ON CONFLICT DO NOTHING`,
    [rows.map((r) => storableString(r.project)), rows.map((r) => storableString(r.runId)), rows.map((r) => r.traceId)],
  );
}

/**
 * Moves staged rows into spans (ordered by key, so concurrent transactions take row locks in
 * the same order) and folds the newly inserted ones — never re-sent duplicates — into the
 * per-trace summaries.
 */
const INSERT_SPANS_AND_SUMMARIES = insertSpansAndSummaries("");

/** The same, also dropping the staged AI facts of spans that were already stored. */
const INSERT_SPANS_AND_SUMMARIES_PRUNING_AI = insertSpansAndSummaries(`, ${PRUNE_AI_STAGE}`);

function insertSpansAndSummaries(extraCte: string): string {
  return `
WITH inserted AS (
  INSERT INTO spans (${SPAN_COLUMNS.join(", ")})
  SELECT ${SPAN_COLUMNS.join(", ")} FROM span_stage ORDER BY project, trace_id, span_id
  ON CONFLICT (project, trace_id, span_id) DO NOTHING
  RETURNING project, trace_id, span_id, parent_span_id, name, service_name, start_time_unix_nano, end_time_unix_nano, status_code
), per_trace AS (
  SELECT project, trace_id,
         min(start_time_unix_nano) AS start_ns,
         max(end_time_unix_nano) AS end_ns,
         count(*) AS span_count,
         count(*) FILTER (WHERE status_code = 2) AS error_count,
         array_agg(DISTINCT service_name ORDER BY service_name) AS service_names
    FROM inserted GROUP BY project, trace_id
), roots AS (
  SELECT DISTINCT ON (project, trace_id) project, trace_id, span_id, parent_span_id IS NULL AS parentless, name, service_name, start_time_unix_nano
    FROM inserted
   ORDER BY project, trace_id, parent_span_id IS NOT NULL, start_time_unix_nano, span_id
)${extraCte}
INSERT INTO traces AS t (${TRACE_SUMMARY_COLUMNS})
SELECT p.project, p.trace_id, p.start_ns, p.end_ns, p.span_count, p.error_count, p.service_names,
       r.span_id, r.parentless, r.name, r.service_name, r.start_time_unix_nano
  FROM per_trace p JOIN roots r USING (project, trace_id)
 ORDER BY p.project, p.trace_id
${MERGE_TRACE_SUMMARY}`;
}
