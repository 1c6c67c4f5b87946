import type pg from "pg";
import type { JsonObject, JsonValue, ProjectRun, RunInfo } from "../normalize/run-identity.ts";
import { attributesJson, storableString } from "./stored-json.ts";

/**
 * Creates or updates the runs a transaction touches, before anything else it writes, ordered by
 * key, so concurrent transactions of every signal take run locks in one order. Fields the data does
 * not state stay as they are; hparams deep-merge; the status only moves forward (running →
 * finished or failed), and ended_at is set when it does.
 */
export async function upsertRuns(client: pg.PoolClient, runs: Iterable<ProjectRun>): Promise<void> {
  const merged = mergeRuns(runs);
  if (merged.length === 0) return;
  merged.sort((a, b) => (a.project + "\0" + a.runId < b.project + "\0" + b.runId ? -1 : 1));
  await client.query(
    `INSERT INTO runs AS r (project, run_id, implicit, name, experiment, tags, status, hparams, resource_attributes, ended_at)
     SELECT p, id, imp, n, e, CASE WHEN t IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(t)) END,
            coalesce(s, 'running'), coalesce(h, '{}'), coalesce(ra, '{}'), CASE WHEN s IN ('finished', 'failed') THEN now() END
       FROM unnest($1::text[], $2::text[], $3::bool[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::jsonb[], $9::jsonb[])
            WITH ORDINALITY AS u(p, id, imp, n, e, t, s, h, ra, ord)
      ORDER BY ord
     ON CONFLICT (project, run_id) DO UPDATE SET
       implicit   = r.implicit AND EXCLUDED.implicit,
       name       = coalesce(EXCLUDED.name, r.name),
       experiment = coalesce(EXCLUDED.experiment, r.experiment),
       tags       = coalesce(EXCLUDED.tags, r.tags),
       hparams    = CASE WHEN EXCLUDED.hparams = '{}' THEN r.hparams ELSE sightline_jsonb_merge(r.hparams, EXCLUDED.hparams) END,
       resource_attributes = CASE WHEN EXCLUDED.resource_attributes = '{}' THEN r.resource_attributes ELSE EXCLUDED.resource_attributes END,
       status     = CASE WHEN r.status = 'running' THEN EXCLUDED.status ELSE r.status END,
       ended_at   = CASE WHEN r.status = 'running' AND EXCLUDED.status <> 'running' THEN now() ELSE r.ended_at END,
       updated_at = now()`,
    [
      merged.map((r) => storableString(r.project)),
      merged.map((r) => storableString(r.runId)),
      merged.map((r) => r.implicit),
      merged.map((r) => (r.name === undefined ? null : storableString(r.name))),
      merged.map((r) => (r.experiment === undefined ? null : storableString(r.experiment))),
      merged.map((r) => (r.tags === undefined ? null : JSON.stringify(r.tags.map(storableString)))),
      merged.map((r) => r.status ?? null),
      merged.map((r) => (r.hparams === undefined ? null : storableJson(r.hparams))),
      merged.map((r) => (r.resourceAttributes === undefined ? null : attributesJson(r.resourceAttributes))),
    ],
  );
}

/** Several resources of one request may name the same run: later statements win, hparams merge. */
function mergeRuns(runs: Iterable<ProjectRun>): ProjectRun[] {
  const byKey = new Map<string, ProjectRun>();
  for (const run of runs) {
    const key = run.project + "\0" + run.runId;
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, { ...run });
      continue;
    }
    byKey.set(key, {
      ...prev,
      ...definedFields(run),
      implicit: prev.implicit && run.implicit,
      hparams: prev.hparams && run.hparams ? deepMerge(prev.hparams, run.hparams) : (run.hparams ?? prev.hparams),
      status: rank(run.status) > rank(prev.status) ? run.status : prev.status,
    });
  }
  return [...byKey.values()];
}

/** The merge sightline_jsonb_merge (schema.sql) does in the database: b wins, nested objects merge, arrays are leaves. */
function deepMerge(a: JsonObject, b: JsonObject): JsonObject {
  const merged = new Map(Object.entries(a));
  for (const [key, value] of Object.entries(b)) {
    const prev = merged.get(key);
    merged.set(key, isObject(prev) && isObject(value) ? deepMerge(prev, value) : value);
  }
  return Object.fromEntries(merged);
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function definedFields(run: ProjectRun): Partial<ProjectRun> {
  return Object.fromEntries(Object.entries(run).filter(([, v]) => v !== undefined)) as Partial<ProjectRun>;
}

function rank(status: RunInfo["status"]): number {
  return status === undefined ? -1 : status === "running" ? 0 : 1;
}

/** JSON text Postgres can store (no U+0000 or lone surrogates in any string). */
function storableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "string" ? storableString(v) : v));
}
