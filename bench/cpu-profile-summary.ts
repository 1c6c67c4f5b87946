import { readFileSync } from "node:fs";

/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and says where the collector's time went, by stage:
 * each sample is charged to the innermost frame that belongs to a known stage (a collector file
 * or a library), so a builtin such as JSON.parse or Buffer#toString counts for the stage that
 * called it. Samples with no such frame fall to Node's core (HTTP parsing, sockets, streams).
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** [stage, test on a frame's url or function name]; the first match wins, innermost frame first. */
export type StageTable = Array<[string, (url: string, fn: string) => boolean]>;

export const IDLE = "idle (waiting on network / Postgres)";

/** The trace ingest path's stages (bench:ingest). */
const SPAN_STAGES: StageTable = [
  ["decode: protobuf (wire reader + model)", (u) => /\/decode-protobuf\.[jt]s|\/protobuf-wire-reader\.[jt]s|\/protobuf-wire-values\.[jt]s|\/protobufjs\/|\/@protobufjs\//.test(u)],
  ["decode: JSON (JSON.parse + model)", (u) => /\/decode-json\.[jt]s/.test(u)],
  ["decode: span validation", (u) => /\/span-validation\.[jt]s|\/rejections\.[jt]s/.test(u)],
  ["normalize", (u) => /\/collector\/normalize\//.test(u)],
  ["encode rows (model → COPY text)", (u) => /\/span-rows\.[jt]s|\/stored-json\.[jt]s|\/copy-text\.[jt]s/.test(u)],
  ["group commit (span-writer)", (u) => /\/span-writer\.[jt]s/.test(u)],
  ["Postgres client (pg, pg-copy-streams)", (u) => /\/node_modules\/pg[^/]*\//.test(u)],
  ["HTTP: read body", (u) => /\/receiver\/http\/body\.[jt]s/.test(u)],
  ["HTTP: express + OTLP handler", (u) => /\/node_modules\/(express|router|finalhandler|send|serve-static|body-parser|qs|debug|on-finished|content-type|type-is|mime-types|parseurl|path-to-regexp)\/|\/receiver\/http\/otlp-http\.[jt]s|\/traces-signal\.[jt]s/.test(u)],
  ["tsx loader", (u) => /\/node_modules\/tsx\//.test(u)],
];
const NODE_CORE = "node core (HTTP parser, sockets, streams, timers)";
const OTHER = "other (V8 / native, no JS caller)";

export interface ProfileSummary {
  totalMs: number;
  byStage: Array<{ stage: string; ms: number; share: number }>;
  topFunctions: Array<{ name: string; ms: number; share: number }>;
}

/** Every table starts with these. */
const COMMON_STAGES: StageTable = [
  [IDLE, (_u, fn) => fn === "(idle)"],
  ["garbage collection", (_u, fn) => fn === "(garbage collector)"],
];

export function summarizeCpuProfile(file: string, topN = 15, stageTable: StageTable = SPAN_STAGES): ProfileSummary {
  const stages = [...COMMON_STAGES, ...stageTable];
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const stageOf = new Map<number, string>();
  const classify = (id: number): string => {
    const known = stageOf.get(id);
    if (known) return known;
    let coreSeen = false;
    let stage: string | undefined;
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const { url, functionName } = byId.get(cur)!.callFrame;
      const hit = stages.find(([, test]) => test(url, functionName));
      if (hit) {
        stage = hit[0];
        break;
      }
      if (url.startsWith("node:")) coreSeen = true;
    }
    const result = stage ?? (coreSeen ? NODE_CORE : OTHER);
    stageOf.set(id, result);
    return result;
  };

  const stageMs = new Map<string, number>();
  const selfMs = new Map<number, number>();
  let totalMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const id = profile.samples[i]!;
    totalMs += ms;
    stageMs.set(classify(id), (stageMs.get(classify(id)) ?? 0) + ms);
    selfMs.set(id, (selfMs.get(id) ?? 0) + ms);
  }
  const fnMs = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = url ? `${url.replace(/^.*\/(node_modules\/|collector\/)/, "$1")}:${lineNumber + 1}` : "native";
    const name = `${functionName || "(anonymous)"} ${where}`;
    fnMs.set(name, (fnMs.get(name) ?? 0) + ms);
  }
  const share = (ms: number): number => (totalMs > 0 ? ms / totalMs : 0);
  return {
    totalMs,
    byStage: [...stageMs].map(([stage, ms]) => ({ stage, ms, share: share(ms) })).sort((a, b) => b.ms - a.ms),
    topFunctions: [...fnMs]
      .map(([name, ms]) => ({ name, ms, share: share(ms) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, topN),
  };
}

/** `node --import tsx bench/cpu-profile-summary.ts FILE.cpuprofile`: print a saved profile's summary. */
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const file of process.argv.slice(2)) {
    const s = summarizeCpuProfile(file, 25);
    console.log(`${file}: ${(s.totalMs / 1000).toFixed(1)} s sampled`);
    for (const r of s.byStage) console.log(`  ${(r.share * 100).toFixed(1).padStart(5)} %  ${(r.ms / 1000).toFixed(2).padStart(7)} s  ${r.stage}`);
    console.log("  top functions (self time):");
    for (const r of s.topFunctions) console.log(`  ${(r.share * 100).toFixed(1).padStart(5)} %  ${r.name}`);
  }
}
