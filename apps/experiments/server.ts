import { Router } from "express";
import type { AppServerContext } from "../../collector/api/app-routes.ts";

/**
 * Server routes of the experiments app, under /api/apps/experiments: the vocabularies its pickers
 * offer (metric names, hparam paths), computed in Postgres rather than by loading every run.
 */
export default function experimentsRoutes(ctx: AppServerContext): Router {
  const router = Router();

  /** Metric names with how many runs and series have them: the explorer's metric picker. */
  router.get("/metric-names", async (req, res) => {
    const { rows } = await ctx.pool.query<{ name: string; kind: string; runs: number; series: number }>(
      `SELECT name, min(kind) AS kind, count(DISTINCT run_id)::int AS runs, count(*)::int AS series
         FROM metric_series WHERE project = $1 GROUP BY name ORDER BY name LIMIT 10000`,
      [ctx.project(req)],
    );
    res.json({ names: rows });
  });

  /** Every leaf path in the runs' hparams with how many runs set it: the runs table's column chooser. */
  router.get("/hparam-paths", async (req, res) => {
    const { rows } = await ctx.pool.query<{ path: string; runs: number }>(
      `WITH RECURSIVE walk(run_id, path, value) AS (
         SELECT run_id, ARRAY[key], value FROM runs, jsonb_each(CASE WHEN jsonb_typeof(hparams) = 'object' THEN hparams ELSE '{}' END) WHERE project = $1 AND NOT archived
         UNION ALL
         SELECT w.run_id, w.path || e.key, e.value
           FROM walk w, jsonb_each(CASE WHEN jsonb_typeof(w.value) = 'object' THEN w.value ELSE '{}' END) e
          WHERE array_length(w.path, 1) < 16
       )
       SELECT array_to_string(path, '.') AS path, count(DISTINCT run_id)::int AS runs
         FROM walk WHERE jsonb_typeof(value) <> 'object' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 2000`,
      [ctx.project(req)],
    );
    res.json({ paths: rows });
  });

  return router;
}
