import { IDLE, summarizeCpuProfile, type StageTable } from "../cpu-profile-summary.ts";

/**
 * The metrics path's stages for bench/cpu-profile-summary.ts: each sample of the collector's
 * profile is charged to the innermost frame that belongs to one, so a builtin (JSON.parse,
 * createHash, Buffer#toString) counts for the stage that called it.
 */
const url = (re: RegExp): ((u: string) => boolean) => (u) => re.test(u);
const STAGES: StageTable = [
  ["decode: protobuf (wire reader + model)", url(/\/metrics\/decode-protobuf\.[jt]s|\/protobuf-wire-reader\.[jt]s|\/common\/protobuf-wire-values\.[jt]s|\/common\/protobuf-values\.[jt]s|\/protobufjs\/|\/@protobufjs\//)],
  ["decode: JSON (JSON.parse + model)", url(/\/metrics\/decode-json\.[jt]s|\/common\/json-values\.[jt]s/)],
  ["decode: point validation", url(/\/keep-valid-points\.[jt]s|\/point-validation\.[jt]s|\/rejections\.[jt]s/)],
  ["normalize (series ids, step, context)", url(/\/collector\/normalize\//)],
  ["encode rows (COPY text, series stats)", url(/\/metric-writer\.[jt]s|\/series-stats\.[jt]s|\/copy-text\.[jt]s|\/stored-json\.[jt]s|\/run-rows\.[jt]s/)],
  ["tiles (folded at write, parsed at read)", url(/\/metric-tiles\.[jt]s/)],
  ["group commit", url(/\/group-commit\.[jt]s|\/copy-stream\.[jt]s/)],
  ["read points (binary COPY → columns)", url(/\/metric-reader\.[jt]s|\/point-arrays\.[jt]s/)],
  ["pick points + M4 downsampling", url(/\/api\/downsample\.[jt]s|\/api\/pick-points\.[jt]s/)],
  ["render JSON", url(/\/api\/render-metrics\.[jt]s|\/api\/metrics-routes\.[jt]s/)],
  ["Postgres client (pg, pg-copy-streams)", url(/\/node_modules\/(pg|pg-[a-z-]+|pgpass|postgres-[a-z-]+)\//)],
  ["HTTP: read body", url(/\/receiver\/http\/body\.[jt]s/)],
  ["HTTP: express + OTLP handler", url(/\/node_modules\/(express|router|finalhandler|send|serve-static|body-parser|qs|debug|on-finished|content-type|type-is|mime-types|parseurl|path-to-regexp)\/|\/receiver\/http\/otlp-http\.[jt]s|\/metrics-signal\.[jt]s/)],
  ["tsx loader", url(/\/node_modules\/tsx\//)],
];

export interface StageProfile {
  /** On-CPU milliseconds (idle excluded). */
  busyMs: number;
  idleMs: number;
  stages: Array<{ stage: string; ms: number }>;
  top: Array<{ name: string; ms: number }>;
}

export function profileStages(file: string, topN = 12): StageProfile {
  const s = summarizeCpuProfile(file, topN, STAGES);
  const idleMs = s.byStage.find((b) => b.stage === IDLE)?.ms ?? 0;
  return {
    busyMs: s.totalMs - idleMs,
    idleMs,
    stages: s.byStage.filter((b) => b.stage !== IDLE).map(({ stage, ms }) => ({ stage, ms })),
    top: s.topFunctions.filter((t) => !t.name.startsWith("(idle)")).map(({ name, ms }) => ({ name, ms })),
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
