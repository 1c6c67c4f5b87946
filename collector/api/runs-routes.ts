import express, { Router } from "express";
import { PermanentError } from "../errors.ts";
import { RUN_STATUSES } from "../normalize/run-identity.ts";
import type { PostgresLogReader } from "../storage/log-reader.ts";
import type { PostgresMetricReader } from "../storage/metric-reader.ts";
import type { PostgresRunReader, RunPatch, RunSort, RunSortField } from "../storage/run-reader.ts";
import { boundedKey, KEY_LIMITS } from "../normalize/bounded-key.ts";
import { projectParam, runIdParam } from "./project.ts";
import { boolParam, cursorParts, encodeCursor, enumParam, intParam, jsonObjectParam, listParam, optionalString, queryFilterParam, timeParam, type Query } from "./query-params.ts";
import { distributionJson, seriesSummaryJson } from "./render-metrics.ts";
import { logJson } from "./render-logs.ts";
import { contextJsonParam } from "./metrics-routes.ts";

/** Series listed with a run at most; GET /api/metrics?runs= reads any number. */
const SERIES_LIMIT = 10_000;

const SORT_FIELDS: readonly RunSortField[] = ["created", "updated", "ended", "name", "experiment", "status", "runId"];

export function runsRoutes(runs: PostgresRunReader, metrics: PostgresMetricReader, logs: PostgresLogReader): Router {
  const router = Router();

  router.get("/runs", async (req, res) => {
    const q = req.query as Query;
    const limit = intParam(q, "limit", 100, 1, 1000);
    const offset = Number(cursorParts(q, "cursor", /^(\d{1,9})$/)?.[0] ?? 0);
    const start = timeParam(q, "start");
    const end = timeParam(q, "end");
    const archived = optionalString(q, "archived") === "all" ? "all" : boolParam(q, "archived");
    const { runs: page, total } = await runs.findRuns({
      project: projectParam(q),
      experiment: bounded(optionalString(q, "experiment"), KEY_LIMITS.experiment),
      tags: listParam(q, "tag", "tags")?.map((t) => boundedKey(t, KEY_LIMITS.tag)),
      status: enumParam(q, "status", RUN_STATUSES),
      createdFrom: start === undefined ? undefined : new Date(Number(start / 1_000_000n)),
      createdTo: end === undefined ? undefined : new Date(Number(end / 1_000_000n)),
      archived,
      search: optionalString(q, "search") || undefined,
      sort: sortParam(q),
      limit,
      offset,
      filter: queryFilterParam(q, "runs"),
    });
    res.json({ runs: page, total, nextCursor: offset + page.length < total ? encodeCursor(offset + page.length) : null });
  });

  router.get("/runs/:runId", async (req, res) => {
    const project = projectParam(req.query as Query);
    const run = await runs.getRun(project, runIdParam(req.params.runId));
    if (!run) throw new PermanentError("run not found", 404);
    // A run with more series than this (a context per request id …) says so rather than hiding the rest.
    const series = await metrics.findSeries({ project, runIds: [run.runId], limit: SERIES_LIMIT + 1 });
    const shown = series.slice(0, SERIES_LIMIT);
    res
      .type("application/json")
      .send(`{"run":${JSON.stringify(run)},"series":[${shown.map(seriesSummaryJson).join(",")}],"seriesTruncated":${series.length > SERIES_LIMIT}}`);
  });

  router.patch("/runs/:runId", express.json({ limit: "1mb" }), async (req, res) => {
    const patch = runPatch(req.body);
    const run = await runs.patchRun(projectParam(req.query as Query), runIdParam(req.params.runId), patch);
    if (!run) throw new PermanentError("run not found", 404);
    res.json({ run });
  });

  router.get("/runs/:runId/logs", async (req, res) => {
    const q = req.query as Query;
    const after = cursorParts(q, "cursor", /^(\d{1,19}):([0-9a-f]{32})$/);
    const page = await logs.findLogs({
      project: projectParam(q),
      runId: runIdParam(req.params.runId),
      minSeverity: q.minSeverity === undefined ? undefined : intParam(q, "minSeverity", 0, 0, 24),
      eventName: optionalString(q, "eventName"),
      limit: intParam(q, "limit", 200, 1, 5000),
      after: after && { sortTimeUnixNano: BigInt(after[0]!), logId: after[1]! },
    });
    res
      .type("application/json")
      .send(`{"logs":[${page.logs.map(logJson).join(",")}],"nextCursor":${page.next ? JSON.stringify(encodeCursor(page.next.sortTimeUnixNano, page.next.logId)) : "null"}}`);
  });

  router.get("/runs/:runId/distributions", async (req, res) => {
    const q = req.query as Query;
    const project = projectParam(q);
    const series = await metrics.findSeries({
      project,
      runIds: [runIdParam(req.params.runId)],
      names: listParam(q, "name", "names"),
      context: contextJsonParam(jsonObjectParam(q, "context")),
      kinds: ["histogram", "exponential_histogram", "summary"],
      limit: 1000,
    });
    const rows = await metrics.readDistributions(project, series.map((s) => s.seriesId));
    const parts = series.map((s) => `{"series":${seriesSummaryJson(s)},"distributions":[${(rows.get(s.seriesId) ?? []).map(distributionJson).join(",")}]}`);
    res.type("application/json").send(`{"distributions":[${parts.join(",")}]}`);
  });

  return router;
}

function bounded(value: string | undefined, max: number): string | undefined {
  return value === undefined ? undefined : boundedKey(value, max);
}

/** sort=created (ascending) or sort=-created (descending); sort=hparams.optimizer.lr sorts by an hparam. Default: newest first. */
function sortParam(q: Query): RunSort {
  const s = optionalString(q, "sort") || "-created";
  const descending = s.startsWith("-");
  const name = descending ? s.slice(1) : s;
  if (name.startsWith("hparams.") && name.length > "hparams.".length) return { field: { hparam: name.slice("hparams.".length).split(".") }, descending };
  if ((SORT_FIELDS as readonly string[]).includes(name)) return { field: name as RunSortField, descending };
  throw new PermanentError(`sort must be one of ${SORT_FIELDS.join(", ")} or hparams.<path>, optionally prefixed with "-"`);
}

function runPatch(body: unknown): RunPatch {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new PermanentError("the body must be a JSON object");
  const patch: RunPatch = {};
  for (const [key, value] of Object.entries(body)) {
    switch (key) {
      case "name":
        if (value !== null && (typeof value !== "string" || value.length > 1000)) throw new PermanentError("name must be a string (at most 1000 characters) or null");
        patch.name = value === null ? null : value.trim() || null;
        break;
      case "tags":
        if (value !== null && (!Array.isArray(value) || value.some((t) => typeof t !== "string" || t.trim() === "" || t.length > 200))) {
          throw new PermanentError("tags must be an array of non-empty strings or null");
        }
        patch.tags = value === null ? null : (value as string[]).map((t) => t.trim());
        break;
      case "description":
        if (typeof value !== "string" || value.length > 100_000) throw new PermanentError("description must be a string");
        patch.description = value;
        break;
      case "archived":
        if (typeof value !== "boolean") throw new PermanentError("archived must be true or false");
        patch.archived = value;
        break;
      default:
        throw new PermanentError(`a run has no editable field "${key}" (editable: name, tags, description, archived)`);
    }
  }
  return patch;
}
