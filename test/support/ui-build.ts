import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { defaultUiDir } from "../../collector/api/ui-static.ts";
import { packageRoot } from "../../collector/package-root.ts";

/**
 * The browser tests need the built UI, which `npm install` makes. When it is missing, or older than
 * a source file under ui/ or apps/ (someone edited the UI and ran the tests), it is built here, once:
 * test files run in parallel, so a lock directory makes the others wait for the one building.
 */
export function ensureUiBuilt(): string {
  const dir = defaultUiDir();
  const index = join(dir, "index.html");
  const root = packageRoot();
  const fresh = (): boolean => existsSync(index) && statSync(index).mtimeMs >= newestSource([join(root, "ui"), join(root, "apps")]);
  if (fresh()) return dir;

  const lock = join(root, "dist", ".ui-build.lock");
  mkdirSync(join(root, "dist"), { recursive: true });
  if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 5 * 60_000) rmSync(lock, { recursive: true, force: true }); // left by a crash
  try {
    mkdirSync(lock);
  } catch {
    // Another test file is building: wait for it.
    const deadline = Date.now() + 5 * 60_000;
    while (existsSync(lock) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    if (!existsSync(index)) throw new Error("the web UI build (by another test file) did not produce dist/ui/index.html");
    return dir;
  }
  try {
    if (!fresh()) {
      execFileSync(process.execPath, [join(root, "node_modules", "vite", "bin", "vite.js"), "build", "--config", join(root, "ui", "vite.config.ts"), "--logLevel", "warn"], {
        stdio: "inherit",
        cwd: root,
      });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return dir;
}

function newestSource(dirs: string[]): number {
  let newest = 0;
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of dirs) if (existsSync(d)) walk(d);
  return newest;
}
