-- Sightline schema: the whole of it, for a human to read.
--
-- Applied at every start by collector/storage/migrate.ts, under an advisory lock, and safe to
-- re-run: every statement is idempotent (IF NOT EXISTS). The version below is recorded in
-- sightline_schema; a database at an older version first gets the steps in
-- collector/storage/migrations/ (non-idempotent changes only), then this file.
--
-- Conventions
-- * Every row belongs to a project (tenant); every key and every index starts with it.
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
-- schema-version: 1

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
  dropped_attributes_count integer NOT NULL DEFAULT 0,
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
  dropped_attributes_count integer NOT NULL DEFAULT 0,
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
  dropped_attributes_count integer  NOT NULL DEFAULT 0,
  events                   jsonb    NOT NULL,  -- [{"timeUnixNano": "…", "name", "attributes", "droppedAttributesCount"}]
  dropped_events_count     integer  NOT NULL DEFAULT 0,
  links                    jsonb    NOT NULL,  -- [{"traceId", "spanId", "traceState", "flags", "attributes", "droppedAttributesCount"}]
  dropped_links_count      integer  NOT NULL DEFAULT 0,
  resource_id              bytea    NOT NULL,  -- → resources
  scope_id                 bytea    NOT NULL,  -- → scopes
  received_at              timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project, trace_id, span_id)
);

-- "Traces with a span of this service and name, newest first."
CREATE INDEX IF NOT EXISTS spans_service_name_start
  ON spans (project, service_name, name, start_time_unix_nano DESC);

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
  PRIMARY KEY (project, trace_id)
) WITH (fillfactor = 80);  -- room for HOT updates as late spans arrive

-- The trace list: newest first, keyset-paginated on (start, trace id).
CREATE INDEX IF NOT EXISTS traces_start
  ON traces (project, start_time_unix_nano DESC, trace_id DESC);
CREATE INDEX IF NOT EXISTS traces_service_names
  ON traces USING gin (service_names);
