import { Router } from "express";
import { PermanentError } from "../errors.ts";
import { KvList, type AnyValue } from "../model/any-value.ts";
import { contextJson } from "../normalize/normalize-metrics.ts";
import { ATTR } from "../normalize/sightline-attributes.ts";
import type { PostgresMetricReader } from "../storage/metric-reader.ts";
import type { XAxis } from "./downsample.ts";
import { pickPoints } from "./pick-points.ts";
import { projectParam, runIdParam } from "./project.ts";
import { enumParam, intParam, jsonObjectParam, listParam, queryFilterParam, type Query } from "./query-params.ts";
import { seriesPointsJson } from "./render-metrics.ts";

/**
 * GET /api/metrics: series (run, name, context) with their points, for charts. Server-side
 * downsampling (M4, see downsample.ts) with points=N; full resolution without it.
 */
export function metricsRoutes(metrics: PostgresMetricReader): Router {
  const router = Router();
  router.get("/metrics", async (req, res) => {
    const q = req.query as Query;
    const runIds = listParam(q, "runs", "run")?.map(runIdParam);
    const names = listParam(q, "names", "name");
    const filter = queryFilterParam(q, "metrics");
    if (!runIds && !names && !filter) throw new PermanentError("give runs=<id,…>, names=<metric,…> and/or q=<query>");
    const project = projectParam(q);
    const axis = enumParam(q, "x", ["step", "epoch", "time"] as const) ?? "step";
    const maxPoints = intParam(q, "points", 0, 0, 1_000_000);
    const series = await metrics.findSeries({
      project,
      runIds,
      names,
      context: contextJsonParam(jsonObjectParam(q, "context")),
      kinds: ["gauge", "sum"],
      limit: intParam(q, "limit", 1000, 1, 10_000),
      filter,
    });
    const picked = await pickPoints(metrics, project, series, axis, maxPoints);
    const parts = series.map((s) => {
      const p = picked.get(s.seriesId)!;
      return seriesPointsJson(s, p.cols, axis, p.points, p.total);
    });
    res.type("application/json").send(`{"x":"${axis}","series":[${parts.join(",")}]}`);
  });
  return router;
}

/** A context filter given as plain JSON, in the stored form (so {"epoch": 1} matches the integer 1). */
export function contextJsonParam(context: Record<string, unknown> | undefined): string | undefined {
  if (!context) return undefined;
  // Step and epoch are never part of a context (docs/mapping.md): filtering on them would match nothing, silently.
  for (const key of [ATTR.step, ATTR.epoch]) {
    if (Object.hasOwn(context, key)) throw new PermanentError(`context cannot hold ${key}: steps and epochs are point fields, not context`);
  }
  return contextJson(Object.entries(context).map(([key, value]) => ({ key, value: plainToValue(value) })));
}

function plainToValue(v: unknown): AnyValue {
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(plainToValue);
  if (typeof v === "object") return new KvList(Object.entries(v as object).map(([key, value]) => ({ key, value: plainToValue(value) })));
  throw new PermanentError("context values must be JSON");
}
