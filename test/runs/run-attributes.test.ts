/**
 * Runs from plain OTLP resource attributes (docs/mapping.md, "Runs"): sightline.run.id / .name /
 * .experiment / .tags (string array or comma-separated) / .status (forward only), sightline.hparams
 * as a kvlist, a JSON string or flattened keys (deep-merged across requests), and sightline.project
 * keeping projects apart. Runs are stated with metrics requests that carry no points, as the
 * mapping suggests for finishing a run.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { get } from "../support/otlp.ts";
import {
  apiJson,
  attributes,
  documentedImplicitRunId,
  exportVia,
  gauge,
  logsRequest,
  metricsRequest,
  type Json,
  type Plain,
} from "../support/otlp-signals.ts";

const T = 1_700_000_000_000_000_000n;

let c: TestCollector;

before(async () => {
  c = await startTestCollector();
});

after(() => c.close());

/** A metrics request whose resource says these things about its run, with no points (or the given metrics). */
async function state(resource: Record<string, Plain>, metrics: Json[] = []): Promise<void> {
  const outcome = await exportVia(c, "http/json", "metrics", JSON.stringify(metricsRequest(resource, metrics)));
  assert.deepEqual([outcome.accepted, outcome.rejected], [true, 0], outcome.message);
}

async function run(runId: string, project?: string): Promise<Record<string, any>> {
  return (await apiJson(c, `/api/runs/${encodeURIComponent(runId)}${project ? `?project=${project}` : ""}`)).run;
}

describe("run fields from resource attributes", () => {
  test("an explicit run: id, name, experiment, tags; it starts running", async () => {
    await state({ "sightline.run.id": "explicit-1", "sightline.run.name": "first try", "sightline.experiment": "mnist", "sightline.run.tags": ["gpu", "baseline", "gpu"] });
    const r = await run("explicit-1");
    assert.deepEqual(
      { runId: r.runId, name: r.name, experiment: r.experiment, tags: r.tags, status: r.status, implicit: r.implicit, hparams: r.hparams, endedAt: r.endedAt },
      { runId: "explicit-1", name: "first try", experiment: "mnist", tags: ["baseline", "gpu"], status: "running", implicit: false, hparams: {}, endedAt: null },
    );
  });

  test("tags as one comma-separated string; the latest stated set wins; unstated fields stay", async () => {
    await state({ "sightline.run.id": "tags-1", "sightline.run.name": "tagged", "sightline.run.tags": "sweep, lr ,,sweep" });
    assert.deepEqual((await run("tags-1")).tags, ["lr", "sweep"]);
    await state({ "sightline.run.id": "tags-1", "sightline.run.tags": ["final"] });
    assert.deepEqual((await run("tags-1")).tags, ["final"]);
    await state({ "sightline.run.id": "tags-1", "sightline.experiment": "later" });
    const r = await run("tags-1");
    assert.deepEqual([r.tags, r.name, r.experiment], [["final"], "tagged", "later"], "a request that does not state a field changes nothing");
    await state({ "sightline.run.id": "tags-1", "sightline.run.name": "renamed" });
    assert.equal((await run("tags-1")).name, "renamed", "the latest stated name wins");
  });

  test("the status only moves forward: running → finished, never back, never to failed after", async () => {
    await state({ "sightline.run.id": "status-1" });
    assert.equal((await run("status-1")).status, "running");
    await state({ "sightline.run.id": "status-1", "sightline.run.status": "bogus" });
    assert.equal((await run("status-1")).status, "running", "unknown statuses are ignored");
    await state({ "sightline.run.id": "status-1", "sightline.run.status": "FINISHED" });
    const finished = await run("status-1");
    assert.equal(finished.status, "finished");
    assert.ok(finished.endedAt && Date.parse(finished.endedAt) >= Date.parse(finished.createdAt), "endedAt is set when the status moves");
    for (const status of ["running", "failed", "finished"]) {
      await state({ "sightline.run.id": "status-1", "sightline.run.status": status });
      const r = await run("status-1");
      assert.equal(r.status, "finished", `after ${status}`);
      assert.equal(r.endedAt, finished.endedAt, "the end time stays");
    }
  });

  test("running → failed; a finish stated in the same request as points still stores the points", async () => {
    await state({ "sightline.run.id": "status-2", "sightline.run.status": "running" }, [gauge("loss", [{ value: 1, time: T }])]);
    await state({ "sightline.run.id": "status-2", "sightline.run.status": "failed" }, [gauge("loss", [{ value: 2, time: T + 1n }])]);
    const r = await run("status-2");
    assert.equal(r.status, "failed");
    const { series } = await apiJson(c, "/api/metrics?runs=status-2");
    assert.deepEqual(series[0].points.value, [1, 2]);
  });

  test("an implicit run may still be named and put in an experiment by its resource", async () => {
    const resource = { "service.name": "worker", "host.name": "box", "process.pid": 77n, "sightline.run.name": "nightly", "sightline.experiment": "etl" };
    await state(resource);
    const r = await run(documentedImplicitRunId({ "service.name": "worker", "host.name": "box", "process.pid": 77 }));
    assert.deepEqual([r.implicit, r.name, r.experiment], [true, "nightly", "etl"]);
  });
});

