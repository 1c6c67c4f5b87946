import type pg from "pg";
import { METRIC, PROJECT, expectedAggregates, runId, type Workload } from "./workload.ts";

/**
 * After a phase: metric_points must hold exactly the points sent, and each series' aggregates
 * (point count, min, max, last step and value) and tiles' point counts must be exact. Returns "ok" or what is wrong.
 */
export async function verifyStored(pool: pg.Pool, w: Workload): Promise<{ storedPoints: number; check: string }> {
  const storedPoints = Number((await pool.query<{ n: string }>("SELECT count(*) AS n FROM metric_points")).rows[0]!.n);
  const problems: string[] = [];
  if (storedPoints !== w.runs * w.steps) problems.push(`${storedPoints} rows in metric_points, ${w.runs * w.steps} points sent`);
  const { rows } = await pool.query<{ run_id: string; point_count: string; min_value: number; max_value: number; last_step: string; last_value: number; n: string; tiled: string }>(
    `SELECT s.run_id, s.point_count, s.min_value, s.max_value, s.last_step, s.last_value,
            (SELECT count(*) FROM metric_points p WHERE p.project = s.project AND p.series_id = s.series_id) AS n,
            (SELECT coalesce(sum(point_count), 0) FROM metric_tiles t WHERE t.project = s.project AND t.series_id = s.series_id) AS tiled
       FROM metric_series s WHERE s.project = $1 AND s.name = $2`,
    [PROJECT, METRIC],
  );
  if (rows.length !== w.runs) problems.push(`${rows.length} series, expected ${w.runs}`);
  const byRun = new Map(rows.map((r) => [r.run_id, r]));
  let wrong = 0;
  for (let run = 0; run < w.runs; run++) {
    const r = byRun.get(runId(run));
    const e = expectedAggregates(run, w.steps);
    if (!r) continue;
    const ok =
      Number(r.point_count) === e.count && Number(r.n) === e.count && Number(r.tiled) === e.count && r.min_value === e.min && r.max_value === e.max &&
      Number(r.last_step) === e.lastStep && r.last_value === e.lastValue;
    if (!ok) {
      if (wrong++ === 0) problems.push(`series of ${runId(run)}: ${JSON.stringify(r)} vs expected ${JSON.stringify(e)}`);
    }
  }
  if (wrong > 1) problems.push(`${wrong} series with wrong aggregates`);
  return { storedPoints, check: problems.length === 0 ? "ok" : `MISMATCH: ${problems.join("; ")}` };
}

/** Empties what the phases write, and checkpoints, so each phase starts from the same state. */
export async function resetMetricTables(pool: pg.Pool): Promise<void> {
  await pool.query("TRUNCATE metric_points, metric_tiles, metric_series, metric_distributions, runs, resources, logs");
  await pool.query("CHECKPOINT");
}
