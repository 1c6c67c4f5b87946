import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { ensureUiBuilt } from "../support/ui-build.ts";

describe("the collector serves the web UI on its HTTP port", () => {
  let collector: TestCollector;
  let uiDir: string;
  before(async () => {
    uiDir = ensureUiBuilt();
    collector = await startTestCollector({ grpcPort: null });
  });
  after(() => collector.close());

  it("serves index.html at / and must be revalidated every time", async () => {
    const res = await fetch(collector.httpUrl + "/");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/html/);
    assert.equal(res.headers.get("cache-control"), "no-cache");
    assert.match(await res.text(), /<div id="app">/);
  });

  it("serves hashed assets as immutable for a year", async () => {
    const asset = readdirSync(join(uiDir, "assets")).find((f) => f.endsWith(".js"))!;
    const res = await fetch(`${collector.httpUrl}/assets/${asset}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /javascript/);
    assert.match(res.headers.get("cache-control") ?? "", /max-age=31536000/);
    assert.match(res.headers.get("cache-control") ?? "", /immutable/);
  });

  it("answers client routes (deep links) with index.html", async () => {
    for (const path of ["/traces", "/traces/5b8efff798038103d269b633813fc60c?span=eee19b7ec3c1b174", "/runs/abc", "/metrics?metrics=loss"]) {
      const res = await fetch(collector.httpUrl + path, { headers: { accept: "text/html" } });
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get("cache-control"), "no-cache", path);
      assert.match(await res.text(), /<div id="app">/, path);
    }
  });

  it("never falls back to index.html for /api, /v1 or a missing asset", async () => {
    const api = await fetch(collector.httpUrl + "/api/no-such-thing", { headers: { accept: "text/html" } });
    assert.equal(api.status, 404);
    assert.match(api.headers.get("content-type") ?? "", /json/);
    const otlp = await fetch(collector.httpUrl + "/v1/traces", { headers: { accept: "text/html" } });
    assert.equal(otlp.status, 405);
    const v1other = await fetch(collector.httpUrl + "/v1/nothing", { headers: { accept: "text/html" } });
    assert.notEqual(v1other.status, 200);
    const asset = await fetch(collector.httpUrl + "/assets/missing-0123.js");
    assert.equal(asset.status, 404);
  });

  it("mounts the app modules' server routes under /api/apps/<id>", async () => {
    const res = await fetch(collector.httpUrl + "/api/apps/experiments/metric-names");
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { names: [] });
    const paths = await fetch(collector.httpUrl + "/api/apps/experiments/hparam-paths");
    assert.deepEqual(await paths.json(), { paths: [] });
  });

  it("shows the how-to-send-data page when no UI is built", async () => {
    const bare = await startTestCollector({ grpcPort: null }, { uiDir: join(uiDir, "does-not-exist") });
    try {
      const res = await fetch(bare.httpUrl + "/");
      assert.equal(res.status, 200);
      assert.match(await res.text(), /OTEL_EXPORTER_OTLP_ENDPOINT/);
    } finally {
      await bare.close();
    }
  });
});
