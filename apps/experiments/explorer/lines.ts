import type { MetricValue, Run, SeriesPoints } from "$ui/api/types.ts";
import { PALETTE } from "$ui/format.ts";
import { displayValue, runField, runName } from "../run-fields.ts";
import { smooth, type Smoothing } from "./smoothing.ts";

/** What the explorer draws, derived from the fetched series and the user's settings (all in the URL). */
export type XAxis = "step" | "epoch" | "reltime" | "time";
export type Aggregation = "none" | "minmax" | "std";

export interface ExplorerSettings {
  x: XAxis;
  smoothing: Smoothing;
  logY: boolean;
  colorBy: string;
  strokeBy: string;
  chartBy: string;
  aggregate: Aggregation;
}

export interface Line {
  label: string;
  color: string;
  dash: number[];
  x: number[];
  y: Array<number | null>;
  /** The run a single line belongs to (tooltips show its hparams). */
  run?: Run;
  series?: SeriesPoints["series"];
  /** Aggregated lines: how many series, and the band around the mean. */
  members?: number;
  band?: { lo: Array<number | null>; hi: Array<number | null> };
}

export interface ChartSpec {
  key: string;
  title: string;
  lines: Line[];
}

const DASHES: number[][] = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 5], [12, 6]];

export function groupValue(key: string, s: SeriesPoints["series"], run: Run | undefined): string {
  if (!key) return "";
  if (key === "metric.name") return s.name;
  if (key.startsWith("context.")) return displayValue(s.context[key.slice("context.".length)]);
  if (key === "run.id") return s.runId;
  return run ? displayValue(runField(run, key)) : "";
}

function num(v: MetricValue | null | undefined): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** One series' points on the chosen x axis, one point per x (the last one), smoothed. */
export function seriesXY(sp: SeriesPoints, settings: ExplorerSettings): { x: number[]; y: Array<number | null> } {
  const p = sp.points;
  const xs: number[] = [];
  const ys: Array<number | null> = [];
  const t0 = p.time.length > 0 ? BigInt(p.time[0]!) : 0n;
  for (let i = 0; i < p.value.length; i++) {
    let x: number | null;
    if (settings.x === "step") x = p.step[i] ?? null;
    else if (settings.x === "epoch") x = p.epoch[i] ?? null;
    else if (settings.x === "reltime") x = Number(BigInt(p.time[i]!) - t0) / 1e9;
    else x = Number(BigInt(p.time[i]!) / 1000n) / 1e6;
    if (x === null) continue;
    let y = num(p.value[i]);
    if (settings.logY && y !== null && y <= 0) y = null;
    if (xs.length > 0 && xs[xs.length - 1] === x) ys[ys.length - 1] = y;
    else if (xs.length > 0 && x < xs[xs.length - 1]!) continue; // out of order on this axis: keep it monotonic
    else (xs.push(x), ys.push(y));
  }
  return { x: xs, y: smooth(ys, settings.smoothing) };
}