describe("hparams", () => {
  test("a kvlist, then a JSON string, then flattened keys: deep-merged, later leaves win, arrays are leaves", async () => {
    await state({ "sightline.run.id": "hp-1", "sightline.hparams": { lr: 0.1, layers: 4n, optimizer: { name: "sgd", momentum: 0.9, betas: [0.9, 0.99] } } });
    assert.deepEqual((await run("hp-1")).hparams, { lr: 0.1, layers: 4, optimizer: { name: "sgd", momentum: 0.9, betas: [0.9, 0.99] } });
    await state({ "sightline.run.id": "hp-1", "sightline.hparams": JSON.stringify({ batch: 32, optimizer: { momentum: 0.95, nesterov: true, betas: [0.8] } }) });
    await state({ "sightline.run.id": "hp-1", "sightline.hparams.optimizer.name": "adam", "sightline.hparams.data.augment.flip": true });
    assert.deepEqual((await run("hp-1")).hparams, {
      lr: 0.1,
      layers: 4,
      batch: 32,
      optimizer: { name: "adam", momentum: 0.95, nesterov: true, betas: [0.8] },
      data: { augment: { flip: true } },
    });
    await state({ "sightline.run.id": "hp-1", "sightline.run.name": "no hparams stated" });
    assert.equal((await run("hp-1")).hparams.batch, 32, "a request without hparams keeps them");
  });

  test("in one request, flattened keys win over the same path of the JSON string", async () => {
    await state({
      "sightline.run.id": "hp-2",
      "sightline.hparams": '{"lr": 0.1, "optimizer": {"name": "sgd", "momentum": 0.9}}',
      "sightline.hparams.optimizer.name": "adam",
      "sightline.hparams.seed": 7n,
    });
    assert.deepEqual((await run("hp-2")).hparams, { lr: 0.1, seed: 7, optimizer: { name: "adam", momentum: 0.9 } });
  });

  test("two resources of one request naming the same run deep-merge their hparams", async () => {
    const body = {
      resourceMetrics: [
        { resource: { attributes: attributes({ "sightline.run.id": "hp-3", "sightline.hparams": { optimizer: { name: "adam" }, lr: 0.1 } }) }, scopeMetrics: [] },
        { resource: { attributes: attributes({ "sightline.run.id": "hp-3", "sightline.hparams": { optimizer: { momentum: 0.9 } } }) }, scopeMetrics: [] },
      ],
    };
    const outcome = await exportVia(c, "http/json", "metrics", JSON.stringify(body));
    assert.equal(outcome.accepted, true);
    assert.deepEqual((await run("hp-3")).hparams, { lr: 0.1, optimizer: { name: "adam", momentum: 0.9 } });
  });

  test("concurrent requests (written in one group commit) each add their nested keys", async () => {
    const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
    await Promise.all(keys.map((k) => state({ "sightline.run.id": "hp-5", [`sightline.hparams.nested.${k}`]: BigInt(k.slice(1)) })));
    assert.deepEqual((await run("hp-5")).hparams, { nested: Object.fromEntries(keys.map((k) => [k, Number(k.slice(1))])) });
  });

  test("a string that is not a JSON object gives no hparams, but the attribute stays on the resource", async () => {
    await state({ "sightline.run.id": "hp-4", "sightline.hparams": "lr=0.1" });
    const r = await run("hp-4");
    assert.deepEqual(r.hparams, {});
    assert.equal(r.resourceAttributes["sightline.hparams"], "lr=0.1");
  });
});

