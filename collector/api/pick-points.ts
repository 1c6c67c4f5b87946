import type { PointColumns, PostgresMetricReader, SeriesInfo } from "../storage/metric-reader.ts";
import { TILE_STEPS } from "../storage/metric-tiles.ts";
import { axisPoints, fillMissingSteps, stepAlignedM4, tileBucketWidth, type AxisPoints, type XAxis } from "./downsample.ts";

export interface Picked {
  cols: PointColumns;
  points: AxisPoints;
  /** How many points the series has. */
  total: number;
}

/**
 * Each series' points to show. A downsampled step chart of a long series is drawn from its tiles
 * (storage/metric-tiles.ts) when they hold all its points and its buckets can be whole tiles: the
 * same M4 points, from one row per tile instead of every point. So is a time (epoch) chart of a
 * series whose time (epoch) never decreases in step order: its step buckets are then time (epoch)
 * ranges too, each keeping its first, last, lowest and highest point. Otherwise every point is read.
 */
export async function pickPoints(metrics: PostgresMetricReader, project: string, series: SeriesInfo[], axis: XAxis, maxPoints: number): Promise<Map<string, Picked>> {
  const out = new Map<string, Picked>();
  const tiled = (s: SeriesInfo): boolean => axis === "step" || (axis === "time" ? s.timeInStepOrder : s.epochInStepOrder);
  const long = maxPoints > 0 ? series.filter((s) => s.pointCount > maxPoints && tiled(s)) : [];
  const tiles = await metrics.readTileCandidates(project, long.map((s) => s.seriesId));
  for (const s of long) {
    const t = tiles.get(s.seriesId);
    // Fewer points in the tiles than in the series: step-less points, or points that came in after the series was read.
    if (!t || t.count !== s.pointCount || t.cols.step.length === 0) continue;
    const width = tileBucketWidth(t.cols.step[0]!, t.cols.step[t.cols.step.length - 1]!, maxPoints, TILE_STEPS);
    if (width !== null) out.set(s.seriesId, { cols: t.cols, points: stepAlignedM4(t.cols, width, maxPoints), total: t.count });
  }
  const rest = series.filter((s) => !out.has(s.seriesId));
  const columns = await metrics.readPoints(project, rest.map((s) => s.seriesId));
  for (const s of rest) {
    const cols = columns.get(s.seriesId)!;
    fillMissingSteps(cols);
    out.set(s.seriesId, { cols, points: axisPoints(cols, axis, maxPoints), total: cols.value.length });
  }
  return out;
}
