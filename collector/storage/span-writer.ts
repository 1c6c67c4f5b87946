import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { OverloadedError, PermanentError, type RetryableError } from "../errors.ts";
import { classifyPgError, isDeadlock } from "./pg-errors.ts";
import { encodeSpans, SPAN_COLUMNS, type EncodedSpans } from "./span-rows.ts";
import { storableString } from "./stored-json.ts";
import type { NormalizedTraceBatch } from "./trace-records.ts";

/** The write half of the storage seam. */
export interface SpanWriter {
  /** Idempotent (a re-sent span is stored once); resolves only when the spans are committed. */
  writeSpans(batch: NormalizedTraceBatch): Promise<void>;
  /** Waits for queued writes to commit and refuses new ones. */
  close(): Promise<void>;
}

export interface GroupCommitOptions {
  /** Spans per transaction at most (a single larger request still goes in one transaction). */
  maxBatchSpans: number;
  /** Spans waiting for a transaction at most; beyond it writers get OverloadedError (429). */
  maxQueuedSpans: number;
  /** Transactions in flight at once (each holds one connection). */
  concurrency: number;
}

export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = { maxBatchSpans: 20_000, maxQueuedSpans: 400_000, concurrency: 2 };

interface Pending {
  rows: EncodedSpans;
  resolve(): void;
  reject(err: Error): void;
}

const STAGED = Symbol("sightline.spanStage");

/**
 * Group commit: requests that arrive while a transaction is in flight are queued and written
 * together in the next one, so throughput does not depend on the clients' batch sizes and every
 * caller is answered only after COMMIT. Rows go through COPY into a per-connection temp table,
 * then one INSERT … ON CONFLICT DO NOTHING into spans whose RETURNING feeds the trace-summary
 * upsert, so summaries count each span exactly once however often it is re-sent.
 */
export class GroupCommitSpanWriter implements SpanWriter {
  private readonly queue: Pending[] = [];
  private queuedSpans = 0;
  private inFlight = 0;
  private closed = false;
  private idle: Array<() => void> = [];

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: GroupCommitOptions = DEFAULT_GROUP_COMMIT,
  ) {}

  writeSpans(batch: NormalizedTraceBatch): Promise<void> {
    if (this.closed) return Promise.reject(new OverloadedError("collector is shutting down"));
    const rows = encodeSpans(batch);
    if (rows.spanCount === 0) return Promise.resolve();
    if (this.queuedSpans > 0 && this.queuedSpans + rows.spanCount > this.options.maxQueuedSpans) {
      return Promise.reject(new OverloadedError(`write queue full (${this.queuedSpans} spans waiting)`));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.queuedSpans += rows.spanCount;
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.inFlight === 0 && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < this.options.concurrency && this.queue.length > 0) {
      const group: Pending[] = [this.queue.shift()!];
      let spans = group[0]!.rows.spanCount;
      while (this.queue.length > 0 && spans + this.queue[0]!.rows.spanCount <= this.options.maxBatchSpans) {
        const next = this.queue.shift()!;
        spans += next.rows.spanCount;
        group.push(next);
      }
      this.queuedSpans -= spans;
      this.inFlight++;
      void this.commitGroup(group).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.inFlight === 0 && this.queue.length === 0) for (const done of this.idle.splice(0)) done();
      });
    }
  }

  /** Commits a group; if the server refuses its data, retries each request alone so one bad request cannot fail the others. */
  private async commitGroup(group: Pending[]): Promise<void> {
    const err = await this.tryCommit(group);
    if (err === null) {
      for (const p of group) p.resolve();
      return;
    }
    if (err instanceof PermanentError && group.length > 1) {
      for (const p of group) {
        const single = await this.tryCommit([p]);
        if (single === null) p.resolve();
        else p.reject(single);
      }
      return;
    }
    for (const p of group) p.reject(err);
  }

  private async tryCommit(group: Pending[]): Promise<PermanentError | RetryableError | null> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.commit(group);
        return null;
      } catch (err) {
        if (isDeadlock(err) && attempt < 3) continue;
        return classifyPgError(err);
      }
    }
  }

  private async commit(group: Pending[]): Promise<void> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A checked-out client has no pool listener: without this one, a connection killed mid-transaction
    // (Postgres restart, pg_terminate_backend) emits an unhandled 'error' and crashes the process.
    const onError = (err: Error): void => void (broken ??= err);
    client.on("error", onError);
    try {
      await ensureStage(client);
      await client.query("BEGIN");
      try {
        await copyRows(client, group);
        await upsertResourcesAndScopes(client, group);
        await client.query(INSERT_SPANS_AND_SUMMARIES);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch((rollbackErr: Error) => (broken = rollbackErr));
        throw err;
      }
    } catch (err) {
      // A failure that is not the server refusing data may have left the connection unusable.
      if (!(classifyPgError(err) instanceof PermanentError)) broken ??= err as Error;
      throw err;
    } finally {
      client.off("error", onError);
      client.release(broken);
    }
  }
}