describe("projects", () => {
  test("the same run id in two projects is two runs, and each project sees only its own", async () => {
    await state({ "sightline.project": "alpha", "sightline.run.id": "shared", "sightline.run.name": "in alpha", "sightline.hparams.lr": 0.1 }, [gauge("loss", [{ value: 1, time: T }])]);
    await state({ "sightline.project": "beta", "sightline.run.id": "shared", "sightline.run.name": "in beta", "sightline.hparams.lr": 0.2 }, [gauge("loss", [{ value: 2, time: T }])]);
    const alpha = await run("shared", "alpha");
    const beta = await run("shared", "beta");
    assert.deepEqual([alpha.name, alpha.hparams], ["in alpha", { lr: 0.1 }]);
    assert.deepEqual([beta.name, beta.hparams], ["in beta", { lr: 0.2 }]);
    assert.deepEqual((await apiJson(c, "/api/runs?project=alpha")).runs.map((r: { name: string }) => r.name), ["in alpha"]);
    assert.equal((await get(c.httpUrl, "/api/runs/shared")).status, 404, "not in the default project");
    const values = async (project: string): Promise<unknown> => (await apiJson(c, `/api/metrics?runs=shared&project=${project}`)).series.map((s: { points: { value: number[] } }) => s.points.value);
    assert.deepEqual(await values("alpha"), [[1]]);
    assert.deepEqual(await values("beta"), [[2]]);
    assert.deepEqual(await values("default"), []);
  });
});

describe("which run data belongs to", () => {
  test("a log record's own sightline.run.id wins; the resource's run is made only when data belongs to it", async () => {
    const resource = { "service.name": "multi", "host.name": "h", "process.pid": 5n };
    const body = logsRequest(resource, [
      { timeUnixNano: String(T), body: { stringValue: "for run A" }, attributes: attributes({ "sightline.run.id": "owner-a" }) },
      { timeUnixNano: String(T + 1n), body: { stringValue: "for run B" }, attributes: attributes({ "sightline.run.id": "owner-b" }) },
    ]);
    assert.equal((await exportVia(c, "http/json", "logs", JSON.stringify(body))).rejected, 0);
    for (const [id, text] of [["owner-a", "for run A"], ["owner-b", "for run B"]]) {
      const { logs } = await apiJson(c, `/api/runs/${id}/logs`);
      assert.deepEqual(logs.map((l: { body: string }) => l.body), [text]);
    }
    const implicitId = documentedImplicitRunId({ "service.name": "multi", "host.name": "h", "process.pid": 5 });
    assert.equal((await get(c.httpUrl, `/api/runs/${implicitId}`)).status, 404, "no empty implicit run");
  });

  test("a metric point's sightline.run.id is context, not a run: series belong to their resource's run", async () => {
    await state({ "sightline.run.id": "resource-run" }, [gauge("m", [{ value: 1, time: T, attributes: { "sightline.run.id": "other" } }])]);
    const { series } = await apiJson(c, "/api/runs/resource-run");
    assert.deepEqual(series.map((s: { context: unknown }) => s.context), [{ "sightline.run.id": "other" }]);
    assert.equal((await get(c.httpUrl, "/api/runs/other")).status, 404);
  });
});
