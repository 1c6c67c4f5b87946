-- Sightline schema: the whole of it, for a human to read.
--
-- Applied at every start by collector/storage/migrate.ts, under an advisory lock, and safe to
-- re-run: every statement is idempotent (IF NOT EXISTS). The version below is recorded in
-- sightline_schema; a database at an older version first gets the steps in
-- collector/storage/migrations/ (non-idempotent changes only), then this file.
--
-- Conventions
-- * Every row belongs to a project (tenant); every key and every index starts with it, except
--   metric_points' key (see there).
-- * Ids are bytea: trace ids 16 bytes, span ids 8 bytes. Times are bigint nanoseconds since the
--   Unix epoch (exact, never rounded to milliseconds).
-- * Span tables keep trace_id in every key, so they can be distributed by trace id
--   (Citus: SELECT create_distributed_table('spans', 'trace_id')).
-- * Attribute maps are jsonb objects of plain JSON values. Integers are written without a
--   decimal point and doubles always with one (jsonb keeps numeric text as written), so the
--   OTLP type survives. Values JSON cannot hold are tagged objects with one key:
--   {"$bytes": "<base64>"}, {"$double": "NaN" | "Infinity" | "-Infinity" | "-0"}, and
--   {"$kvlist": {...}} for a kvlist that would itself look like a tag. See docs/storage.md.
--
-- schema-version: 2

CREATE TABLE IF NOT EXISTS sightline_schema (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version    integer NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- An OTLP resource (the process or service that sent data), stored once per distinct content.
CREATE TABLE IF NOT EXISTS resources (
  project                  text    NOT NULL,
  resource_id              bytea   NOT NULL,   -- md5 of the canonical resource content
  attributes               jsonb   NOT NULL,
  dropped_attributes_count bigint  NOT NULL DEFAULT 0,
  schema_url               text    NOT NULL DEFAULT '',
  service_name             text    NOT NULL DEFAULT '',
  first_seen               timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project, resource_id)
);

-- An instrumentation scope (the library that made the telemetry), stored once per distinct content.
CREATE TABLE IF NOT EXISTS scopes (
  project                  text    NOT NULL,
  scope_id                 bytea   NOT NULL,   -- md5 of the canonical scope content
  name                     text    NOT NULL,
  version                  text    NOT NULL,
  attributes               jsonb   NOT NULL,
  dropped_attributes_count bigint  NOT NULL DEFAULT 0,
  schema_url               text    NOT NULL DEFAULT '',
  PRIMARY KEY (project, scope_id)
);

-- One row per span, exactly as received. A re-sent span (same project, trace id, span id) is
-- stored once: the first copy wins.
CREATE TABLE IF NOT EXISTS spans (
  project                  text     NOT NULL,
  trace_id                 bytea    NOT NULL,
  span_id                  bytea    NOT NULL,
  parent_span_id           bytea,              -- NULL for a root span
  trace_state              text     NOT NULL DEFAULT '',
  flags                    bigint   NOT NULL DEFAULT 0,  -- OTLP fixed32 span flags
  name                     text     NOT NULL,
  kind                     integer  NOT NULL,  -- SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer
  start_time_unix_nano     bigint   NOT NULL,
  end_time_unix_nano       bigint   NOT NULL,
  service_name             text     NOT NULL,  -- copied from the resource for filtering
  status_code              integer  NOT NULL,  -- 0 unset, 1 ok, 2 error (other values kept as sent)
  status_message           text     NOT NULL DEFAULT '',
  attributes               jsonb    NOT NULL,
  dropped_attributes_count bigint   NOT NULL DEFAULT 0,
  events                   jsonb    NOT NULL,  -- [{"timeUnixNano": "…", "name", "attributes", "droppedAttributesCount"}]
  dropped_events_count     bigint   NOT NULL DEFAULT 0,
  links                    jsonb    NOT NULL,  -- [{"traceId", "spanId", "traceState", "flags", "attributes", "droppedAttributesCount"}]
  dropped_links_count      bigint   NOT NULL DEFAULT 0,
  resource_id              bytea    NOT NULL,  -- → resources
  scope_id                 bytea    NOT NULL,  -- → scopes
  run_id                   text     NOT NULL,  -- → runs: the span's own sightline.run.id, else its resource's run
  received_at              timestamptz NOT NULL DEFAULT now(),
  -- Canonical AI fields, derived at ingest from whichever GenAI dialect the span speaks
  -- (collector/normalize/ai). NULL on spans that are not AI spans. The hot ones are columns; the
  -- whole canonical object (messages, tool call, parameters …) is `ai`.
  ai_type                  text,     -- llm | chain | tool | agent | retriever | embedding | reranker | guardrail | evaluator
  ai_model                 text,     -- response model, else request model
  ai_provider              text,
  ai_input_tokens          bigint,
  ai_output_tokens         bigint,
  ai_total_tokens          bigint,
  ai_cost_usd              double precision,
  ai_session_id            text,
  ai_user_id               text,
  ai_tool_name             text,
  ai_agent_name            text,
  ai                       jsonb,
  PRIMARY KEY (project, trace_id, span_id)
);

