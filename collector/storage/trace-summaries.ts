import type pg from "pg";
import { STATUS_CODE_ERROR } from "../model/trace.ts";
import { storableString } from "./stored-json.ts";
import type { NormalizedTraceBatch } from "./trace-records.ts";

/**
 * The per-trace summary rows (table traces) and how newly stored spans fold into them. Two write
 * paths share the fold: the staged path derives each trace's contribution in SQL from the rows
 * an INSERT … ON CONFLICT DO NOTHING really inserted; the direct-COPY path, which stores every
 * span of its group, derives the same contribution here from the spans themselves.
 */

/** What a set of new spans adds to one trace's summary; strings as stored (storableString). */
export interface TraceRollup {
  project: string;
  traceId: string;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  spanCount: number;
  errorCount: number;
  serviceNames: Set<string>;
  /** The root candidate: first by (has a parent, start, span id), as the SQL orders it. */
  rootSpanId: string;
  rootIsParentless: boolean;
  rootName: string;
  rootServiceName: string;
  rootStartTimeUnixNano: bigint;
}

/** Adds a batch's spans to `into` (keyed by project and trace id). */
export function rollUpTraces(batch: NormalizedTraceBatch, into: Map<string, TraceRollup> = new Map()): Map<string, TraceRollup> {
  for (const rs of batch.resourceSpans) {
    const project = storableString(rs.project);
    const serviceName = storableString(rs.serviceName);
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        const key = project + "\u0000" + s.traceId;
        const r = into.get(key);
        const parentless = s.parentSpanId === "";
        if (r === undefined) {
          into.set(key, {
            project,
            traceId: s.traceId,
            startTimeUnixNano: s.startTimeUnixNano,
            endTimeUnixNano: s.endTimeUnixNano,
            spanCount: 1,
            errorCount: s.status.code === STATUS_CODE_ERROR ? 1 : 0,
            serviceNames: new Set([serviceName]),
            rootSpanId: s.spanId,
            rootIsParentless: parentless,
            rootName: storableString(s.name),
            rootServiceName: serviceName,
            rootStartTimeUnixNano: s.startTimeUnixNano,
          });
          continue;
        }
        if (s.startTimeUnixNano < r.startTimeUnixNano) r.startTimeUnixNano = s.startTimeUnixNano;
        if (s.endTimeUnixNano > r.endTimeUnixNano) r.endTimeUnixNano = s.endTimeUnixNano;
        r.spanCount++;
        if (s.status.code === STATUS_CODE_ERROR) r.errorCount++;
        r.serviceNames.add(serviceName);
        if (ranksFirst(parentless, s.startTimeUnixNano, s.spanId, r)) {
          r.rootSpanId = s.spanId;
          r.rootIsParentless = parentless;
          r.rootName = storableString(s.name);
          r.rootServiceName = serviceName;
          r.rootStartTimeUnixNano = s.startTimeUnixNano;
        }
      }
    }
  }
  return into;
}

/** Merges several requests' rollups (a group commit), without changing them. */
export function mergeRollups(parts: Iterable<Map<string, TraceRollup>>): TraceRollup[] {
  const out = new Map<string, TraceRollup>();
  for (const part of parts) {
    for (const [key, r] of part) {
      const found = out.get(key);
      if (found) mergeRollup(found, r);
      else out.set(key, { ...r, serviceNames: new Set(r.serviceNames) });
    }
  }
  return [...out.values()];
}

function mergeRollup(into: TraceRollup, r: TraceRollup): void {
  if (r.startTimeUnixNano < into.startTimeUnixNano) into.startTimeUnixNano = r.startTimeUnixNano;
  if (r.endTimeUnixNano > into.endTimeUnixNano) into.endTimeUnixNano = r.endTimeUnixNano;
  into.spanCount += r.spanCount;
  into.errorCount += r.errorCount;
  for (const name of r.serviceNames) into.serviceNames.add(name);
  if (ranksFirst(r.rootIsParentless, r.rootStartTimeUnixNano, r.rootSpanId, into)) {
    into.rootSpanId = r.rootSpanId;
    into.rootIsParentless = r.rootIsParentless;
    into.rootName = r.rootName;
    into.rootServiceName = r.rootServiceName;
    into.rootStartTimeUnixNano = r.rootStartTimeUnixNano;
  }
}