export function buildCharts(data: SeriesPoints[], runs: Map<string, Run>, settings: ExplorerSettings): ChartSpec[] {
  const colorKeys = new Map<string, number>();
  const strokeKeys = new Map<string, number>();
  const charts = new Map<string, ChartSpec>();
  const groups = new Map<string, { chart: ChartSpec; color: string; dash: number[]; label: string; members: SeriesPoints[] }>();
  data.forEach((sp, i) => {
    const run = runs.get(sp.series.runId);
    const chartKey = settings.chartBy ? groupValue(settings.chartBy, sp.series, run) : sp.series.name;
    let chart = charts.get(chartKey);
    if (!chart) charts.set(chartKey, (chart = { key: chartKey, title: settings.chartBy ? `${settings.chartBy} = ${chartKey || "(none)"}` : sp.series.name, lines: [] }));
    const cv = settings.colorBy ? groupValue(settings.colorBy, sp.series, run) : `#${i}`;
    const sv = settings.strokeBy ? groupValue(settings.strokeBy, sp.series, run) : "";
    if (!colorKeys.has(cv)) colorKeys.set(cv, colorKeys.size);
    if (!strokeKeys.has(sv)) strokeKeys.set(sv, strokeKeys.size);
    const color = PALETTE[colorKeys.get(cv)! % PALETTE.length]!;
    const dash = DASHES[strokeKeys.get(sv)! % DASHES.length]!;
    if (settings.aggregate !== "none") {
      const label = [settings.colorBy && `${settings.colorBy}=${cv}`, settings.strokeBy && `${settings.strokeBy}=${sv}`].filter(Boolean).join(" ") || "all";
      const key = `${chartKey}\u0000${cv}\u0000${sv}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { chart, color, dash, label, members: [] }));
      g.members.push(sp);
      return;
    }
    const { x, y } = seriesXY(sp, settings);
    const ctx = Object.entries(sp.series.context).map(([k, v]) => `${k}=${displayValue(v)}`).join(" ");
    chart.lines.push({ label: `${run ? runName(run) : sp.series.runId} · ${sp.series.name}${ctx ? ` · ${ctx}` : ""}`, color, dash, x, y, run, series: sp.series });
  });
  for (const g of groups.values()) g.chart.lines.push(aggregateLine(g.members, settings, g));
  return [...charts.values()];
}

/** The mean of a group's series at every x any of them has (linear interpolation inside each series' range), with a band. */
function aggregateLine(members: SeriesPoints[], settings: ExplorerSettings, g: { color: string; dash: number[]; label: string }): Line {
  const xy = members.map((m) => seriesXY(m, settings));
  const xs = [...new Set(xy.flatMap((s) => s.x))].sort((a, b) => a - b);
  const mean: Array<number | null> = [];
  const lo: Array<number | null> = [];
  const hi: Array<number | null> = [];
  const cursors = xy.map(() => 0);
  for (const x of xs) {
    const vals: number[] = [];
    xy.forEach((s, k) => {
      let c = cursors[k]!;
      while (c < s.x.length - 1 && s.x[c + 1]! <= x) c++;
      cursors[k] = c;
      const x0 = s.x[c];
      const y0 = s.y[c];
      if (x0 === undefined || y0 === null || y0 === undefined || x < s.x[0]! || x > s.x[s.x.length - 1]!) return;
      if (x0 === x) return void vals.push(y0);
      const x1 = s.x[c + 1];
      const y1 = s.y[c + 1];
      if (x1 === undefined || y1 === null || y1 === undefined) return;
      vals.push(y0 + ((y1 - y0) * (x - x0)) / (x1 - x0));
    });
    if (vals.length === 0) {
      mean.push(null), lo.push(null), hi.push(null);
      continue;
    }
    const m = vals.reduce((a, b) => a + b, 0) / vals.length;
    mean.push(m);
    if (settings.aggregate === "std") {
      const sd = Math.sqrt(vals.reduce((a, b) => a + (b - m) ** 2, 0) / vals.length);
      lo.push(m - sd), hi.push(m + sd);
    } else lo.push(Math.min(...vals)), hi.push(Math.max(...vals));
  }
  return { label: `${g.label} (mean of ${members.length})`, color: g.color, dash: g.dash, x: xs, y: mean, members: members.length, band: { lo, hi } };
}

/** Lines → uPlot's aligned columns: one shared x (the union), nulls where a line has no point. */
export function align(lines: Line[]): { x: number[]; ys: Array<Array<number | null>> } {
  const xs = [...new Set(lines.flatMap((l) => l.x))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const cols: Array<Array<number | null>> = [];
  for (const l of lines) {
    const put = (values: Array<number | null>): void => {
      const col: Array<number | null> = new Array(xs.length).fill(null);
      l.x.forEach((x, i) => (col[at.get(x)!] = values[i] ?? null));
      cols.push(col);
    };
    put(l.y);
    if (l.band) (put(l.band.lo), put(l.band.hi));
  }
  return { x: xs, ys: cols };
}