-- "Traces with a span of this service and name, newest first." Names are indexed by their first
-- 300 characters (a btree entry holds ~2.7 kB); queries compare left(name, 300) and then the name.
CREATE INDEX IF NOT EXISTS spans_service_name_start
  ON spans (project, service_name, left(name, 300), start_time_unix_nano DESC);

-- One summary row per trace, kept correct as spans arrive in any order and in any number of
-- requests, so the trace list never scans spans. Written in the same transaction as the spans.
CREATE TABLE IF NOT EXISTS traces (
  project                   text     NOT NULL,
  trace_id                  bytea    NOT NULL,
  start_time_unix_nano      bigint   NOT NULL,   -- earliest span start
  end_time_unix_nano        bigint   NOT NULL,   -- latest span end
  span_count                integer  NOT NULL,
  error_count               integer  NOT NULL,   -- spans with status ERROR
  service_names             text[]   NOT NULL,   -- every service seen in the trace, sorted
  -- The root: the parentless span (earliest if several); until one arrives, the earliest span.
  root_span_id              bytea    NOT NULL,
  root_is_parentless        boolean  NOT NULL,
  root_name                 text     NOT NULL,
  root_service_name         text     NOT NULL,
  root_start_time_unix_nano bigint   NOT NULL,
  first_seen                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now(),
  -- AI rollups over the trace's spans, kept correct as spans arrive in any order.
  ai_llm_calls              integer  NOT NULL DEFAULT 0,
  ai_input_tokens           bigint   NOT NULL DEFAULT 0,
  ai_output_tokens          bigint   NOT NULL DEFAULT 0,
  ai_total_tokens           bigint   NOT NULL DEFAULT 0,
  ai_cost_usd               double precision NOT NULL DEFAULT 0,
  ai_first_input            jsonb,   -- the earliest LLM call's input (for the list view) …
  ai_first_input_at         bigint,  -- … and that call's start
  ai_last_output            jsonb,   -- the latest LLM call's output …
  ai_last_output_at         bigint,  -- … and that call's start
  session_ids               text[]   NOT NULL DEFAULT '{}',
  PRIMARY KEY (project, trace_id)
) WITH (fillfactor = 80);  -- room for HOT updates as late spans arrive

-- The trace list: newest first, keyset-paginated on (start, trace id).
CREATE INDEX IF NOT EXISTS traces_start
  ON traces (project, start_time_unix_nano DESC, trace_id DESC);
CREATE INDEX IF NOT EXISTS traces_service_names
  ON traces USING gin (service_names);

