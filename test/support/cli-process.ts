import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface CliProcess {
  child: ChildProcess;
  httpUrl: string;
  output(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A data folder the embedded PostgreSQL can use even when tests run as root (it then runs as user postgres). */
export function scratchDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "sightline-cli-"));
  chmodSync(dir, 0o755);
  return join(dir, "data");
}

/** Environment for the `sightline` command in tests: never inherits the test run's DATABASE_URL unless given. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!("DATABASE_URL" in extra)) delete env.DATABASE_URL;
  return env;
}

/** Runs `sightline` from the sources and waits until it prints its URL. */
export async function startCli(args: string[], env: NodeJS.ProcessEnv = cliEnv()): Promise<CliProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "collector/cli.ts", ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const httpUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sightline did not start in 90 s:\n${out}`)), 90_000);
    const check = (): void => {
      const m = /OTLP\/HTTP, API and UI\s+(http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`sightline exited with ${code} before starting:\n${out}`));
    });
  });
  return {
    child,
    httpUrl,
    output: () => out,
    stop: (signal = "SIGINT") => {
      child.kill(signal);
      return exited;
    },
  };
}

/** Runs `sightline` to completion (for --help and bad flags). */
export function runCli(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "collector/cli.ts", ...args], { env: cliEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("exit", (code) => resolve({ code, output }));
  });
}
