/**
 * Smoothing for metric curves. Nulls (gaps, NaN) are kept as gaps and skipped by the window.
 * - ema: exponential moving average with debiasing (as TensorBoard's slider: weight 0…0.999);
 * - cma: centered moving average over `window` points (odd; even is rounded up).
 */
export type Smoothing = { kind: "none" } | { kind: "ema"; weight: number } | { kind: "cma"; window: number };

export function parseSmoothing(s: string): Smoothing {
  const m = /^(ema|cma):([\d.]+)$/.exec(s);
  if (!m) return { kind: "none" };
  const v = Number(m[2]);
  if (m[1] === "ema") return Number.isFinite(v) && v > 0 && v < 1 ? { kind: "ema", weight: v } : { kind: "none" };
  return Number.isInteger(v) && v > 1 ? { kind: "cma", window: v } : { kind: "none" };
}

export function formatSmoothing(s: Smoothing): string {
  return s.kind === "ema" ? `ema:${s.weight}` : s.kind === "cma" ? `cma:${s.window}` : "";
}

export function smooth(values: Array<number | null>, s: Smoothing): Array<number | null> {
  if (s.kind === "ema") return ema(values, s.weight);
  if (s.kind === "cma") return centered(values, s.window);
  return values;
}

function ema(values: Array<number | null>, weight: number): Array<number | null> {
  const out: Array<number | null> = new Array(values.length);
  let last = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) {
      out[i] = null;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    n++;
    out[i] = last / (1 - Math.pow(weight, n)); // debias: early points are not pulled to 0
  }
  return out;
}

function centered(values: Array<number | null>, window: number): Array<number | null> {
  const half = Math.floor((window | 1) / 2);
  const out: Array<number | null> = new Array(values.length);
  // Prefix sums over finite values make each window O(1).
  const sum = new Float64Array(values.length + 1);
  const cnt = new Int32Array(values.length + 1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const ok = v !== null && v !== undefined && Number.isFinite(v);
    sum[i + 1] = sum[i]! + (ok ? v : 0);
    cnt[i + 1] = cnt[i]! + (ok ? 1 : 0);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) {
      out[i] = null;
      continue;
    }
    const lo = Math.max(0, i - half);
    const hi = Math.min(values.length, i + half + 1);
    const c = cnt[hi]! - cnt[lo]!;
    out[i] = c > 0 ? (sum[hi]! - sum[lo]!) / c : null;
  }
  return out;
}
