import type pg from "pg";
import { readSchema } from "../../collector/storage/migrate.ts";

/**
 * Deterministic data for bench:query, generated inside PostgreSQL (generate_series, no HTTP):
 * traces of `spansPerTrace` spans (a server root, internal steps, database calls, an LLM call, a
 * tool call, an outgoing HTTP call), 20 services, runs with nested hparams, and metric series
 * with points. Every "random" choice is a hash of the row number, so two seeds are identical.
 * Secondary indexes are dropped for the load and rebuilt from schema.sql afterwards.
 */
export interface SeedSize {
  traces: number;
  spansPerTrace: number;
  runs: number;
  /** Series per run: (loss, accuracy, lr, grad_norm, throughput) × (train, val), cut to this many. */
  metricsPerRun: number;
  pointsPerSeries: number;
}

/** 2026-11-26T00:00:00Z: the seeded traces cover the 7 days before it. */
export const SEED_END_NANOS = 1_795_651_200n * 1_000_000_000n;
export const SEED_DAYS = 7n;
export const MODELS = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4", "claude-haiku-4", "gemini-2.5-pro", "llama-3.1-70b", "mistral-large", "o3-mini"];
const SERVICES = 20;

export async function seed(pool: pg.Pool, size: SeedSize, log: (m: string) => void): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("SET maintenance_work_mem = '512MB'");
    await client.query("SET synchronous_commit = off");
    await client.query(`CREATE OR REPLACE FUNCTION pg_temp.rnd(i bigint, salt integer) RETURNS double precision
                        LANGUAGE sql IMMUTABLE AS $$ SELECT (hashint8(i * 7919 + salt) & 2147483647)::float8 / 2147483648.0 $$`);
    const dropped = await dropSecondaryIndexes(client);
    log(`dropped ${dropped} secondary indexes for the load`);
    await timed(log, "resources, scopes", () => seedResources(client));
    await timed(log, `${size.runs} runs`, () => seedRuns(client, size));
    await timed(log, `${size.traces * size.spansPerTrace} spans`, () => seedSpans(client, size));
    await timed(log, "trace summaries", () => seedTraces(client));
    await timed(log, "run_traces", () => client.query(`INSERT INTO run_traces (project, run_id, trace_id) SELECT DISTINCT project, run_id, trace_id FROM spans`));
    await timed(log, `${size.runs * size.metricsPerRun} metric series`, () => seedSeries(client, size));
    await timed(log, `${size.runs * size.metricsPerRun * size.pointsPerSeries} metric points`, () => seedPoints(client, size));
    await timed(log, "indexes (schema.sql)", () => client.query(readSchema().sql));
    await timed(log, "VACUUM ANALYZE", () => client.query("VACUUM ANALYZE"));
  } finally {
    client.release();
  }
}

