import type pg from "pg";
import { axisPoints, fillMissingSteps } from "../../collector/api/downsample.ts";
import { seriesPointsJson } from "../../collector/api/render-metrics.ts";
import { PostgresMetricReader } from "../../collector/storage/metric-reader.ts";

/**
 * Where a GET /api/metrics answer's time goes, measured in this process with the collector's own
 * code on the same database, stage by stage (the route does exactly these steps in order):
 * find the series, read the points (binary COPY), M4 (or ordering) and rendering the JSON text.
 * Median over `repeat` rounds, milliseconds.
 */
export interface QueryBreakdown {
  label: string;
  findSeries: number;
  readPoints: number;
  downsample: number;
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
    const columns = await reader.readPoints(project, series.map((s) => s.seriesId));
    const t2 = performance.now();
    const picked = series.map((s) => {
      const cols = columns.get(s.seriesId)!;
      fillMissingSteps(cols);
      return axisPoints(cols, "step", maxPoints);
    });
    const t3 = performance.now();
    const text = `{"x":"step","series":[${series.map((s, k) => seriesPointsJson(s, columns.get(s.seriesId)!, "step", picked[k]!)).join(",")}]}`;
    const t4 = performance.now();
    if (text.length === 0) throw new Error("empty answer");
    if (i > 0) rounds.push({ label, findSeries: t1 - t0, readPoints: t2 - t1, downsample: t3 - t2, render: t4 - t3, total: t4 - t0 });
  }
  const median = (pick: (b: QueryBreakdown) => number): number => {
    const v = rounds.map(pick).sort((a, b) => a - b);
    return v[Math.floor((v.length - 1) / 2)]!;
  };
  return {
    label,
    findSeries: median((b) => b.findSeries),
    readPoints: median((b) => b.readPoints),
    downsample: median((b) => b.downsample),
    render: median((b) => b.render),
    total: median((b) => b.total),
  };
}
