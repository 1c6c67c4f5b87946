import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time of one database's backends, from /proc (Linux): the children of the postmaster whose
 * title names the database ("postgres: <user> <database> …"). A shared server (the machine's
 * PostgreSQL, also used by other programs) would otherwise charge their work to the benchmark.
 * Background processes (WAL writer, checkpointer, autovacuum) are counted apart, server-wide.
 */
export interface PostgresCpuMark {
  /** pid → CPU seconds of this database's backends. */
  backends: Map<number, number>;
  /** CPU seconds of the postmaster's other children, live ones. */
  background: number;
}

const HZ = 100;

export function postgresCpuMark(postmasterPid: number | null, database: string): PostgresCpuMark {
  const backends = new Map<number, number>();
  let background = 0;
  if (postmasterPid === null) return { backends, background: NaN };
  for (const entry of safeReaddir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readStat(pid);
    if (!stat || stat.ppid !== postmasterPid) continue;
    const title = readTitle(pid);
    const isBackend = /\(\d+\) |\[local\] /.test(title); // "… <user> <database> 127.0.0.1(5432) idle"
    if (isBackend && title.includes(` ${database} `)) backends.set(pid, stat.cpu);
    else if (!isBackend) background += stat.cpu;
  }
  return { backends, background };
}

/** CPU seconds between two marks: of the database's backends (new ones in full) and of the background processes. */
export function postgresCpuBetween(before: PostgresCpuMark, after: PostgresCpuMark): { backends: number; background: number } {
  let backends = 0;
  for (const [pid, cpu] of after.backends) backends += cpu - (before.backends.get(pid) ?? 0);
  return { backends, background: Math.max(0, after.background - before.background) };
}

function readStat(pid: number): { ppid: number; cpu: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / HZ };
  } catch {
    return null;
  }
}

function readTitle(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