async function ensureStage(client: pg.PoolClient): Promise<void> {
  const marked = client as pg.PoolClient & { [STAGED]?: boolean };
  if (marked[STAGED]) return;
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS span_stage (LIKE spans INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`);
  marked[STAGED] = true;
}

async function copyRows(client: pg.PoolClient, group: Pending[]): Promise<void> {
  const stream = client.query(copyFrom(`COPY span_stage (${SPAN_COLUMNS.join(", ")}) FROM STDIN`));
  await new Promise<void>((resolve, reject) => {
    stream.on("error", reject);
    stream.on("finish", resolve);
    for (const p of group) stream.write(p.rows.copyText);
    stream.end();
  });
}

async function upsertResourcesAndScopes(client: pg.PoolClient, group: Pending[]): Promise<void> {
  const resources = new Map<string, EncodedSpans["resources"][number]>();
  const scopes = new Map<string, EncodedSpans["scopes"][number]>();
  for (const p of group) {
    for (const r of p.rows.resources) resources.set(r.project + "\u0000" + r.resourceId, r);
    for (const s of p.rows.scopes) scopes.set(s.project + "\u0000" + s.scopeId, s);
  }
  const rs = [...resources.values()];
  await client.query(
    `INSERT INTO resources (project, resource_id, attributes, dropped_attributes_count, schema_url, service_name)
     SELECT p, decode(id, 'hex'), a, d, u, s
       FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::int[], $5::text[], $6::text[]) AS r(p, id, a, d, u, s)
      ORDER BY 1, 2
     ON CONFLICT (project, resource_id) DO NOTHING`,
    [
      rs.map((r) => storableString(r.project)),
      rs.map((r) => r.resourceId),
      rs.map((r) => r.attributes),
      rs.map((r) => r.droppedAttributesCount),
      rs.map((r) => storableString(r.schemaUrl)),
      rs.map((r) => storableString(r.serviceName)),
    ],
  );
  const ss = [...scopes.values()];
  await client.query(
    `INSERT INTO scopes (project, scope_id, name, version, attributes, dropped_attributes_count, schema_url)
     SELECT p, decode(id, 'hex'), n, v, a, d, u
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::int[], $7::text[]) AS s(p, id, n, v, a, d, u)
      ORDER BY 1, 2
     ON CONFLICT (project, scope_id) DO NOTHING`,
    [
      ss.map((s) => storableString(s.project)),
      ss.map((s) => s.scopeId),
      ss.map((s) => storableString(s.name)),
      ss.map((s) => storableString(s.version)),
      ss.map((s) => s.attributes),
      ss.map((s) => s.droppedAttributesCount),
      ss.map((s) => storableString(s.schemaUrl)),
    ],
  );
}

/**
 * Moves staged rows into spans (ordered by key, so concurrent transactions take row locks in
 * the same order) and folds the newly inserted ones — never re-sent duplicates — into the
 * per-trace summaries.
 */
const INSERT_SPANS_AND_SUMMARIES = `
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
)
INSERT INTO traces AS t (project, trace_id, start_time_unix_nano, end_time_unix_nano, span_count, error_count, service_names,
                         root_span_id, root_is_parentless, root_name, root_service_name, root_start_time_unix_nano)
SELECT p.project, p.trace_id, p.start_ns, p.end_ns, p.span_count, p.error_count, p.service_names,
       r.span_id, r.parentless, r.name, r.service_name, r.start_time_unix_nano
  FROM per_trace p JOIN roots r USING (project, trace_id)
 ORDER BY p.project, p.trace_id
ON CONFLICT (project, trace_id) DO UPDATE SET
  start_time_unix_nano = LEAST(t.start_time_unix_nano, EXCLUDED.start_time_unix_nano),
  end_time_unix_nano   = GREATEST(t.end_time_unix_nano, EXCLUDED.end_time_unix_nano),
  span_count           = t.span_count + EXCLUDED.span_count,
  error_count          = t.error_count + EXCLUDED.error_count,
  service_names        = CASE WHEN EXCLUDED.service_names <@ t.service_names THEN t.service_names
                              ELSE ARRAY(SELECT DISTINCT u FROM unnest(t.service_names || EXCLUDED.service_names) AS u ORDER BY u) END,
  root_span_id              = CASE WHEN ${rootWins()} THEN EXCLUDED.root_span_id ELSE t.root_span_id END,
  root_is_parentless        = CASE WHEN ${rootWins()} THEN EXCLUDED.root_is_parentless ELSE t.root_is_parentless END,
  root_name                 = CASE WHEN ${rootWins()} THEN EXCLUDED.root_name ELSE t.root_name END,
  root_service_name         = CASE WHEN ${rootWins()} THEN EXCLUDED.root_service_name ELSE t.root_service_name END,
  root_start_time_unix_nano = CASE WHEN ${rootWins()} THEN EXCLUDED.root_start_time_unix_nano ELSE t.root_start_time_unix_nano END,
  updated_at = now()`;

/** The new candidate becomes the root if it ranks first by (has a parent, start, span id). */
function rootWins(): string {
  return `(NOT EXCLUDED.root_is_parentless, EXCLUDED.root_start_time_unix_nano, EXCLUDED.root_span_id)
        < (NOT t.root_is_parentless, t.root_start_time_unix_nano, t.root_span_id)`;
}