/**
 * Whether a span ranks before the current root candidate, as SQL's `ORDER BY parent_span_id IS
 * NOT NULL, start_time_unix_nano, span_id` (ids are lowercase hex of one length: text order is byte order).
 */
function ranksFirst(parentless: boolean, start: bigint, spanId: string, r: TraceRollup): boolean {
  if (parentless !== r.rootIsParentless) return parentless;
  if (start !== r.rootStartTimeUnixNano) return start < r.rootStartTimeUnixNano;
  return spanId < r.rootSpanId;
}

/** The new candidate becomes the root if it ranks first by (has a parent, start, span id). */
const ROOT_WINS = `(NOT EXCLUDED.root_is_parentless, EXCLUDED.root_start_time_unix_nano, EXCLUDED.root_span_id)
        < (NOT t.root_is_parentless, t.root_start_time_unix_nano, t.root_span_id)`;

/** Folds a contribution (EXCLUDED) into an existing summary row (t). */
export const MERGE_TRACE_SUMMARY = `
ON CONFLICT (project, trace_id) DO UPDATE SET
  start_time_unix_nano = LEAST(t.start_time_unix_nano, EXCLUDED.start_time_unix_nano),
  end_time_unix_nano   = GREATEST(t.end_time_unix_nano, EXCLUDED.end_time_unix_nano),
  span_count           = t.span_count + EXCLUDED.span_count,
  error_count          = t.error_count + EXCLUDED.error_count,
  service_names        = CASE WHEN EXCLUDED.service_names <@ t.service_names THEN t.service_names
                              ELSE ARRAY(SELECT DISTINCT u FROM unnest(t.service_names || EXCLUDED.service_names) AS u ORDER BY u) END,
  root_span_id              = CASE WHEN ${ROOT_WINS} THEN EXCLUDED.root_span_id ELSE t.root_span_id END,
  root_is_parentless        = CASE WHEN ${ROOT_WINS} THEN EXCLUDED.root_is_parentless ELSE t.root_is_parentless END,
  root_name                 = CASE WHEN ${ROOT_WINS} THEN EXCLUDED.root_name ELSE t.root_name END,
  root_service_name         = CASE WHEN ${ROOT_WINS} THEN EXCLUDED.root_service_name ELSE t.root_service_name END,
  root_start_time_unix_nano = CASE WHEN ${ROOT_WINS} THEN EXCLUDED.root_start_time_unix_nano ELSE t.root_start_time_unix_nano END,
  updated_at = now()`;

export const TRACE_SUMMARY_COLUMNS = `project, trace_id, start_time_unix_nano, end_time_unix_nano, span_count, error_count, service_names,
                         root_span_id, root_is_parentless, root_name, root_service_name, root_start_time_unix_nano`;

/**
 * Upserts rollups computed in JS, ordered by key like the staged path, so concurrent transactions
 * lock summary rows in one order. Service names are sorted and made distinct by Postgres, so their
 * order is the database's collation, as in the staged path.
 */
export async function upsertTraceRollups(client: pg.PoolClient, rollups: TraceRollup[]): Promise<void> {
  if (rollups.length === 0) return;
  await client.query(
    `INSERT INTO traces AS t (${TRACE_SUMMARY_COLUMNS})
     SELECT p, decode(id, 'hex'), s, e, n, x, ARRAY(SELECT DISTINCT u FROM json_array_elements_text(sv::json) AS u ORDER BY u),
            decode(rid, 'hex'), rp, rn, rsv, rs
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::int[], $6::int[], $7::text[], $8::text[], $9::bool[], $10::text[], $11::text[], $12::bigint[])
            AS r(p, id, s, e, n, x, sv, rid, rp, rn, rsv, rs)
      ORDER BY 1, 2
     ${MERGE_TRACE_SUMMARY}`,
    [
      rollups.map((r) => r.project),
      rollups.map((r) => r.traceId),
      rollups.map((r) => r.startTimeUnixNano.toString()),
      rollups.map((r) => r.endTimeUnixNano.toString()),
      rollups.map((r) => r.spanCount),
      rollups.map((r) => r.errorCount),
      rollups.map((r) => JSON.stringify([...r.serviceNames])),
      rollups.map((r) => r.rootSpanId),
      rollups.map((r) => r.rootIsParentless),
      rollups.map((r) => r.rootName),
      rollups.map((r) => r.rootServiceName),
      rollups.map((r) => r.rootStartTimeUnixNano.toString()),
    ],
  );
}