async function timed<T>(log: (m: string) => void, what: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  log(`seeded ${what} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

async function dropSecondaryIndexes(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ indexname: string }>(
    `SELECT i.indexname FROM pg_indexes i
      WHERE i.schemaname = current_schema()
        AND i.tablename IN ('spans', 'traces', 'runs', 'run_traces', 'metric_series', 'metric_points')
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
  );
  for (const r of rows) await client.query(`DROP INDEX ${quoteIdent(r.indexname)}`);
  return rows.length;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function seedResources(client: pg.PoolClient): Promise<void> {
  await client.query(
    `INSERT INTO resources (project, resource_id, attributes, service_name)
     SELECT 'default', decode(md5('svc-' || n), 'hex'),
            jsonb_build_object('service.name', 'svc-' || n, 'service.version', '1.' || (n % 4), 'deployment.environment', CASE WHEN n % 5 = 0 THEN 'staging' ELSE 'prod' END),
            'svc-' || n
       FROM generate_series(0, ${SERVICES - 1}) AS n`,
  );
  await client.query(`INSERT INTO scopes (project, scope_id, name, version, attributes) VALUES ('default', decode(md5('scope'), 'hex'), 'bench', '1.0.0', '{}')`);
}

async function seedRuns(client: pg.PoolClient, size: SeedSize): Promise<void> {
  await client.query(
    `INSERT INTO runs (project, run_id, implicit, name, experiment, tags, status, hparams, created_at, updated_at, ended_at)
     SELECT 'default', 'run-' || lpad(n::text, 5, '0'), false, 'run ' || n, 'exp-' || (n % 50),
            ARRAY['sweep-' || (n % 10)] || CASE WHEN n % 3 = 0 THEN ARRAY['baseline'] ELSE ARRAY[]::text[] END,
            CASE WHEN n % 10 < 7 THEN 'finished' WHEN n % 10 = 7 THEN 'failed' ELSE 'running' END,
            jsonb_build_object(
              'lr', round((10 ^ (-1 - 4 * pg_temp.rnd(n, 1)))::numeric, 6),
              'batch_size', 16 << (n % 5),
              'layers', n % 6 + 2,
              'dropout', round((0.1 * (n % 5))::numeric, 1),
              'optimizer', jsonb_build_object('name', (ARRAY['adam', 'sgd', 'adamw'])[n % 3 + 1], 'momentum', 0.9,
                                               'betas', jsonb_build_array(0.9, 0.999))),
            timestamptz '2026-11-26 00:00:00+00' - (${size.runs} - n) * interval '1 minute',
            timestamptz '2026-11-26 00:00:00+00' - (${size.runs} - n) * interval '1 minute' + interval '30 seconds',
            CASE WHEN n % 10 < 8 THEN timestamptz '2026-11-26 00:00:00+00' - (${size.runs} - n) * interval '1 minute' + interval '1 hour' END
       FROM generate_series(0, ${size.runs - 1}) AS n`,
  );
}

/**
 * Span j of trace i (k = i * spansPerTrace + j): j = 0 the server root, 1–3 internal steps,
 * 4–6 database calls, 7 an LLM call, 8 a tool call, 9 an outgoing HTTP call (then repeating).
 */
async function seedSpans(client: pg.PoolClient, size: SeedSize): Promise<void> {
  const perTrace = size.spansPerTrace;
  const windowNanos = SEED_DAYS * 86_400_000_000_000n;
  const step = windowNanos / BigInt(size.traces);
  const start0 = SEED_END_NANOS - windowNanos;
  const models = `ARRAY[${MODELS.map((m) => `'${m}'`).join(", ")}]`;
  // In slices, so no single statement holds a huge sort.
  const slice = 20_000;
  for (let from = 0; from < size.traces; from += slice) {
    const to = Math.min(size.traces, from + slice) - 1;
    await client.query(`
      INSERT INTO spans (project, trace_id, span_id, parent_span_id, name, kind, start_time_unix_nano, end_time_unix_nano,
                         service_name, status_code, status_message, attributes, events, links, resource_id, scope_id, run_id,
                         ai_type, ai_model, ai_provider, ai_input_tokens, ai_output_tokens, ai_total_tokens, ai_cost_usd,
                         ai_session_id, ai_user_id, ai_tool_name)
      SELECT 'default', decode(lpad(to_hex(i), 32, '0'), 'hex'), decode(lpad(to_hex(k + 1), 16, '0'), 'hex'),
             CASE WHEN j = 0 THEN NULL ELSE decode(lpad(to_hex(i * ${perTrace} + (j - 1) / 2 + 1), 16, '0'), 'hex') END,
             CASE role WHEN 0 THEN 'GET /api/v1/r' || (i % 200)
                       WHEN 1 THEN 'process step ' || j
                       WHEN 2 THEN 'SELECT orders_' || (k % 40)
                       WHEN 3 THEN 'chat ' || model
                       WHEN 4 THEN 'execute_tool ' || tool
                       ELSE 'HTTP POST' END,
             CASE role WHEN 0 THEN 2 WHEN 1 THEN 1 ELSE 3 END,
             ts, ts + dur,
             service, CASE WHEN err THEN 2 ELSE 0 END, CASE WHEN err THEN 'boom' ELSE '' END,
             CASE role
               WHEN 0 THEN jsonb_build_object('http.route', '/api/v1/r' || (i % 200), 'http.method', 'GET',
                                              'http.status_code', CASE WHEN err THEN 500 ELSE 200 END, 'user.id', 'user-' || (i % 5000),
                                              'request.id', 'req-' || k)
               WHEN 1 THEN jsonb_build_object('step', j, 'ratio', (pg_temp.rnd(k, 5) * 100)::int / 100.0 + 0.001, 'cache.hit', pg_temp.rnd(k, 6) < 0.5)
               WHEN 2 THEN jsonb_build_object('db.system', 'postgresql', 'db.statement', 'SELECT * FROM orders_' || (k % 40) || ' WHERE id = $1',
                                              'net.peer.port', 5432, 'db.rows', (pg_temp.rnd(k, 7) * 1000)::int)
               WHEN 3 THEN jsonb_build_object('gen_ai.request.model', model, 'gen_ai.system', provider,
                                              'gen_ai.usage.input_tokens', tin, 'gen_ai.usage.output_tokens', tout)
               WHEN 4 THEN jsonb_build_object('gen_ai.tool.name', tool)
               ELSE jsonb_build_object('http.url', 'http://svc-' || ((i + 3) % ${SERVICES}) || '/internal', 'http.status_code', 200)
             END,
             CASE WHEN err THEN jsonb_build_array(jsonb_build_object('timeUnixNano', (ts + dur)::text, 'name', 'exception',
                                 'attributes', jsonb_build_object('exception.type', 'Error'), 'droppedAttributesCount', 0))
                  ELSE '[]'::jsonb END,
             '[]'::jsonb, decode(md5(service), 'hex'), decode(md5('scope'), 'hex'), 'run-' || lpad((i % ${size.runs})::text, 5, '0'),
             CASE role WHEN 3 THEN 'llm' WHEN 4 THEN 'tool' END,
             CASE WHEN role = 3 THEN model END, CASE WHEN role = 3 THEN provider END,
             CASE WHEN role = 3 THEN tin END, CASE WHEN role = 3 THEN tout END, CASE WHEN role = 3 THEN tin + tout END,
             CASE WHEN role = 3 THEN round(((tin * 2.5 + tout * 10) / 1e6)::numeric, 6)::float8 END,
             CASE WHEN role IN (3, 4) THEN 'sess-' || (i % 20000) END,
             CASE WHEN role IN (3, 4) THEN 'user-' || (i % 5000) END,
             CASE WHEN role = 4 THEN tool END
        FROM (
          SELECT i, j, k, role, ts, dur, err, service, model, tool, tin, tout,
                 CASE WHEN model LIKE 'gpt%' OR model LIKE 'o3%' THEN 'openai' WHEN model LIKE 'claude%' THEN 'anthropic'
                      WHEN model LIKE 'gemini%' THEN 'gcp.vertex_ai' ELSE 'aws.bedrock' END AS provider
            FROM (
              SELECT i, j, i::bigint * ${perTrace} + j AS k,
                     CASE WHEN j = 0 THEN 0 WHEN j % 10 BETWEEN 1 AND 3 THEN 1 WHEN j % 10 BETWEEN 4 AND 6 THEN 2
                          WHEN j % 10 = 7 THEN 3 WHEN j % 10 = 8 THEN 4 ELSE 5 END AS role,
                     ${start0}::bigint + i::bigint * ${step} + j * 1000000 AS ts,
                     CASE WHEN j = 0 THEN (10000000 * exp(3 * pg_temp.rnd(i, 2)) * CASE WHEN pg_temp.rnd(i, 3) < 0.01 THEN 40 ELSE 1 END)::bigint
                          ELSE (1000000 * exp(3 * pg_temp.rnd(i::bigint * 100 + j, 4)))::bigint END AS dur,
                     pg_temp.rnd(i::bigint * 100 + j, 8) < 0.01 AS err,
                     'svc-' || CASE WHEN j = 0 THEN i % ${SERVICES} ELSE (i + j * 7) % ${SERVICES} END AS service,
                     (${models})[1 + floor(pg_temp.rnd(i, 9) ^ 2 * ${MODELS.length})::int] AS model,
                     (ARRAY['search', 'calculator', 'sql', 'browser'])[1 + (i % 4)] AS tool,
                     (100 + pg_temp.rnd(i, 10) * 4000)::bigint AS tin,
                     (20 + pg_temp.rnd(i, 11) * 1000)::bigint AS tout
                FROM generate_series(${from}, ${to}) AS i, generate_series(0, ${perTrace - 1}) AS j
            ) AS base
        ) AS x`);
  }
}

async function seedTraces(client: pg.PoolClient): Promise<void> {
  await client.query(`
    INSERT INTO traces (project, trace_id, start_time_unix_nano, end_time_unix_nano, span_count, error_count, service_names,
                        root_span_id, root_is_parentless, root_name, root_service_name, root_start_time_unix_nano,
                        ai_llm_calls, ai_input_tokens, ai_output_tokens, ai_total_tokens, ai_cost_usd, session_ids)
    SELECT project, trace_id, min(start_time_unix_nano), max(end_time_unix_nano), count(*), count(*) FILTER (WHERE status_code = 2),
           array_agg(DISTINCT service_name ORDER BY service_name),
           (array_agg(span_id ORDER BY parent_span_id IS NOT NULL, start_time_unix_nano))[1], bool_or(parent_span_id IS NULL),
           (array_agg(name ORDER BY parent_span_id IS NOT NULL, start_time_unix_nano))[1],
           (array_agg(service_name ORDER BY parent_span_id IS NOT NULL, start_time_unix_nano))[1],
           min(start_time_unix_nano) FILTER (WHERE parent_span_id IS NULL),
           count(*) FILTER (WHERE ai_type = 'llm'), coalesce(sum(ai_input_tokens), 0), coalesce(sum(ai_output_tokens), 0),
           coalesce(sum(ai_total_tokens), 0), coalesce(sum(ai_cost_usd), 0),
           coalesce(array_agg(DISTINCT ai_session_id) FILTER (WHERE ai_session_id IS NOT NULL), '{}')
      FROM spans GROUP BY project, trace_id`);
}

const METRIC_NAMES = ["loss", "accuracy", "lr", "grad_norm", "throughput"];

async function seedSeries(client: pg.PoolClient, size: SeedSize): Promise<void> {
  const pairs = METRIC_NAMES.flatMap((name) => ["train", "val"].map((subset) => `('${name}', '${subset}')`)).slice(0, size.metricsPerRun);
  const p = size.pointsPerSeries;
  // value(step) = base · exp(−step / (p/3)) for loss-like series, rising for accuracy; min/max/last follow from it.
  await client.query(`
    INSERT INTO metric_series (project, series_id, run_id, name, kind, context, value_type, point_count, last_step, last_time_unix_nano, last_value, min_value, max_value)
    SELECT 'default', decode(md5(run_id || E'\\n' || name || E'\\ngauge\\n' || ctx::text), 'hex'), run_id, name, 'gauge', ctx, 'double',
           ${p}, ${p - 1}, ${SEED_END_NANOS}, v_last, least(v_first, v_last), greatest(v_first, v_last)
      FROM (
        SELECT 'run-' || lpad(n::text, 5, '0') AS run_id, m.name, jsonb_build_object('subset', m.subset) AS ctx,
               CASE WHEN m.name = 'accuracy' THEN 0.1 ELSE 1 + pg_temp.rnd(n, 20) END AS v_first,
               CASE WHEN m.name = 'accuracy' THEN 0.5 + pg_temp.rnd(n, 21) * 0.5 ELSE (1 + pg_temp.rnd(n, 20)) * exp(-3.0) END AS v_last
          FROM generate_series(0, ${size.runs - 1}) AS n, (VALUES ${pairs.join(", ")}) AS m(name, subset)
      ) AS s`);
}

async function seedPoints(client: pg.PoolClient, size: SeedSize): Promise<void> {
  const p = size.pointsPerSeries;
  await client.query(`
    INSERT INTO metric_points (project, series_id, step, time_unix_nano, epoch, value)
    SELECT s.project, s.series_id, st, ${SEED_END_NANOS} - (${p} - st)::bigint * 1000000000, st / 10,
           CASE WHEN s.name = 'accuracy' THEN 0.1 + (s.last_value - 0.1) * st / ${Math.max(1, p - 1)}
                ELSE s.max_value * exp(-3.0 * st / ${Math.max(1, p - 1)}) END
      FROM metric_series s, generate_series(0, ${p - 1}) AS st`);
}
