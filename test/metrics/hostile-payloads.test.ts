/**
 * Hostile metric payloads are normal input: wrong JSON types in data points, 20,000 distinct
 * contexts in one request, NaN everywhere, kvlists nested 100 levels deep, a "__proto__" hparams
 * path. Each gets the right status (a bad point is dropped and counted like a bad span or log
 * record; a request that cannot be read at all is a 400), the collector keeps serving, and nothing
 * accepted before is lost.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { get } from "../support/otlp.ts";
import {
  anyValue,
  apiJson,
  attributes,
  exportVia,
  gauge,
  metricRowCounts,
  metricsRequest,
  numberPoint,
  type Json,
  type Plain,
  type SeriesJson,
  type Transport,
} from "../support/otlp-signals.ts";

const T = 1_700_000_000_000_000_000n;

let c: TestCollector;
let baseline: { series: SeriesJson[]; points: Array<number | string> };

async function readBaseline(): Promise<typeof baseline> {
  const { series } = await apiJson<{ series: SeriesJson[] }>(c, "/api/runs/baseline");
  const points = (await apiJson(c, "/api/metrics?runs=baseline")).series[0].points.value;
  return { series, points };
}

before(async () => {
  c = await startTestCollector();
  const points = Array.from({ length: 100 }, (_, step) => ({ value: Math.cos(step), time: T + BigInt(step), attributes: { "sightline.step": BigInt(step) } }));
  const outcome = await exportVia(c, "http/protobuf", "metrics", JSON.stringify(metricsRequest({ "sightline.run.id": "baseline" }, [gauge("loss", points)])));
  assert.equal(outcome.rejected, 0);
  baseline = await readBaseline();
});

after(async () => {
  // Whatever came before, the first data is intact and the collector answers.
  assert.deepEqual(await readBaseline(), baseline, "nothing accepted earlier was lost or changed");
  assert.equal((await get(c.httpUrl, "/api/health")).json().status, "ok");
  await c.close();
});

async function send(transport: Transport, body: Json | string): Promise<Awaited<ReturnType<typeof exportVia>>> {
  return exportVia(c, transport, "metrics", typeof body === "string" ? body : JSON.stringify(body));
}

function deep(levels: number): Plain {
  return levels === 0 ? "bottom" : { level: deep(levels - 1) };
}

/** One valid point before and after the hostile one, in the same metric. */
function sandwich(runId: string, hostile: Json): Json {
  const body = metricsRequest({ "sightline.run.id": runId }, [gauge("m", [{ value: 1, time: T }, { value: 3, time: T + 2n }])]);
  const points = (body.resourceMetrics as Array<{ scopeMetrics: Array<{ metrics: Array<{ gauge: { dataPoints: Json[] } }> }> }>)[0]!.scopeMetrics[0]!.metrics[0]!.gauge.dataPoints;
  points.splice(1, 0, hostile);
  return body;
}

async function values(runId: string): Promise<unknown> {
  return (await apiJson(c, `/api/metrics?runs=${runId}`)).series.map((s: { points: { value: unknown[] } }) => s.points.value);
}