-- A run: Aim's unit of work (a training run, a job, a process). Every resource maps to exactly one
-- run: its sightline.run.id, or an id derived from its identity (docs/mapping.md). Telemetry fills
-- the fields it states and leaves the others; the user's edits live in their own columns.
CREATE TABLE IF NOT EXISTS runs (
  project             text    NOT NULL,
  run_id              text    NOT NULL,
  implicit            boolean NOT NULL,            -- derived from the resource identity
  name                text,                        -- sightline.run.name (NULL: never stated)
  experiment          text,                        -- sightline.experiment
  tags                text[],                      -- sightline.run.tags, sorted
  status              text    NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'finished', 'failed')),
  hparams             jsonb   NOT NULL DEFAULT '{}',   -- nested; later requests deep-merge into it
  resource_attributes jsonb   NOT NULL DEFAULT '{}',   -- the latest resource seen for the run
  edited_name         text,                        -- PATCH /api/runs/{id}: wins over name
  edited_tags         text[],                      -- PATCH: wins over tags
  description         text    NOT NULL DEFAULT '',
  archived            boolean NOT NULL DEFAULT false,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  ended_at            timestamptz,                 -- when the status became finished or failed
  -- AI rollups over the run's spans.
  ai_llm_calls        integer NOT NULL DEFAULT 0,
  ai_input_tokens     bigint  NOT NULL DEFAULT 0,
  ai_output_tokens    bigint  NOT NULL DEFAULT 0,
  ai_total_tokens     bigint  NOT NULL DEFAULT 0,
  ai_cost_usd         double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (project, run_id)
);
CREATE INDEX IF NOT EXISTS runs_created ON runs (project, created_at DESC);
CREATE INDEX IF NOT EXISTS runs_experiment ON runs (project, experiment, created_at DESC);
CREATE INDEX IF NOT EXISTS runs_tags ON runs USING gin (tags);
CREATE INDEX IF NOT EXISTS runs_hparams ON runs USING gin (hparams jsonb_path_ops);

-- Which traces a run took part in (a trace may span several runs).
CREATE TABLE IF NOT EXISTS run_traces (
  project  text  NOT NULL,
  run_id   text  NOT NULL,
  trace_id bytea NOT NULL,
  PRIMARY KEY (project, run_id, trace_id)
);

-- A metric series: Aim's sequence, one per (run, metric name, kind, context). The aggregates are
-- kept up to date from the points each transaction actually inserts, so re-sent points never count twice.
CREATE TABLE IF NOT EXISTS metric_series (
  project      text     NOT NULL,
  series_id    bytea    NOT NULL,           -- md5(run id, name, kind, context)
  run_id       text     NOT NULL,
  name         text     NOT NULL,
  kind         text     NOT NULL CHECK (kind IN ('gauge', 'sum', 'histogram', 'exponential_histogram', 'summary')),
  context      jsonb    NOT NULL,           -- point attributes other than sightline.step / sightline.epoch
  unit         text     NOT NULL DEFAULT '',
  description  text     NOT NULL DEFAULT '',
  temporality  smallint NOT NULL DEFAULT 0, -- AggregationTemporality: 0 unspecified, 1 delta, 2 cumulative
  monotonic    boolean  NOT NULL DEFAULT false,
  value_type   text,                        -- number series: 'int' or 'double' as sent
  scope_name   text     NOT NULL DEFAULT '',
  point_count  bigint   NOT NULL DEFAULT 0,
  last_step    bigint,
  last_time_unix_nano bigint,
  last_value   double precision,
  min_value    double precision,            -- over values other than NaN
  max_value    double precision,
  last_epoch   bigint,                      -- the last point's epoch (version 2)
  -- Every point has a step and time (epoch) never decreases in step order, as far as the writers
  -- could tell (collector/storage/series-stats.ts): a time (epoch) chart may be drawn from the
  -- tiles. Version 2.
  time_in_step_order  boolean NOT NULL DEFAULT true,
  epoch_in_step_order boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project, series_id)
) WITH (fillfactor = 80);
CREATE INDEX IF NOT EXISTS metric_series_run ON metric_series (project, run_id, left(name, 300));
CREATE INDEX IF NOT EXISTS metric_series_name ON metric_series (project, left(name, 300));

