/** The benchmark's results as a Markdown table (printed, and pasted into docs/benchmarks.md). */
export interface PhaseResult {
  /** "raw COPY", "collector protobuf", "collector json". */
  path: string;
  batchSize: number;
  spans: number;
  storedSpans: number;
  seconds: number;
  /** CPU seconds used during the phase; null where not measured. */
  collectorCpu: number | null;
  postgresCpu: number;
  clientCpu: number;
  /** CPU seconds used by everything else on the machine during the phase. */
  otherCpu: number;
  peakRss: number | null;
  retries: number;
  /** Transactions that committed the phase's spans. */
  commits: number;
  latencyMs: { p50: number; p99: number; max: number } | null;
  check: string;
}

export function resultsTable(results: PhaseResult[]): string {
  const rate = (r: PhaseResult): number => r.spans / r.seconds;
  const copies = results.filter((r) => r.path === "raw COPY");
  const bestCopy = Math.max(...copies.map(rate));
  const cpu = (s: number | null): string => (s === null ? "–" : Number.isNaN(s) ? "?" : s.toFixed(1));
  const header = [
    "path",
    "spans/request",
    "spans",
    "seconds",
    "spans/s",
    "commits (spans each)",
    "÷ raw COPY (same size)",
    "÷ best raw COPY",
    "CPU s: collector / Postgres / client / other",
    "collector peak RSS",
    "latency p50 / p99",
    "429/503",
    "stored",
  ];
  const rows = results.map((r) => {
    const same = copies.find((c) => c.batchSize === r.batchSize);
    const isCopy = r.path === "raw COPY";
    return [
      r.path,
      String(r.batchSize),
      String(r.spans),
      r.seconds.toFixed(2),
      Math.round(rate(r)).toLocaleString("en-US"),
      `${r.commits} (${Math.round(r.spans / Math.max(1, r.commits))})`,
      isCopy || !same ? "–" : percent(rate(r) / rate(same)),
      percent(rate(r) / bestCopy),
      `${cpu(r.collectorCpu)} / ${cpu(r.postgresCpu)} / ${cpu(r.clientCpu)} / ${cpu(r.otherCpu)}`,
      r.peakRss === null ? "–" : `${Math.round(r.peakRss / 2 ** 20)} MiB`,
      r.latencyMs ? `${r.latencyMs.p50.toFixed(0)} / ${r.latencyMs.p99.toFixed(0)} ms` : "–",
      isCopy ? "–" : String(r.retries),
      r.check === "ok" ? `${r.storedSpans} ✓` : r.check,
    ];
  });
  return [header, header.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

function percent(x: number): string {
  return `${(x * 100).toFixed(0)} %`;
}