describe("data points with fields of the wrong JSON type", () => {
  const point = (fields: Json): Json => ({ timeUnixNano: String(T + 1n), asDouble: 2, ...fields });
  const cases: Array<{ name: string; hostile: Json }> = [
    { name: "asDouble is an object", hostile: point({ asDouble: { x: 1 } }) },
    { name: "asDouble is a non-numeric string", hostile: point({ asDouble: "two" }) },
    { name: "asInt is a fraction", hostile: point({ asDouble: undefined, asInt: "1.5" }) },
    { name: "asInt beyond int64", hostile: point({ asDouble: undefined, asInt: "99999999999999999999" }) },
    { name: "timeUnixNano is a word", hostile: point({ timeUnixNano: "soon" }) },
    { name: "timeUnixNano is negative", hostile: point({ timeUnixNano: -5 }) },
    { name: "attributes is a string", hostile: point({ attributes: "subset=train" }) },
    { name: "an attribute key is a number", hostile: point({ attributes: [{ key: 5, value: { stringValue: "x" } }] }) },
    { name: "an attribute value of the wrong type", hostile: point({ attributes: [{ key: "k", value: { boolValue: "yes" } }] }) },
    { name: "flags is a string", hostile: point({ flags: "none" }) },
    { name: "exemplars is an object", hostile: point({ exemplars: { value: 1 } }) },
    { name: "the point is an array", hostile: [1, 2] as unknown as Json },
    { name: "the point is null", hostile: null as unknown as Json },
  ];
  for (const [i, kase] of cases.entries()) {
    test(`${kase.name}: that point is rejected and counted, its neighbours stored`, async () => {
      const runId = `wrong-type-${i}`;
      const outcome = await send("http/json", sandwich(runId, kase.hostile));
      assert.deepEqual([outcome.accepted, outcome.status, outcome.rejected], [true, 200, 1], outcome.message);
      assert.ok(outcome.message.length > 0, "the reason is given");
      assert.deepEqual(await values(runId), [[1, 3]]);
    });
  }

  test("a histogram point with text bucket counts, among valid histogram points", async () => {
    const body = metricsRequest({ "sightline.run.id": "wrong-histogram" }, [
      {
        name: "h",
        histogram: {
          aggregationTemporality: 2,
          dataPoints: [
            { timeUnixNano: String(T), count: "1", bucketCounts: ["1"], explicitBounds: [] },
            { timeUnixNano: String(T + 1n), count: "1", bucketCounts: ["one"], explicitBounds: [] },
            { timeUnixNano: String(T + 2n), count: "2", bucketCounts: ["1", "1"], explicitBounds: ["abc"] },
            { timeUnixNano: String(T + 3n), count: "2", bucketCounts: ["1", "1"], explicitBounds: [0.5] },
          ],
        },
      },
    ]);
    const outcome = await send("http/json", body);
    assert.deepEqual([outcome.accepted, outcome.rejected], [true, 2], outcome.message);
    const { distributions } = await apiJson(c, "/api/runs/wrong-histogram/distributions");
    assert.deepEqual(distributions[0].distributions.map((d: { count: string }) => d.count), ["1", "2"]);
  });

  test("structure outside the points that cannot be read is a 400, and stores nothing", async () => {
    const before = await metricRowCounts(c);
    for (const body of [
      { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 5, gauge: { dataPoints: [] } }] }] }] },
      { resourceMetrics: [{ resource: { attributes: "x" }, scopeMetrics: [] }] },
      { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: "m", gauge: { dataPoints: "many" } }] }] }] },
      { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: "m", sum: { aggregationTemporality: "SIDEWAYS", dataPoints: [] } }] }] }] },
    ]) {
      const outcome = await send("http/json", body);
      assert.deepEqual([outcome.accepted, outcome.status], [false, 400], JSON.stringify(body));
      assert.ok(outcome.message.length > 0);
    }
    assert.deepEqual(await metricRowCounts(c), before);
  });
});

describe("huge cardinality", () => {
  test("20,000 distinct contexts in one request: 20,000 series, every point stored", async () => {
    const n = 20_000;
    const points = Array.from({ length: n }, (_, i) => ({ value: i, time: T, attributes: { shard: BigInt(i % 100), user: `user-${i}` } }));
    const before = await metricRowCounts(c);
    const started = performance.now();
    const outcome = await send("http/protobuf", metricsRequest({ "sightline.run.id": "cardinality" }, [gauge("requests", points)]));
    const ms = Math.round(performance.now() - started);
    console.log(`# 20,000 contexts in one OTLP/protobuf request: stored in ${ms} ms`);
    assert.deepEqual([outcome.accepted, outcome.rejected], [true, 0], outcome.message);
    const after = await metricRowCounts(c);
    assert.deepEqual([after.series - before.series, after.points - before.points], [n, n]);
    const one = await apiJson(c, `/api/metrics?runs=cardinality&context=${encodeURIComponent('{"user":"user-12345"}')}`);
    assert.deepEqual(one.series.map((s: { series: SeriesJson; points: { value: number[] } }) => [s.series.context, s.points.value]), [[{ shard: 45, user: "user-12345" }, [12345]]]);
    const shard = await apiJson(c, `/api/metrics?runs=cardinality&context=${encodeURIComponent('{"shard":7}')}&limit=10000`);
    assert.equal(shard.series.length, n / 100);
    // The run page lists 10,000 series and says there are more, rather than hiding them silently.
    const detail = await apiJson(c, "/api/runs/cardinality");
    assert.equal(detail.series.length, 10_000);
    assert.equal(detail.seriesTruncated, true);
    // Re-sending the whole request stores nothing more.
    assert.equal((await send("http/json", metricsRequest({ "sightline.run.id": "cardinality" }, [gauge("requests", points)]))).rejected, 0);
    assert.deepEqual(await metricRowCounts(c), after);
  });
});