-- Gauge and sum points at full resolution. A point without sightline.step has a NULL step and is
-- numbered by time when read. A re-sent point (same series, step and time) is stored once.
CREATE TABLE IF NOT EXISTS metric_points (
  project              text     NOT NULL,
  series_id            bytea    NOT NULL,
  step                 bigint,
  time_unix_nano       bigint   NOT NULL,
  epoch                bigint,
  value                double precision NOT NULL,  -- NaN and ±Infinity kept
  start_time_unix_nano bigint   NOT NULL DEFAULT 0,
  flags                integer  NOT NULL DEFAULT 0,  -- bit 1: no recorded value (value is NaN)
  exemplars            jsonb                         -- NULL when none
);
-- The key also serves reads: with value and epoch included, a chart's points come from the index
-- alone (an index-only scan), never from the table. It leads with the series id and ends with the
-- project: a B-tree finds every column after a variable-length one by walking the tuple, at each
-- of the ~20 comparisons per inserted point; with the project first that was a quarter of the
-- server's work per point. A series id (md5 of run, name, kind, context) is one project's series
-- in practice, so the project last costs reads nothing. (Version 2; migrations/2-*.sql.)
CREATE UNIQUE INDEX IF NOT EXISTS metric_points_key
  ON metric_points (series_id, step, time_unix_nano, project) INCLUDE (value, epoch) NULLS NOT DISTINCT;

-- Per series and per 32 steps (tile = step / 32): the first, last, lowest and highest point, what
-- M4 downsampling keeps (collector/storage/metric-tiles.ts). A downsampled chart of long series
-- reads these instead of every point. Points without a step have no tile; while a series' tiles
-- count fewer points than the series holds, it is read point by point. min_* are NULL while every
-- point of the tile is NaN (NaN is never the lowest or highest).
CREATE TABLE IF NOT EXISTS metric_tiles (
  project     text   NOT NULL,
  series_id   bytea  NOT NULL,
  tile        bigint NOT NULL,
  point_count bigint NOT NULL,
  first_step  bigint NOT NULL, first_time bigint NOT NULL, first_epoch bigint, first_value double precision NOT NULL,
  last_step   bigint NOT NULL, last_time  bigint NOT NULL, last_epoch  bigint, last_value  double precision NOT NULL,
  min_step    bigint,          min_time   bigint,          min_epoch   bigint, min_value   double precision,
  max_step    bigint,          max_time   bigint,          max_epoch   bigint, max_value   double precision,
  PRIMARY KEY (project, series_id, tile)
);

-- Histogram, exponential histogram and summary points: Aim's distributions, one per step.
CREATE TABLE IF NOT EXISTS metric_distributions (
  project              text     NOT NULL,
  series_id            bytea    NOT NULL,
  step                 bigint,
  time_unix_nano       bigint   NOT NULL,
  epoch                bigint,
  start_time_unix_nano bigint   NOT NULL DEFAULT 0,
  count                numeric  NOT NULL,     -- uint64
  sum                  double precision,
  min                  double precision,
  max                  double precision,
  flags                integer  NOT NULL DEFAULT 0,
  data                 jsonb    NOT NULL,     -- bounds + bucket counts | scale + buckets | quantiles
  exemplars            jsonb
);
CREATE UNIQUE INDEX IF NOT EXISTS metric_distributions_key
  ON metric_distributions (project, series_id, step, time_unix_nano) NULLS NOT DISTINCT;

-- Log records (and log events), linked to their run and, when they carry ids, to their span.
CREATE TABLE IF NOT EXISTS logs (
  project                  text     NOT NULL,
  log_id                   bytea    NOT NULL,  -- md5 of the record and its place in the request: a re-sent request is stored once
  run_id                   text     NOT NULL,
  time_unix_nano           bigint   NOT NULL,  -- as sent (0: unset)
  observed_time_unix_nano  bigint   NOT NULL,
  sort_time_unix_nano      bigint   NOT NULL,  -- time, else observed time, else when received
  severity_number          integer  NOT NULL DEFAULT 0,
  severity_text            text     NOT NULL DEFAULT '',
  body                     jsonb    NOT NULL,  -- any AnyValue, in the stored JSON form
  attributes               jsonb    NOT NULL,
  dropped_attributes_count bigint   NOT NULL DEFAULT 0,
  flags                    bigint   NOT NULL DEFAULT 0,
  trace_id                 bytea,
  span_id                  bytea,
  event_name               text     NOT NULL DEFAULT '',
  resource_id              bytea    NOT NULL,
  scope_id                 bytea    NOT NULL,
  received_at              timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project, log_id)
);
CREATE INDEX IF NOT EXISTS logs_run_time ON logs (project, run_id, sort_time_unix_nano);
CREATE INDEX IF NOT EXISTS logs_trace ON logs (project, trace_id, span_id) WHERE trace_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS logs_event_name ON logs (project, left(event_name, 300), sort_time_unix_nano) WHERE event_name <> '';

