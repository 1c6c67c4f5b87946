import { readFileSync } from "node:fs";

/**
 * Reads a V8 .cpuprofile of the collector (node --cpu-prof) and charges each sample to the
 * innermost frame that belongs to a known stage of the metrics path, so a builtin (JSON.parse,
 * createHash, Buffer#toString) counts for the stage that called it.
 */
const STAGES: Array<[string, RegExp]> = [
  ["decode: protobuf (wire reader + model)", /\/metrics\/decode-protobuf\.[jt]s|\/protobuf-wire-reader\.[jt]s|\/common\/protobuf-wire-values\.[jt]s|\/common\/protobuf-values\.[jt]s|\/protobufjs\/|\/@protobufjs\//],
  ["decode: JSON (JSON.parse + model)", /\/metrics\/decode-json\.[jt]s|\/common\/json-values\.[jt]s/],
  ["decode: point validation", /\/keep-valid-points\.[jt]s|\/point-validation\.[jt]s|\/rejections\.[jt]s/],
  ["normalize (series ids, step, context)", /\/collector\/normalize\//],
  ["encode rows (COPY text)", /\/metric-writer\.[jt]s|\/copy-text\.[jt]s|\/stored-json\.[jt]s|\/run-rows\.[jt]s/],
  ["group commit", /\/group-commit\.[jt]s|\/copy-stream\.[jt]s/],
  ["read points (binary COPY → columns)", /\/metric-reader\.[jt]s/],
  ["M4 downsampling", /\/api\/downsample\.[jt]s/],
  ["render JSON", /\/api\/render-metrics\.[jt]s|\/api\/metrics-routes\.[jt]s/],
  ["Postgres client (pg, pg-copy-streams)", /\/node_modules\/(pg|pg-[a-z-]+|pgpass|postgres-[a-z-]+)\//],
  ["HTTP: read body", /\/receiver\/http\/body\.[jt]s/],
  ["HTTP: express + OTLP handler", /\/node_modules\/(express|router|finalhandler|send|serve-static|body-parser|qs|debug|on-finished|content-type|type-is|mime-types|parseurl|path-to-regexp)\/|\/receiver\/http\/otlp-http\.[jt]s|\/metrics-signal\.[jt]s/],
  ["tsx loader", /\/node_modules\/tsx\//],
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface StageProfile {
  /** On-CPU milliseconds (idle excluded). */
  busyMs: number;
  idleMs: number;
  stages: Array<{ stage: string; ms: number }>;
  top: Array<{ name: string; ms: number }>;
}

export function profileStages(file: string, topN = 12): StageProfile {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const memo = new Map<number, string>();
  const stageOf = (id: number): string => {
    const known = memo.get(id);
    if (known) return known;
    const fn = byId.get(id)!.callFrame.functionName;
    let stage = fn === "(idle)" ? "idle" : fn === "(garbage collector)" ? "garbage collection" : undefined;
    let core = false;
    for (let cur: number | undefined = id; stage === undefined && cur !== undefined; cur = parent.get(cur)) {
      const url = byId.get(cur)!.callFrame.url;
      stage = STAGES.find(([, re]) => re.test(url))?.[0];
      if (url.startsWith("node:")) core = true;
    }
    stage ??= core ? "node core (HTTP, sockets, streams)" : "other (V8 / native)";
    memo.set(id, stage);
    return stage;
  };
  const stageMs = new Map<string, number>();
  const selfMs = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const id = profile.samples[i]!;
    const stage = stageOf(id);
    stageMs.set(stage, (stageMs.get(stage) ?? 0) + ms);
    if (stage === "idle") continue;
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const name = `${functionName || "(anonymous)"} ${url ? `${url.replace(/^.*\/(node_modules\/|collector\/)/, "$1")}:${lineNumber + 1}` : "(native)"}`;
    selfMs.set(name, (selfMs.get(name) ?? 0) + ms);
  }
  const idleMs = stageMs.get("idle") ?? 0;
  stageMs.delete("idle");
  return {
    busyMs: [...stageMs.values()].reduce((a, b) => a + b, 0),
    idleMs,
    stages: [...stageMs].map(([stage, ms]) => ({ stage, ms })).sort((a, b) => b.ms - a.ms),
    top: [...selfMs].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms).slice(0, topN),
  };
}

export function formatStageProfile(label: string, file: string, p: StageProfile): string {
  const pct = (ms: number): string => `${((ms / p.busyMs) * 100).toFixed(1).padStart(5)} %`;
  return [
    `\ncollector CPU profile — ${label}: ${file}`,
    `  ${(p.busyMs / 1000).toFixed(2)} s on CPU, ${(p.idleMs / 1000).toFixed(2)} s idle; share of on-CPU time:`,
    ...p.stages.map((s) => `  ${pct(s.ms)}  ${(s.ms / 1000).toFixed(2).padStart(6)} s  ${s.stage}`),
    "  top functions by self time:",
    ...p.top.map((t) => `  ${pct(t.ms)}  ${t.name}`),
  ].join("\n");
}