describe("keys that PostgreSQL stores alike", () => {
  test("projects and run ids with a NUL and with its stored form (U+FFFD) in one request are one project and one run", async () => {
    const resource = (project: string, runId: string) => ({ "sightline.project": project, "sightline.run.id": runId });
    const request = {
      resourceMetrics: [
        (metricsRequest(resource("lab\u0000nul", "run\u0000nul"), [gauge("m", [{ value: 1, time: T, attributes: { "sightline.step": 0n } }])]) as { resourceMetrics: Json[] }).resourceMetrics[0],
        (metricsRequest(resource("lab\ufffdnul", "run\ufffdnul"), [gauge("m", [{ value: 2, time: T, attributes: { "sightline.step": 1n } }])]) as { resourceMetrics: Json[] }).resourceMetrics[0],
      ],
    };
    const outcome = await send("http/json", request);
    assert.deepEqual([outcome.accepted, outcome.rejected], [true, 0], outcome.message);
    const { series } = await apiJson(c, `/api/metrics?project=${encodeURIComponent("lab\ufffdnul")}&runs=${encodeURIComponent("run\ufffdnul")}&names=m`);
    assert.equal(series.length, 1);
    assert.deepEqual(series[0].points.value, [1, 2]);
    assert.equal(series[0].series.pointCount, 2);
  });
});

describe("NaN everywhere", () => {
  for (const transport of ["http/json", "http/protobuf", "grpc"] as const) {
    test(`values, sums, bounds, attributes, exemplars and hparams all NaN (${transport}): stored, NaN in, "NaN" out`, async () => {
      const runId = `nan-${transport.replace(/\W/g, "-")}`;
      const body = metricsRequest({ "sightline.run.id": runId, "sightline.hparams": { lr: NaN } }, [
        gauge("g", [0, 1, 2].map((step) => ({ value: NaN, time: T + BigInt(step), attributes: { "sightline.step": BigInt(step), weird: NaN } }))),
        { name: "s", sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ ...numberPoint({ value: NaN, time: T }), exemplars: [{ timeUnixNano: String(T), asDouble: "NaN" }] }] } },
        {
          name: "h",
          histogram: { aggregationTemporality: 2, dataPoints: [{ timeUnixNano: String(T), count: "1", sum: "NaN", min: "NaN", max: "NaN", explicitBounds: ["NaN"], bucketCounts: ["0", "1"] }] },
        },
      ]);
      const outcome = await send(transport, body);
      assert.deepEqual([outcome.accepted, outcome.rejected], [true, 0], outcome.message);
      const { run, series } = await apiJson(c, `/api/runs/${runId}`);
      assert.deepEqual(run.hparams, { lr: "NaN" });
      const g = series.find((s: SeriesJson) => s.name === "g");
      assert.deepEqual([g.pointCount, g.min, g.max, g.last.value], [3, null, null, "NaN"]);
      assert.deepEqual(g.context, { weird: { $double: "NaN" } });
      assert.deepEqual(await values(runId), [["NaN", "NaN", "NaN"], ["NaN"]]);
      const { distributions } = await apiJson(c, `/api/runs/${runId}/distributions`);
      const d = distributions[0].distributions[0];
      assert.deepEqual([d.sum, d.min, d.max, d.explicitBounds], ["NaN", "NaN", "NaN", ["NaN"]]);
      const { rows } = await c.pool.query<{ exemplars: Array<{ value: unknown }> }>(
        "SELECT p.exemplars FROM metric_points p JOIN metric_series s USING (project, series_id) WHERE s.run_id = $1 AND s.name = 's'",
        [runId],
      );
      assert.equal(rows.length, 1);
      assert.deepEqual(rows[0]!.exemplars.map((e) => e.value), [{ $double: "NaN" }]);
    });
  }
});