-- A session (a conversation: gen_ai.conversation.id, session.id, …) and its rollups.
CREATE TABLE IF NOT EXISTS sessions (
  project              text    NOT NULL,
  session_id           text    NOT NULL,
  user_id              text,                       -- the latest user seen in the session
  first_time_unix_nano bigint  NOT NULL,           -- earliest span start
  last_time_unix_nano  bigint  NOT NULL,           -- latest span end
  trace_count          integer NOT NULL DEFAULT 0,
  llm_calls            integer NOT NULL DEFAULT 0,
  input_tokens         bigint  NOT NULL DEFAULT 0,
  output_tokens        bigint  NOT NULL DEFAULT 0,
  total_tokens         bigint  NOT NULL DEFAULT 0,
  cost_usd             double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (project, session_id)
);
CREATE INDEX IF NOT EXISTS sessions_last ON sessions (project, last_time_unix_nano DESC);

-- Which traces belong to a session.
CREATE TABLE IF NOT EXISTS session_traces (
  project    text  NOT NULL,
  session_id text  NOT NULL,
  trace_id   bytea NOT NULL,
  PRIMARY KEY (project, session_id, trace_id)
);

-- Usage and cost per model over time: LLM spans by start.
CREATE INDEX IF NOT EXISTS spans_ai_llm_start ON spans (project, start_time_unix_nano)
  INCLUDE (ai_model, ai_provider, ai_input_tokens, ai_output_tokens, ai_total_tokens, ai_cost_usd)
  WHERE ai_type = 'llm';

-- The query language (docs/query-language.md) on spans: the conditions the UI runs most must
-- find their spans through an index, not a scan. Each index costs ingest throughput; the cost of
-- these is measured in docs/benchmarks.md. Compiled queries use the very same expressions
-- (left(name, 300), jsonb containment) so that the planner can match them.
-- span.start ranges, and the newest-first order of GET /api/spans.
CREATE INDEX IF NOT EXISTS spans_start ON spans (project, start_time_unix_nano DESC);
-- span.name == "…" without a service (spans_service_name_start needs the service first).
CREATE INDEX IF NOT EXISTS spans_name_start ON spans (project, left(name, 300), start_time_unix_nano DESC);
-- span.status == error: error spans only, so it stays small.
CREATE INDEX IF NOT EXISTS spans_error_start ON spans (project, start_time_unix_nano DESC) WHERE status_code = 2;
-- span.attr.<key> == <value> (jsonb containment, @>). jsonb_path_ops: smaller and faster than the
-- default opclass, and containment is all the language asks of it.
CREATE INDEX IF NOT EXISTS spans_attributes ON spans USING gin (attributes jsonb_path_ops);
-- ai.model == "…": AI spans only.
CREATE INDEX IF NOT EXISTS spans_ai_model_start ON spans (project, ai_model, start_time_unix_nano DESC) WHERE ai_model IS NOT NULL;
-- trace.duration ranges (and minDuration/maxDuration): the expression the query compiles to. It also
-- gives the planner statistics on durations, so a rare duration is found, not walked to.
CREATE INDEX IF NOT EXISTS traces_duration ON traces (project, (end_time_unix_nano - start_time_unix_nano));

-- Deep merge of two JSON objects (b wins; nested objects merge), for run hparams.
CREATE OR REPLACE FUNCTION sightline_jsonb_merge(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN jsonb_typeof(a) = 'object' AND jsonb_typeof(b) = 'object' THEN
      (SELECT coalesce(jsonb_object_agg(key,
                CASE WHEN a ? key AND b ? key THEN sightline_jsonb_merge(a -> key, b -> key)
                     WHEN b ? key THEN b -> key ELSE a -> key END), '{}'::jsonb)
         FROM (SELECT jsonb_object_keys(a) AS key UNION SELECT jsonb_object_keys(b)) AS keys)
    ELSE coalesce(b, a)
  END
$$;
