import { TEMPORALITY_NAMES } from "../model/metrics.ts";
import type { DistributionRow, PointColumns, SeriesInfo } from "../storage/metric-reader.ts";
import type { AxisPoints, XAxis } from "./downsample.ts";

/** Numbers as JSON: NaN and ±Infinity (which JSON cannot hold) as the strings "NaN", "Infinity", "-Infinity". */
export function numberJson(v: number | null): string {
  if (v === null) return "null";
  return Number.isFinite(v) ? String(v) : `"${v}"`;
}

export function seriesSummaryJson(s: SeriesInfo): string {
  return (
    `{"seriesId":"${s.seriesId}","runId":${JSON.stringify(s.runId)},"name":${JSON.stringify(s.name)},"kind":"${s.kind}","context":${s.context}` +
    `,"unit":${JSON.stringify(s.unit)},"description":${JSON.stringify(s.description)},"temporality":"${TEMPORALITY_NAMES[s.temporality] ?? s.temporality}"` +
    `,"monotonic":${s.monotonic},"valueType":${JSON.stringify(s.valueType)},"pointCount":${s.pointCount}` +
    `,"last":${s.lastTimeUnixNano === null ? "null" : `{"step":${s.lastStep ?? "null"},"timeUnixNano":"${s.lastTimeUnixNano}","value":${numberJson(s.lastValue)}}`}` +
    `,"min":${numberJson(s.minValue)},"max":${numberJson(s.maxValue)}}`
  );
}

/** A series with its points in columns: {"points": {"step": [...], "epoch": [...], "time": [...], "value": [...]}}. */
export function seriesPointsJson(s: SeriesInfo, cols: PointColumns, axis: XAxis, picked: AxisPoints, totalPoints = cols.value.length): string {
  const n = picked.indices.length;
  const step = new Array<string>(n);
  const epoch = new Array<string>(n);
  const time = new Array<string>(n);
  const value = new Array<string>(n);
  for (let k = 0; k < n; k++) {
    const i = picked.indices[k]!;
    step[k] = String(cols.step[i]);
    const e = cols.epoch[i]!;
    epoch[k] = Number.isNaN(e) ? "null" : String(e);
    time[k] = `"${cols.time[i]}"`;
    value[k] = numberJson(cols.value[i]!);
  }
  return (
    `{"series":${seriesSummaryJson(s)},"x":"${axis}","downsampled":${picked.downsampled},"totalPoints":${totalPoints}` +
    `,"points":{"step":[${step.join(",")}],"epoch":[${epoch.join(",")}],"time":[${time.join(",")}],"value":[${value.join(",")}]}}`
  );
}

export function distributionJson(d: DistributionRow): string {
  return JSON.stringify({
    step: d.step === null ? null : Number(d.step),
    epoch: d.epoch === null ? null : Number(d.epoch),
    timeUnixNano: d.time_unix_nano,
    startTimeUnixNano: d.start_time_unix_nano,
    count: d.count,
    sum: finite(d.sum),
    min: finite(d.min),
    max: finite(d.max),
    flags: d.flags,
    ...d.data,
  });
}

function finite(v: number | null): number | string | null {
  return v === null || Number.isFinite(v) ? v : String(v);
}
