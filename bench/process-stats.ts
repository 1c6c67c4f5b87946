import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";

/** CPU time and memory of processes, read from /proc (Linux); other systems get zeros and nulls. */

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

interface Stat {
  ppid: number;
  /** utime + stime, seconds. */
  cpu: number;
  /** cutime + cstime (reaped children), seconds. */
  childrenCpu: number;
}

function readStat(pid: number): Stat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // Fields after the command name, which is in parentheses and may contain spaces.
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const n = (i: number): number => Number(f[i - 3]);
  const hz = clockTicks();
  return { ppid: n(4), cpu: (n(14) + n(15)) / hz, childrenCpu: (n(16) + n(17)) / hz };
}

/** CPU seconds (all threads) a process has used so far. */
export function processCpuSeconds(pid: number): number {
  return readStat(pid)?.cpu ?? 0;
}

/**
 * CPU seconds used so far by a PostgreSQL server for one database: the postmaster itself and its
 * live children (background processes, and the backends of `database`); backends of other databases
 * on a shared server are left out. Backends that exit are not counted (the benchmark keeps its
 * connections open across a measurement).
 */
export function postgresCpuSeconds(postmasterPid: number, database: string): number {
  const postmaster = readStat(postmasterPid);
  if (!postmaster) return 0;
  let total = postmaster.cpu;
  for (const entry of safeReaddir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const s = readStat(Number(entry));
    if (!s || s.ppid !== postmasterPid) continue;
    if (isOtherDatabaseBackend(commandLine(Number(entry)), database)) continue;
    total += s.cpu;
  }
  return total;
}

/** A backend's title reads "postgres: [cluster: ]user database host(port) state"; a background process names no client. */
function isOtherDatabaseBackend(title: string, database: string): boolean {
  const hasClient = /\d+\.\d+\.\d+\.\d+\(\d+\)|\[local\]|\[[\da-f:]+\]\(\d+\)/.test(title);
  return hasClient && !title.includes(` ${database} `);
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

export function parentPid(pid: number): number | null {
  return readStat(pid)?.ppid ?? null;
}

/** Peak resident set (VmHWM) and current resident set (VmRSS) in bytes. */
export function memoryOf(pid: number): { peakRss: number; rss: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
    return { peakRss: kb("VmHWM"), rss: kb("VmRSS") };
  } catch {
    return null;
  }
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0), so a later read gives the peak of what follows. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** CPU seconds the whole machine has spent busy (all cores, not idle or waiting on I/O), from /proc/stat. */
export function machineBusyCpuSeconds(): number {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0); // user … steal; guest time is already in user
    return (total - ticks[3]! - ticks[4]!) / clockTicks();
  } catch {
    return NaN;
  }
}
