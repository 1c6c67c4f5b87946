import type pg from "pg";
import { pickPoints } from "../../collector/api/pick-points.ts";
import { seriesPointsJson } from "../../collector/api/render-metrics.ts";
import { PostgresMetricReader } from "../../collector/storage/metric-reader.ts";

/**
 * Where a GET /api/metrics answer's time goes, measured in this process with the collector's own
 * code on the same database, stage by stage (the route does exactly these steps in order):
 * find the series, pick the points to show (read the tiles or every point, M4) and render the JSON text.
 * Median over `repeat` rounds, milliseconds.
 */
export interface QueryBreakdown {
  label: string;
  findSeries: number;
  pickPoints: number;
  render: number;
  total: number;
}

export async function queryBreakdown(pool: pg.Pool, label: string, project: string, runIds: string[], names: string[], maxPoints: number, repeat: number): Promise<QueryBreakdown> {
  const reader = new PostgresMetricReader(pool);
  const rounds: QueryBreakdown[] = [];
  for (let i = 0; i < repeat + 1; i++) {
    const t0 = performance.now();
    const series = await reader.findSeries({ project, runIds, names, kinds: ["gauge", "sum"], limit: 1000 });
    const t1 = performance.now();
    const picked = await pickPoints(reader, project, series, "step", maxPoints);
    const t2 = performance.now();
    const parts = series.map((s) => {
      const p = picked.get(s.seriesId)!;
      return seriesPointsJson(s, p.cols, "step", p.points, p.total);
    });
    const text = `{"x":"step","series":[${parts.join(",")}]}`;
    const t3 = performance.now();
    if (text.length === 0) throw new Error("empty answer");
    if (i > 0) rounds.push({ label, findSeries: t1 - t0, pickPoints: t2 - t1, render: t3 - t2, total: t3 - t0 });
  }
  const median = (pick: (b: QueryBreakdown) => number): number => {
    const v = rounds.map(pick).sort((a, b) => a - b);
    return v[Math.floor((v.length - 1) / 2)]!;
  };
  return {
    label,
    findSeries: median((b) => b.findSeries),
    pickPoints: median((b) => b.pickPoints),
    render: median((b) => b.render),
    total: median((b) => b.total),
  };
}
