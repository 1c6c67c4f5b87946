/**
 * The committed built-in price table (collector/normalize/ai/prices/prices.json) is exactly what
 * build-price-table.ts makes of the copied Langfuse source (price-source/), apart from the date.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

test("prices.json is reproducible from the Langfuse source by build-price-table.ts", () => {
  const dir = mkdtempSync(join(tmpdir(), "sightline-price-build-"));
  try {
    const out = join(dir, "prices.json");
    const script = join(ROOT, "collector/normalize/ai/prices/build-price-table.ts");
    const source = join(ROOT, "test/ai/price-source/langfuse-default-model-prices.json");
    const run = spawnSync(process.execPath, ["--import", "tsx", script, source, out], { cwd: ROOT, encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /warning/, "the source converts without warnings");
    const built = JSON.parse(readFileSync(out, "utf8"));
    const committed = JSON.parse(readFileSync(join(ROOT, "collector/normalize/ai/prices/prices.json"), "utf8"));
    delete built.source.generatedAt;
    delete committed.source.generatedAt;
    assert.deepEqual(built, committed);
    assert.equal(committed.models.length, 167);
    assert.equal(committed.source.commit, "62751446149b702b419a9292ddfc2280cdf74b8c");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
