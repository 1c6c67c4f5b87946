/**
 * The benchmark's training runs: `runs` runs, each tracking one metric ("loss", context
 * {subset: "train"}) at every step 0 … steps-1, with an epoch every 1000 steps. Values are a noisy
 * decaying curve with full double precision (what a real loss looks like on the wire), derived
 * from (run, step) alone, so any phase can rebuild them and the check can recompute aggregates.
 */
export interface Workload {
  runs: number;
  steps: number;
}

export const METRIC = "loss";
export const CONTEXT = { subset: "train" } as const;
export const STEPS_PER_EPOCH = 1000;
export const PROJECT = "default";

/** 2026-11-26T08:00:00Z in nanoseconds. */
const BASE_TIME_NS = 1_795_680_000_000_000_000n;

export function runId(run: number): string {
  return `bench-metrics-run-${String(run).padStart(4, "0")}`;
}

export function epochOf(step: number): number {
  return Math.floor(step / STEPS_PER_EPOCH);
}

/** Milliseconds since the epoch (what Run.track's `time` takes): each run starts a second later, a step every 100 ms. */
export function timeMs(run: number, step: number): number {
  return Number(BASE_TIME_NS / 1_000_000n) + run * 1000 + step * 100;
}

export function timeNanos(run: number, step: number): bigint {
  return BigInt(timeMs(run, step)) * 1_000_000n;
}

/** A loss curve: decays from ~2.5 with noise; deterministic in (run, step). */
export function valueAt(run: number, step: number): number {
  const noise = hash01(run * 1_000_003 + step) - 0.5;
  return (2.5 + run * 0.01) * Math.exp(-step / 3000) + 0.05 + 0.1 * noise;
}

/** What the series of one run must hold after ingest: count, min, max and the last point. */
export function expectedAggregates(run: number, steps: number): { count: number; min: number; max: number; lastStep: number; lastValue: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let s = 0; s < steps; s++) {
    const v = valueAt(run, s);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { count: steps, min, max, lastStep: steps - 1, lastValue: valueAt(run, steps - 1) };
}

/** A well-mixed hash of an integer into [0, 1). */
function hash01(n: number): number {
  let x = n | 0;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x ^= x >>> 16;
  return (x >>> 0) / 2 ** 32;
}
