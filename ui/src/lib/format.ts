/** How numbers, times and durations read in the UI: short, with units, never rounded to nothing. */

export function formatDuration(nanos: number | bigint | string): string {
  const n = typeof nanos === "number" ? nanos : Number(nanos);
  if (!Number.isFinite(n)) return "—";
  if (n < 1_000) return `${n.toFixed(0)}ns`;
  if (n < 1_000_000) return `${trim(n / 1_000)}µs`;
  if (n < 1_000_000_000) return `${trim(n / 1_000_000)}ms`;
  if (n < 60_000_000_000) return `${trim(n / 1_000_000_000)}s`;
  if (n < 3_600_000_000_000) return `${Math.floor(n / 60_000_000_000)}m ${Math.round((n % 60_000_000_000) / 1_000_000_000)}s`;
  return `${Math.floor(n / 3_600_000_000_000)}h ${Math.round((n % 3_600_000_000_000) / 60_000_000_000)}m`;
}

function trim(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** Unix nanoseconds (string) → milliseconds. */
export function nanosToMs(nanos: string | bigint): number {
  return Number(BigInt(nanos) / 1_000_000n);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

/** Local time, with milliseconds; the date only when it is not today. */
export function formatTime(ms: number, withDate?: boolean): string {
  const d = new Date(ms);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return (withDate ?? !sameDay) ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}` : time;
}

export function formatTimeNanos(nanos: string): string {
  return formatTime(nanosToMs(nanos));
}

export function formatRelative(ms: number, now = Date.now()): string {
  const s = Math.round((now - ms) / 1000);
  if (s < 5) return "just now";
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export function formatInt(n: number | null | undefined): string {
  return n === null || n === undefined ? "" : n.toLocaleString("en-US");
}

export function formatUsd(n: number | null | undefined): string {
  if (n === null || n === undefined) return "";
  if (n === 0) return "$0";
  if (n < 0.01) return `$${n.toPrecision(2)}`;
  return `$${n.toFixed(n < 10 ? 3 : 2)}`;
}

/** A metric value: compact, full precision on hover (title). */
export function formatValue(v: unknown): string {
  if (typeof v === "number") {
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(5)));
  }
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

/** A stable color per string (service names, runs), from the theme palette. */
export function hashColor(key: string, palette: readonly string[]): string {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return palette[(h >>> 0) % palette.length]!;
}

export const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#17becf", "#bcbd22", "#7f7f7f"] as const;
