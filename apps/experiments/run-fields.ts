// A relative import (not $ui): the Node unit tests (test/ui/ui-logic.test.ts) import this file.
import type { Run } from "../../ui/src/lib/api/types.ts";

/**
 * Run fields by key, as the runs table, its filters and the explorer's group-by use them:
 * "run.name", "run.experiment", "run.status", "run.tags", "run.id", "run.created",
 * "hparams.<path>" (a dotted path into the nested hparams).
 */
export const RUN_FIELDS = ["run.name", "run.experiment", "run.status", "run.tags", "run.id", "run.created"] as const;

export function runName(run: Run): string {
  return run.name || run.runId;
}

export function hparam(run: Run, path: string): unknown {
  let v: unknown = run.hparams;
  for (const part of path.split(".")) {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

export function runField(run: Run, key: string): unknown {
  if (key.startsWith("hparams.")) return hparam(run, key.slice("hparams.".length));
  switch (key) {
    case "run.name":
      return runName(run);
    case "run.experiment":
      return run.experiment ?? "";
    case "run.status":
      return run.status;
    case "run.tags":
      return run.tags.join(", ");
    case "run.id":
      return run.runId;
    case "run.created":
      return run.createdAt;
    case "run.cost":
      return run.ai?.costUsd;
    default:
      return undefined;
  }
}

/** Every leaf path of nested hparams ("optimizer.name"), in first-seen order. */
export function hparamPaths(runs: Run[]): string[] {
  const seen = new Set<string>();
  const walk = (v: unknown, prefix: string): void => {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) walk(x, prefix ? `${prefix}.${k}` : k);
    } else if (prefix) seen.add(prefix);
  };
  for (const r of runs) walk(r.hparams, "");
  return [...seen];
}

/** Numbers compare as numbers, text as text; missing values sort last either way. */
export function compareValues(a: unknown, b: unknown): number {
  const missA = a === undefined || a === null || a === "";
  const missB = b === undefined || b === null || b === "";
  if (missA || missB) return missA === missB ? 0 : missA ? 1 : -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return displayValue(a).localeCompare(displayValue(b), undefined, { numeric: true });
}

export function displayValue(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/**
 * A column filter: `>0.01`, `<=5`, `!=adam`, `=adam` (exact), or text the value contains.
 * Returns null when the expression is fine but empty.
 */
export function makeFilter(expr: string): ((v: unknown) => boolean) | null {
  const e = expr.trim();
  if (!e) return null;
  const m = /^(>=|<=|!=|>|<|=)\s*(.*)$/.exec(e);
  if (m) {
    const [, op, raw = ""] = m;
    const n = Number(raw);
    const numeric = raw !== "" && Number.isFinite(n);
    return (v) => {
      if (op === "=" || op === "!=") {
        const eq = numeric && typeof v === "number" ? v === n : displayValue(v) === raw;
        return op === "=" ? eq : !eq;
      }
      const x = typeof v === "number" ? v : Number(displayValue(v));
      if (!numeric || displayValue(v) === "" || !Number.isFinite(x)) return false;
      return op === ">" ? x > n : op === "<" ? x < n : op === ">=" ? x >= n : x <= n;
    };
  }
  const t = e.toLowerCase();
  return (v) => displayValue(v).toLowerCase().includes(t);
}