describe("attributes nested too deep", () => {
  for (const transport of ["http/json", "http/protobuf", "grpc"] as const) {
    test(`70 levels in a point (${transport}): that point is rejected, the others stored`, async () => {
      const runId = `deep70-point-${transport.replace(/\W/g, "-")}`;
      const hostile = numberPoint({ value: 2, time: T + 1n, attributes: { nested: deep(70) } });
      const outcome = await send(transport, sandwich(runId, hostile));
      assert.deepEqual([outcome.accepted, outcome.rejected], [true, 1], outcome.message);
      assert.match(outcome.message, /nested deeper/);
      assert.deepEqual(await values(runId), [[1, 3]]);
    });

    test(`100 levels in a point (${transport}): that point is rejected, or (protobuf's own nesting limit) the whole request`, async () => {
      const runId = `deep100-point-${transport.replace(/\W/g, "-")}`;
      const hostile = numberPoint({ value: 2, time: T + 1n, attributes: { nested: deep(100) } });
      const outcome = await send(transport, sandwich(runId, hostile));
      if (transport === "http/json" || outcome.accepted) {
        assert.deepEqual([outcome.accepted, outcome.rejected], [true, 1], outcome.message);
        assert.deepEqual(await values(runId), [[1, 3]]);
      } else {
        assert.equal(outcome.status, transport === "grpc" ? 3 : 400, outcome.message);
        assert.match(outcome.message, /nest/);
        assert.deepEqual(await values(runId), [], "a refused request stores nothing");
      }
    });

    test(`in the resource (${transport}): the request is refused, nothing stored`, async () => {
      const before = await metricRowCounts(c);
      const body = metricsRequest({ "sightline.run.id": "deep-resource", "sightline.hparams": deep(100) }, [gauge("m", [{ value: 1, time: T }])]);
      const outcome = await send(transport, body);
      assert.equal(outcome.accepted, false);
      assert.equal(outcome.status, transport === "grpc" ? 3 : 400);
      assert.deepEqual(await metricRowCounts(c), before);
      assert.equal((await get(c.httpUrl, "/api/runs/deep-resource")).status, 404);
    });
  }

  test("63 levels is within the limit and kept whole", async () => {
    const outcome = await send("http/json", metricsRequest({ "sightline.run.id": "deep-ok" }, [gauge("m", [{ value: 1, time: T, attributes: { nested: deep(63) } }])]));
    assert.deepEqual([outcome.accepted, outcome.rejected], [true, 0], outcome.message);
    const { series } = await apiJson(c, "/api/runs/deep-ok");
    let node = series[0].context.nested;
    for (let i = 0; i < 63; i++) node = node.level;
    assert.equal(node, "bottom");
  });
});

test('an hparams path through "__proto__" is stored as a key and pollutes nothing', async () => {
  const body = metricsRequest({ "sightline.run.id": "proto", "sightline.hparams.__proto__.polluted": "yes", "sightline.hparams.constructor.prototype.bad": 1n }, []);
  assert.equal((await send("http/json", body)).accepted, true);
  assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype untouched in the collector's process");
  assert.equal(({} as Record<string, unknown>).bad, undefined);
  const res = await get(c.httpUrl, "/api/runs/proto");
  const hparams = JSON.parse(res.body.toString("utf8")).run.hparams;
  assert.deepEqual(hparams, JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"bad": 1}}}'));
});

test("the attribute helpers in this file encode what they claim", () => {
  // A guard for the hostile cases above: the deep value really is 100 kvlists deep.
  let v: unknown = anyValue(deep(100));
  let depth = 0;
  while ((v as { kvlistValue?: { values: Array<{ value: unknown }> } }).kvlistValue) {
    v = (v as { kvlistValue: { values: Array<{ value: unknown }> } }).kvlistValue.values[0]!.value;
    depth++;
  }
  assert.equal(depth, 100);
  assert.deepEqual(attributes({ a: 1n }), [{ key: "a", value: { intValue: "1" } }]);
});
