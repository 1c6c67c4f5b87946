import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { SETTINGS } from "../../collector/config.ts";
import { cliEnv, runCli, scratchDataDir, startCli } from "../support/cli-process.ts";
import { get, jsonSpan, jsonTraceRequest, post, spanId, traceId } from "../support/otlp.ts";

async function ingestOneTrace(url: string): Promise<string> {
  const t = traceId();
  const res = await post(url, "/v1/traces", JSON.stringify(jsonTraceRequest([jsonSpan({ traceId: t, spanId: spanId(), name: "survives restarts" })])));
  assert.equal(res.status, 200, res.body.toString());
  return t;
}

/** Whether a postgres process runs on this data folder (read from /proc; Linux only, like CI). */
function postgresRunsOn(dataDir: string): boolean {
  return readdirSync("/proc").some((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes(join(dataDir, "pg"));
    } catch {
      return false;
    }
  });
}

describe("the sightline command", () => {
  test("--help lists every setting with its environment variable", async () => {
    const { code, output } = await runCli(["--help"]);
    assert.equal(code, 0);
    for (const [flag, env] of SETTINGS) {
      assert.ok(output.includes(flag), flag);
      assert.ok(output.includes(env), env);
    }
  });

  test("a bad setting exits 2 with a message", async () => {
    const bad = await runCli(["--port", "http"]);
    assert.equal(bad.code, 2);
    assert.match(bad.output, /port must be 0-65535/);
    const unknown = await runCli(["--colour"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.output, /Unknown option/i);
  });

  test("starts on an embedded PostgreSQL, stops cleanly on SIGINT and finds its data again", async () => {
    const dataDir = scratchDataDir();
    const first = await startCli(["--port", "0", "--grpc-port", "0", "--data-dir", dataDir]);
    assert.match(first.output(), new RegExp(`data\\s+${dataDir.replace(/[/.]/g, "\\$&")} \\(embedded PostgreSQL \\d+`));
    assert.match(first.output(), /OTLP\/gRPC\s+127\.0\.0\.1:\d+/);
    const t = await ingestOneTrace(first.httpUrl);

    // A second collector on the same data folder is refused while the first runs.
    await assert.rejects(startCli(["--port", "0", "--grpc-port", "off", "--data-dir", dataDir]), /another Sightline \(pid \d+\) is using/);

    assert.equal(await first.stop("SIGINT"), 0);
    assert.match(first.output(), /Sightline stopped\./);
    assert.equal(postgresRunsOn(dataDir), false, "embedded PostgreSQL stopped with the collector");
    assert.equal(existsSync(join(dataDir, "sightline.pid")), false);

    const second = await startCli(["--port", "0", "--grpc-port", "off", "--data-dir", dataDir]);
    try {
      const res = await get(second.httpUrl, `/api/traces/${t}`);
      assert.equal(res.status, 200);
      assert.equal(res.json().spans[0].name, "survives restarts");
    } finally {
      assert.equal(await second.stop("SIGTERM"), 0);
    }
  });

  test("after the collector is killed outright, the next start recovers the data", async () => {
    const dataDir = scratchDataDir();
    const first = await startCli(["--port", "0", "--grpc-port", "off", "--data-dir", dataDir]);
    const t = await ingestOneTrace(first.httpUrl);
    await first.stop("SIGKILL");
    // Postgres runs in its own process group and outlives a SIGKILLed collector; the next start must deal with it.
    const second = await startCli(["--port", "0", "--grpc-port", "off", "--data-dir", dataDir]);
    try {
      const res = await get(second.httpUrl, `/api/traces/${t}`);
      assert.equal(res.status, 200, "acknowledged data survives a killed collector");
    } finally {
      assert.equal(await second.stop(), 0);
    }
    assert.equal(postgresRunsOn(dataDir), false);
  });

  test("runs against DATABASE_URL without an embedded PostgreSQL", async () => {
    const { createTestDatabase } = await import("../support/database.ts");
    const database = await createTestDatabase();
    const dataDir = scratchDataDir();
    const cli = await startCli(["--port", "0", "--grpc-port", "off", "--data-dir", dataDir], cliEnv({ DATABASE_URL: database.url }));
    try {
      assert.match(cli.output(), /data\s+postgres:\/\/.*\(PostgreSQL \d+/);
      assert.equal(existsSync(join(dataDir, "pg")), false, "no embedded data folder is made");
      const t = await ingestOneTrace(cli.httpUrl);
      assert.equal((await get(cli.httpUrl, `/api/traces/${t}`)).status, 200);
    } finally {
      assert.equal(await cli.stop(), 0);
      await database.drop();
    }
  });
});
