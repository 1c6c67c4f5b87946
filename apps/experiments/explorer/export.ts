import type uPlot from "uplot";
import { displayValue } from "../run-fields.ts";
import type { ChartSpec } from "./lines.ts";

/** Chart exports: PNG (the canvas on the theme background), SVG (vector lines), CSV (the plotted data). */

export function download(name: string, data: Blob | string, type = "text/plain"): void {
  const blob = typeof data === "string" ? new Blob([data], { type }) : data;
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export function chartPng(u: uPlot, background: string): string {
  const src = u.ctx.canvas;
  const out = document.createElement("canvas");
  out.width = src.width;
  out.height = src.height;
  const ctx = out.getContext("2d")!;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(src, 0, 0);
  return out.toDataURL("image/png");
}

const esc = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The plot area's lines as SVG paths, with axis labels and a legend; telemetry text is escaped. */
export function chartSvg(u: uPlot, chart: ChartSpec, colors: { fg: string; grid: string; bg: string }): string {
  const W = u.width;
  const H = u.height;
  const { left, top, width, height } = u.bbox;
  const dpr = window.devicePixelRatio || 1;
  const L = left / dpr;
  const T = top / dpr;
  const PW = width / dpr;
  const PH = height / dpr;
  const parts: string[] = [];
  parts.push(`<rect width="${W}" height="${H + 18 * chart.lines.length + 24}" fill="${colors.bg}"/>`);
  parts.push(`<text x="${L}" y="14" fill="${colors.fg}" font-size="13" font-family="sans-serif">${esc(chart.title)}</text>`);
  parts.push(`<rect x="${L}" y="${T}" width="${PW}" height="${PH}" fill="none" stroke="${colors.grid}"/>`);
  const xs = u.data[0];
  const sx = (v: number): number => u.valToPos(v, "x");
  const sy = (v: number): number => u.valToPos(v, "y");
  for (const [axis, scale] of [[0, "x"], [1, "y"]] as const) {
    const ax = u.axes[axis] as uPlot.Axis & { _splits?: number[]; _values?: string[] };
    (ax._splits ?? []).forEach((v, i) => {
      const label = ax._values?.[i] ?? "";
      if (scale === "x") parts.push(`<text x="${L + sx(v)}" y="${T + PH + 14}" fill="${colors.fg}" font-size="10" text-anchor="middle" font-family="sans-serif">${esc(String(label ?? ""))}</text>`);
      else parts.push(`<text x="${L - 4}" y="${T + sy(v) + 3}" fill="${colors.fg}" font-size="10" text-anchor="end" font-family="sans-serif">${esc(String(label ?? ""))}</text>`);
    });
  }
  for (let s = 1; s < u.series.length; s++) {
    const series = u.series[s]!;
    if (series.show === false || !series.label || String(series.label).startsWith("\u200b")) continue;
    const ys = u.data[s]!;
    let d = "";
    let pen = false;
    for (let i = 0; i < xs.length; i++) {
      const y = ys[i];
      if (y === null || y === undefined) continue;
      d += `${pen ? "L" : "M"}${(L + sx(xs[i]!)).toFixed(1)},${(T + sy(y)).toFixed(1)}`;
      pen = true;
    }
    const stroke = typeof series.stroke === "function" ? "#888" : String(series.stroke ?? "#888");
    const dash = (series.dash ?? []).join(",");
    parts.push(`<path d="${d}" fill="none" stroke="${stroke}" stroke-width="1.5"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`);
  }
  chart.lines.forEach((l, i) => {
    const y = H + 16 + i * 18;
    parts.push(`<line x1="${L}" x2="${L + 18}" y1="${y - 4}" y2="${y - 4}" stroke="${l.color}" stroke-width="2"${l.dash.length ? ` stroke-dasharray="${l.dash.join(",")}"` : ""}/>`);
    parts.push(`<text x="${L + 24}" y="${y}" fill="${colors.fg}" font-size="11" font-family="sans-serif">${esc(l.label)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H + 18 * chart.lines.length + 24}" viewBox="0 0 ${W} ${H + 18 * chart.lines.length + 24}">${parts.join("")}</svg>`;
}

const csvCell = (v: unknown): string => {
  const s = displayValue(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Long format: one row per plotted point, as drawn (after smoothing and aggregation). */
export function chartsCsv(charts: ChartSpec[], xName: string): string {
  const rows = [["chart", "line", "run_id", "metric", "context", xName, "value"].join(",")];
  for (const c of charts) {
    for (const l of c.lines) {
      l.x.forEach((x, i) => {
        rows.push([c.title, l.label, l.series?.runId ?? "", l.series?.name ?? "", l.series ? JSON.stringify(l.series.context) : "", x, l.y[i] ?? ""].map(csvCell).join(","));
      });
    }
  }
  return rows.join("\n") + "\n";
}
