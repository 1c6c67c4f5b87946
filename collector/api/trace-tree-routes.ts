import { Router } from "express";
import type { SpanTreeColumns } from "./span-tree-columns.ts";
import type pg from "pg";
import { PermanentError } from "../errors.ts";
import { SPAN_KIND_NAMES, STATUS_CODE_NAMES } from "../model/trace.ts";
import { readSpanTree, searchSpans, type SpanTreeRow } from "../storage/span-tree-reader.ts";
import { PostgresTraceReader } from "../storage/trace-reader.ts";
import { projectParam } from "./project.ts";
import { intParam, optionalString, traceIdParam, type Query } from "./query-params.ts";
import { renderTraceJson } from "./render-trace.ts";

/**
 * What the trace view reads, so a 100,000-span trace opens fast:
 * - GET /api/traces/{traceId}/tree: the span tree as index-aligned columns, no attributes;
 * - GET /api/traces/{traceId}/spans/{spanId}: one span with everything, fetched on selection;
 * - GET /api/traces/{traceId}/search?text=: ids of spans whose name, attributes or events contain
 *   the text, for the trace view's search (which matches names and services itself).
 */
export function traceTreeRoutes(pool: pg.Pool): Router {
  const router = Router();
  const traces = new PostgresTraceReader(pool);

  router.get("/traces/:traceId/tree", async (req, res) => {
    const traceId = traceIdParam(req.params.traceId);
    const rows = await readSpanTree(pool, projectParam(req.query as Query), traceId);
    if (rows.length === 0) throw new PermanentError("trace not found", 404);
    res.type("application/json").send(JSON.stringify(treeColumns(traceId, rows)));
  });

  router.get("/traces/:traceId/search", async (req, res) => {
    const q = req.query as Query;
    const traceId = traceIdParam(req.params.traceId);
    const text = optionalString(q, "text") ?? "";
    if (text.trim().length === 0 || text.length > 1000) throw new PermanentError("text must be 1 to 1000 characters");
    const limit = intParam(q, "limit", 10_000, 1, 100_000);
    const spanIds = await searchSpans(pool, projectParam(q), traceId, text, limit + 1);
    res.json({ spanIds: spanIds.slice(0, limit), more: spanIds.length > limit });
  });

  router.get("/traces/:traceId/spans/:spanId", async (req, res) => {
    const traceId = traceIdParam(req.params.traceId);
    const spanId = req.params.spanId ?? "";
    if (!/^[0-9a-fA-F]{16}$/.test(spanId)) throw new PermanentError("span id must be 16 hex digits");
    const found = await traces.getTrace(projectParam(req.query as Query), traceId, spanId.toLowerCase());
    if (!found) throw new PermanentError("span not found", 404);
    // The trace renderer's one span (with its `ai` object when it is an AI span).
    const rendered = renderTraceJson(found);
    res.type("application/json").send(rendered.slice(rendered.indexOf('"spans":[') + '"spans":['.length, -2));
  });

  return router;
}


export function treeColumns(traceId: string, rows: SpanTreeRow[]): SpanTreeColumns {
  const t0 = rows.reduce((min, r) => (BigInt(r.start_time_unix_nano) < min ? BigInt(r.start_time_unix_nano) : min), BigInt(rows[0]!.start_time_unix_nano));
  const index = new Map<string, number>();
  rows.forEach((r, i) => index.set(r.span_id, i));
  const names = new Table();
  const services = new Table();
  const out: SpanTreeColumns = {
    traceId,
    startTimeUnixNano: String(t0),
    spanCount: rows.length,
    spanId: [],
    parent: [],
    name: [],
    names: names.values,
    service: [],
    services: services.values,
    kind: [],
    kindNames: [...SPAN_KIND_NAMES],
    start: [],
    duration: [],
    status: [],
    statusNames: [...STATUS_CODE_NAMES],
    aiType: [],
    aiModel: [],
    aiTokens: [],
    aiCostUsd: [],
  };
  for (const r of rows) {
    const start = BigInt(r.start_time_unix_nano);
    const end = BigInt(r.end_time_unix_nano);
    out.spanId.push(r.span_id);
    out.parent.push(r.parent_span_id === "" ? -1 : (index.get(r.parent_span_id) ?? -1));
    out.name.push(names.id(r.name));
    out.service.push(services.id(r.service_name));
    out.kind.push(r.kind);
    out.start.push(Number(start - t0));
    out.duration.push(end > start ? Number(end - start) : 0);
    out.status.push(r.status_code);
    out.aiType.push(r.ai_type);
    out.aiModel.push(r.ai_model);
    out.aiTokens.push(r.ai_total_tokens === null ? null : Number(r.ai_total_tokens));
    out.aiCostUsd.push(r.ai_cost_usd);
  }
  return out;
}

class Table {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();
  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) this.ids.set(value, (id = this.values.push(value) - 1));
    return id;
  }
}
