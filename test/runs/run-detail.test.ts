/**
 * GET /api/runs/{runId}: the run with its trace and log counts and every metric series with
 * point count, last point, min and max — all derived from what was sent over plain OTLP (traces,
 * metrics and logs of one run). And the JSON 400s and 404s of the runs and metrics read API.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { get, jsonSpan, post, spanId, traceId } from "../support/otlp.ts";
import { apiJson, attributes, exportVia, gauge, histogram, logsRequest, metricsRequest, sum, CUMULATIVE, type SeriesJson } from "../support/otlp-signals.ts";

const T = 1_700_000_000_000_000_000n;
const RUN = { "sightline.run.id": "detailed", "sightline.run.name": "detailed run", "service.name": "trainer" };

let c: TestCollector;
const loss = [2.5, 1.75, NaN, 0.5, 0.75];
const traces = [traceId(), traceId()];

before(async () => {
  c = await startTestCollector();
  // Two requests, out of step order.
  const lossPoints = loss.map((value, step) => ({ value, time: T + BigInt(step), attributes: { "sightline.step": BigInt(step), subset: "train" } }));
  for (const points of [lossPoints.slice(3), lossPoints.slice(0, 3)]) {
    const outcome = await exportVia(c, "http/protobuf", "metrics", JSON.stringify(metricsRequest(RUN, [gauge("loss", points)])));
    assert.equal(outcome.rejected, 0);
  }
  await exportVia(
    c,
    "http/json",
    "metrics",
    JSON.stringify(
      metricsRequest(RUN, [
        sum("samples", [{ value: 64n, time: T }, { value: 128n, time: T + 5n }], { temporality: CUMULATIVE, monotonic: true }),
        histogram("weights", [0n, 1n].map((step) => ({ time: T + step, count: 2n, sum: 1, bounds: [0], counts: [1n, 1n], attributes: { "sightline.step": step } }))),
      ]),
    ),
  );
  // Two traces with spans of this run (one of them in two requests), and three log records.
  const spansRequest = (spans: Array<Record<string, unknown>>) => ({
    resourceSpans: [{ resource: { attributes: attributes(RUN) }, scopeSpans: [{ scope: { name: "s" }, spans }] }],
  });
  for (const spans of [[jsonSpan({ traceId: traces[0]!, spanId: spanId() })], [jsonSpan({ traceId: traces[0]!, spanId: spanId() }), jsonSpan({ traceId: traces[1]!, spanId: spanId() })]]) {
    const res = await post(c.httpUrl, "/v1/traces", JSON.stringify(spansRequest(spans)));
    assert.equal(res.status, 200, res.body.toString());
  }
  const records = [0, 1, 2].map((i) => ({ timeUnixNano: String(T + BigInt(i)), severityNumber: 9, body: { stringValue: `line ${i}` } }));
  assert.equal((await exportVia(c, "grpc", "logs", JSON.stringify(logsRequest(RUN, records)))).rejected, 0);
});

after(() => c.close());

describe("GET /api/runs/{runId}", () => {
  test("the run with its resource, trace count and log count", async () => {
    const { run } = await apiJson(c, "/api/runs/detailed");
    assert.deepEqual(
      { runId: run.runId, name: run.name, traceCount: run.traceCount, logCount: run.logCount, resourceAttributes: run.resourceAttributes },
      { runId: "detailed", name: "detailed run", traceCount: traces.length, logCount: 3, resourceAttributes: RUN },
    );
  });

  test("every series with point count, last point, min and max (NaN ignored)", async () => {
    const { series } = await apiJson<{ series: SeriesJson[] }>(c, "/api/runs/detailed");
    const summary = (s: SeriesJson) => ({ name: s.name, kind: s.kind, context: s.context, pointCount: s.pointCount, last: s.last, min: s.min, max: s.max });
    const finite = loss.filter((v) => !Number.isNaN(v));
    assert.deepEqual(series.map(summary), [
      { name: "loss", kind: "gauge", context: { subset: "train" }, pointCount: loss.length, last: { step: 4, timeUnixNano: String(T + 4n), value: 0.75 }, min: Math.min(...finite), max: Math.max(...finite) },
      { name: "samples", kind: "sum", context: {}, pointCount: 2, last: { step: null, timeUnixNano: String(T + 5n), value: 128 }, min: 64, max: 128 },
      { name: "weights", kind: "histogram", context: {}, pointCount: 2, last: { step: 1, timeUnixNano: String(T + 1n), value: null }, min: null, max: null },
    ]);
  });

  test("an unknown run is a JSON 404; so is it in another project", async () => {
    for (const path of ["/api/runs/nope", "/api/runs/detailed?project=other"]) {
      const res = await get(c.httpUrl, path);
      assert.equal(res.status, 404, path);
      assert.deepEqual(res.json(), { error: { status: 404, message: "run not found" } });
    }
  });
});

describe("read API parameter errors are 400 JSON", () => {
  const cases = [
    "/api/metrics",
    "/api/metrics?runs=detailed&x=iteration",
    "/api/metrics?runs=detailed&points=-1",
    "/api/metrics?runs=detailed&points=many",
    "/api/metrics?runs=detailed&points=1000001",
    "/api/metrics?runs=detailed&limit=0",
    "/api/metrics?runs=detailed&context=not-json",
    "/api/metrics?runs=detailed&context=%5B1%5D",
    "/api/metrics?runs=detailed&project=a&project=b",
    "/api/runs/detailed/logs?minSeverity=25",
    "/api/runs/detailed/logs?limit=0",
    "/api/runs/detailed/logs?cursor=bm90LWEtY3Vyc29y",
    "/api/runs/detailed/distributions?context=%7B",
  ];
  for (const path of cases) {
    test(path, async () => {
      const res = await get(c.httpUrl, path);
      assert.equal(res.status, 400, res.body.toString());
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
      const body = res.json();
      assert.equal(body.error.status, 400);
      assert.ok(body.error.message.length > 0);
    });
  }

  test("and the same series still read fine", async () => {
    const { series } = await apiJson(c, "/api/metrics?runs=detailed&names=loss&points=4");
    assert.equal(series.length, 1);
    assert.equal(series[0].totalPoints, loss.length);
    assert.ok(series[0].points.step.length <= 4);
  });
});

test("a context filter naming sightline.step or sightline.epoch is refused, not silently empty", async () => {
  const c = await startTestCollector();
  try {
    for (const key of ["sightline.step", "sightline.epoch"]) {
      const res = await get(c.httpUrl, `/api/metrics?names=loss&context=${encodeURIComponent(JSON.stringify({ [key]: 1 }))}`);
      assert.equal(res.status, 400);
      assert.match(res.json().error.message, /point fields, not context/);
    }
  } finally {
    await c.close();
  }
});
