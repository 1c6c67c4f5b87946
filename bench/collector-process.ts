import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../collector/package-root.ts";

/** The collector under test, in its own process: `node --import tsx collector/cli.ts`, as a user would run it. */
export interface CollectorProcess {
  pid: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** What it printed to stderr (its log), for when something goes wrong. */
  log(): string;
  /** SIGTERM: the collector drains its writes and exits (and writes its CPU profile, if asked). */
  stop(): Promise<void>;
}

export interface CollectorProcessOptions {
  databaseUrl: string;
  /** Write a V8 CPU profile (.cpuprofile) into this folder when the collector exits. */
  cpuProfileDir?: string;
  /**
   * What to run: "tsx" runs collector/cli.ts from source (always matches the tree); "built" runs
   * bin/sightline.js on dist/ (what users run; needs `npm run build`); any other value is a script
   * run instead of collector/cli.ts, under tsx unless it is .js (an experiment's variant printing
   * the same ready line).
   */
  collector?: string;
}

/**
 * Node flags the collector runs with, as `npm start` and the Dockerfile give them: a larger young
 * generation (a request's decoded points die young instead of being copied; ≈ 20 % less CPU).
 */
export const COLLECTOR_NODE_FLAGS = ["--max-semi-space-size=32"];

const READY = /OTLP\/HTTP, API and UI\s+(http:\/\/\S+)/;

export async function startCollectorProcess(options: CollectorProcessOptions): Promise<CollectorProcess> {
  const which = options.collector ?? "tsx";
  const nodeArgs = [...COLLECTOR_NODE_FLAGS, ...(which === "built" || which.endsWith(".js") ? [] : ["--import", "tsx"])];
  if (options.cpuProfileDir) nodeArgs.push("--cpu-prof", "--cpu-prof-dir", options.cpuProfileDir);
  const entry = which === "built" ? "bin/sightline.js" : which === "tsx" ? "collector/cli.ts" : which;
  const child = spawn(process.execPath, [...nodeArgs, entry, "--port", "0", "--grpc-port", "off"], {
    cwd: packageRoot(),
    // The URL goes through the environment, not argv, so a password never shows in `ps`.
    env: { ...process.env, DATABASE_URL: options.databaseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
      const m = READY.exec(stdout);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code, signal) => reject(new Error(`collector exited during start (${signal ?? code}):\n${stdout}${stderr}`)));
    child.once("error", reject);
  });
  child.stdout!.resume();
  return {
    pid: child.pid!,
    url,
    log: () => stderr,
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(timer);
}

/**
 * "auto" → "built" when dist/ holds a build at least as new as every .ts file under collector/
 * (what users run; schema.sql and the .proto files are read from the package root either way),
 * else "tsx" (the sources as they are); with the reason.
 */
export function resolveCollector(choice: string): { collector: string; why: string } {
  if (choice !== "auto") return { collector: choice, why: "as asked" };
  const root = packageRoot();
  const built = join(root, "dist", "collector");
  if (!existsSync(join(built, "cli.js"))) return { collector: "tsx", why: "no build in dist/ (npm run build)" };
  if (newest(built, ".js") < newest(join(root, "collector"), ".ts")) return { collector: "tsx", why: "dist/ is older than the sources (npm run build)" };
  return { collector: "built", why: "dist/ is up to date" };
}

/** The newest modification time of the files under dir whose names end with `suffix`. */
function newest(dir: string, suffix: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path, suffix));
    else if (entry.name.endsWith(suffix)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}
