import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { trace } from "@opentelemetry/api";
import { register, Run, type Registration } from "../../instrumentation/index.ts";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { get } from "../support/otlp.ts";

let c: TestCollector;
let sdk: Registration;

before(async () => {
  c = await startTestCollector();
  sdk = register({ endpoint: c.httpUrl, serviceName: "run-api-test" });
});

after(async () => {
  await sdk.shutdown();
  await c.close();
});

interface SeriesJson {
  seriesId: string;
  name: string;
  kind: string;
  context: Record<string, unknown>;
  pointCount: number;
  last: { step: number; value: number };
  min: number;
  max: number;
}

describe("the Run API, end to end", () => {
  test("a run's fields, nested hparams, contexts, steps, epochs, distributions and logs come back exactly", async () => {
    const run = new Run({
      endpoint: c.httpUrl,
      experiment: "mnist",
      name: "lr-sweep-3",
      hparams: { lr: 3e-4, optimizer: { name: "adam", betas: [0.9, 0.999] } },
      tags: ["baseline"],
    });
    run.set(["hparams", "dropout"], 0.1);
    const train: number[] = [];
    for (let step = 0; step < 300; step++) {
      const loss = 1 / (step + 1) + (step % 7) * 0.001;
      train.push(loss);
      run.track(loss, { name: "loss", step, epoch: Math.floor(step / 100), context: { subset: "train" } });
    }
    run.track(0.5, { name: "loss", step: 99, epoch: 0, context: { subset: "val" } });
    run.track(0.25, { name: "loss", step: 299, epoch: 2, context: { subset: "val" } });
    for (let epoch = 0; epoch < 3; epoch++) {
      run.trackDistribution([epoch, epoch + 1, epoch + 1, epoch + 2], { name: "weights", step: epoch * 100 + 99, epoch, bins: 4 });
    }
    run.log.info("epoch done", { epoch: 2 });
    run.log.warn("lr may be too high");
    await run.close();

    const detail = (await get(c.httpUrl, `/api/runs/${run.runId}`)).json();
    assert.equal(detail.run.name, "lr-sweep-3");
    assert.equal(detail.run.experiment, "mnist");
    assert.deepEqual(detail.run.tags, ["baseline"]);
    assert.equal(detail.run.status, "finished");
    assert.ok(detail.run.endedAt, "a finished run has an end time");
    assert.deepEqual(detail.run.hparams, { lr: 3e-4, dropout: 0.1, optimizer: { name: "adam", betas: [0.9, 0.999] } });
    assert.equal(detail.run.logCount, 2);

    const series = detail.series as SeriesJson[];
    const trainLoss = series.find((s) => s.name === "loss" && s.context.subset === "train")!;
    const valLoss = series.find((s) => s.name === "loss" && s.context.subset === "val")!;
    assert.deepEqual(trainLoss.context, { subset: "train" }, "step and epoch are not part of the context");
    assert.equal(trainLoss.pointCount, 300);
    assert.equal(trainLoss.last.step, 299);
    assert.equal(trainLoss.last.value, train[299]);
    assert.equal(trainLoss.min, Math.min(...train));
    assert.equal(trainLoss.max, Math.max(...train));
    assert.equal(valLoss.pointCount, 2);
    assert.equal(valLoss.last.value, 0.25);

    const metrics = (await get(c.httpUrl, `/api/metrics?runs=${run.runId}&names=loss&context=${encodeURIComponent('{"subset":"train"}')}`)).json();
    assert.equal(metrics.series.length, 1);
    const points = metrics.series[0].points;
    assert.deepEqual(points.step, [...Array(300).keys()]);
    assert.deepEqual(points.value, train, "every tracked value arrives at full resolution");
    assert.deepEqual(points.epoch, points.step.map((s: number) => Math.floor(s / 100)));

    const byEpoch = (await get(c.httpUrl, `/api/metrics?runs=${run.runId}&names=loss&x=epoch`)).json();
    for (const s of byEpoch.series) assert.ok(s.points.epoch.every((e: number, i: number, all: number[]) => i === 0 || all[i - 1]! <= e));

    const dist = (await get(c.httpUrl, `/api/runs/${run.runId}/distributions?name=weights`)).json();
    assert.equal(dist.distributions.length, 1);
    const perStep = dist.distributions[0].distributions;
    assert.deepEqual(perStep.map((d: { step: number }) => d.step), [99, 199, 299]);
    assert.deepEqual(perStep.map((d: { epoch: number }) => d.epoch), [0, 1, 2]);
    for (const [epoch, d] of perStep.entries()) {
      assert.equal(d.count, "4");
      assert.equal(d.sum, 4 * epoch + 4);
      assert.equal(d.min, epoch);
      assert.equal(d.max, epoch + 2);
      assert.equal(d.bucketCounts.reduce((a: number, b: string) => a + Number(b), 0), 4, "every value lands in a bucket");
      assert.equal(d.bucketCounts.length, d.explicitBounds.length + 1);
    }

    const logs = (await get(c.httpUrl, `/api/runs/${run.runId}/logs`)).json().logs;
    assert.deepEqual(logs.map((l: { body: string; severityText: string }) => [l.body, l.severityText]), [["epoch done", "INFO"], ["lr may be too high", "WARN"]]);
    assert.deepEqual(logs[0].attributes, { epoch: 2 });
  });

  test("steps count up by themselves per (name, context) when not given", async () => {
    const run = new Run({ endpoint: c.httpUrl, experiment: "auto-steps" });
    for (let i = 0; i < 5; i++) {
      run.track(i * 10, { name: "reward", context: { env: "a" } });
      run.track(i * 100, { name: "reward", context: { env: "b" } });
    }
    await run.close();
    const { series } = (await get(c.httpUrl, `/api/metrics?runs=${run.runId}&names=reward`)).json();
    assert.equal(series.length, 2);
    for (const s of series) assert.deepEqual(s.points.step, [0, 1, 2, 3, 4]);
  });

  test("a sequence is its name and context: alike-looking contexts stay apart, key order does not matter", async () => {
    const run = new Run({ endpoint: c.httpUrl, experiment: "auto-steps" });
    const contexts: Array<Record<string, string | number | boolean>> = [{ a: "1" }, { a: 1 }, { a: true }, { a: "true" }, { ab: "c" }, { a: "bc" }, { x: 1, y: 2 }, { y: 2, x: 1 }];
    for (let i = 0; i < 3; i++) for (const context of contexts) run.track(i, { name: "m", context });
    await run.close();
    const { series } = (await get(c.httpUrl, `/api/metrics?runs=${run.runId}&names=m`)).json();
    assert.equal(series.length, 7, "{x, y} in either order is one sequence");
    for (const s of series) {
      const xy = JSON.stringify(s.series.context) === JSON.stringify({ x: 1, y: 2 });
      assert.deepEqual(s.points.step, xy ? [0, 1, 2, 3, 4, 5] : [0, 1, 2], JSON.stringify(s.series.context));
    }
  });

  test("spans made while the run is active belong to it, and logs inside a span link to it", async () => {
    const run = new Run({ endpoint: c.httpUrl, experiment: "traced" });
    const tracer = trace.getTracer("test");
    let traceId = "";
    await run.with(() =>
      tracer.startActiveSpan("epoch 0", async (span) => {
        traceId = span.spanContext().traceId;
        run.log.info("inside the span");
        span.end();
      }),
    );
    await sdk.forceFlush();
    await run.close();
    const traces = (await get(c.httpUrl, `/api/traces?run=${run.runId}`)).json().traces;
    assert.deepEqual(traces.map((t: { traceId: string }) => t.traceId), [traceId]);
    const detail = (await get(c.httpUrl, `/api/runs/${run.runId}`)).json();
    assert.equal(detail.run.traceCount, 1);
    const [log] = (await get(c.httpUrl, `/api/runs/${run.runId}/logs`)).json().logs;
    assert.equal(log.traceId, traceId);
    assert.notEqual(log.spanId, "");
  });

  test("fail() marks the run failed and logs the error", async () => {
    const run = new Run({ endpoint: c.httpUrl, experiment: "failing" });
    run.track(1, { name: "loss" });
    await run.fail(new RangeError("diverged"));
    const detail = (await get(c.httpUrl, `/api/runs/${run.runId}`)).json();
    assert.equal(detail.run.status, "failed");
    const [log] = (await get(c.httpUrl, `/api/runs/${run.runId}/logs`)).json().logs;
    assert.equal(log.severityText, "ERROR");
    assert.equal(log.attributes["exception.type"], "RangeError");
  });

  test("a later run handle for the same id merges hparams and never moves the status back", async () => {
    const first = new Run({ endpoint: c.httpUrl, runId: `resumed-${Date.now()}`, hparams: { a: 1, nested: { x: 1 } } });
    await first.close();
    const again = new Run({ endpoint: c.httpUrl, runId: first.runId, hparams: { b: 2, nested: { y: 2 } } });
    await again.flush();
    const detail = (await get(c.httpUrl, `/api/runs/${first.runId}`)).json();
    assert.deepEqual(detail.run.hparams, { a: 1, b: 2, nested: { x: 1, y: 2 } });
    assert.equal(detail.run.status, "finished", "a running statement after finished does not reopen the run");
    await again.close();
  });

  test("keeps tracked points while the collector is away and delivers them when it is back", async () => {
    const { createServer } = await import("node:http");
    let calls = 0;
    // A stand-in that answers 503 twice (with Retry-After) and then forwards to the collector.
    const flaky = createServer((req, res) => {
      calls++;
      if (calls <= 2) {
        req.resume();
        res.writeHead(503, { "retry-after": "0.05" }).end();
        return;
      }
      const chunks: Buffer[] = [];
      req.on("data", (d: Buffer) => chunks.push(d));
      req.on("end", async () => {
        const upstream = await fetch(c.httpUrl + req.url, { method: "POST", headers: { "content-type": req.headers["content-type"]! }, body: Buffer.concat(chunks) });
        res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type")! }).end(Buffer.from(await upstream.arrayBuffer()));
      });
    });
    await new Promise<void>((r) => flaky.listen(0, "127.0.0.1", r));
    const port = (flaky.address() as { port: number }).port;
    try {
      const run = new Run({ endpoint: `http://127.0.0.1:${port}`, experiment: "flaky" });
      for (let step = 0; step < 50; step++) run.track(step, { name: "x", step });
      await run.close();
      assert.ok(calls > 2, "the first attempts were refused");
      const { series } = (await get(c.httpUrl, `/api/metrics?runs=${run.runId}&names=x`)).json();
      assert.deepEqual(series[0].points.value, [...Array(50).keys()]);
    } finally {
      flaky.close();
    }
  });
});
