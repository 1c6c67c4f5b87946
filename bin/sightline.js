#!/usr/bin/env node
// The `sightline` command. Runs the compiled collector (built by `npm install` via the prepare script).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = new URL("../dist/collector/cli.js", import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error("sightline: the collector is not built yet; run `npm install` (or `npm run build`) first.");
  process.exit(1);
}
await import(cli.href);
