/**
 * OTLP partial success for /v1/metrics and MetricsService/Export, over every transport: invalid
 * data points (no value, a sightline.step or sightline.epoch that is not a non-negative integer, a
 * histogram whose bucket counts do not match its bounds, a time beyond 2262) are dropped and
 * counted in rejectedDataPoints, while the valid points of the same request are stored.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import {
  apiJson,
  CUMULATIVE,
  exportVia,
  gauge,
  histogram,
  metricsRequest,
  sum,
  TRANSPORTS,
  type Json,
  type SeriesPointsJson,
} from "../support/otlp-signals.ts";

const T = 1_700_000_000_000_000_000n;
const BEYOND_2262 = (1n << 63n) + 5n;

let c: TestCollector;

before(async () => {
  c = await startTestCollector();
});

after(() => c.close());

/** Each invalid point with the reason the response must give (a fragment of it). */
const INVALID: Array<{ what: string; reason: RegExp }> = [
  { what: "a gauge point with no value", reason: /no value/ },
  { what: "sightline.step = -1", reason: /sightline\.step must be a non-negative integer/ },
  { what: "sightline.step = 1.5", reason: /sightline\.step must be a non-negative integer/ },
  { what: 'sightline.step = "abc"', reason: /sightline\.step must be a non-negative integer/ },
  { what: "sightline.epoch = -2", reason: /sightline\.epoch must be a non-negative integer/ },
  { what: "a histogram with 2 counts for 2 bounds", reason: /bucket counts/ },
  { what: "a time beyond 2262", reason: /2262/ },
];

function request(project: string): Json {
  return metricsRequest({ "sightline.project": project, "sightline.run.id": "partial" }, [
    { name: "no-data" },
    gauge("loss", [
      { value: 1.5, time: T, attributes: { "sightline.step": 0n } },
      { value: null, time: T + 1n, attributes: { "sightline.step": 10n } },
      { value: 9, time: T + 2n, attributes: { "sightline.step": -1n } },
      { value: 2.5, time: T + 3n, attributes: { "sightline.step": 1 } },
      { value: 9, time: T + 4n, attributes: { "sightline.step": 1.5 } },
      { value: 9, time: T + 5n, attributes: { "sightline.step": "abc" } },
      // No value, but flagged NO_RECORDED_VALUE: a gap, kept as NaN.
      { value: null, time: T + 6n, attributes: { "sightline.step": "2" }, flags: 1 },
      { value: 9, time: BEYOND_2262, attributes: { "sightline.step": 3n } },
    ]),
    sum("tokens", [
      { value: 100n, time: T, attributes: { "sightline.epoch": 3n } },
      { value: 200n, time: T + 1n, attributes: { "sightline.epoch": -2n } },
    ], { temporality: CUMULATIVE, monotonic: true }),
    histogram("weights", [
      { time: T, count: 6n, sum: 7.5, bounds: [0, 1], counts: [1n, 2n, 3n] },
      { time: T + 1n, count: 3n, bounds: [0, 1], counts: [1n, 2n] },
    ]),
  ]);
}

for (const transport of TRANSPORTS) {
  describe(`invalid data points over ${transport}`, () => {
    const project = `partial-${transport.replace(/\W/g, "-")}`;

    test("are counted in partial_success with their reasons; the request is accepted", async () => {
      const outcome = await exportVia(c, transport, "metrics", JSON.stringify(request(project)));
      assert.equal(outcome.accepted, true, outcome.message);
      assert.equal(outcome.rejected, INVALID.length);
      assert.match(outcome.message, /metric "no-data" has no data/, "a metric without data is reported (with no count)");
      // The response keeps the first five distinct reasons.
      for (const { what, reason } of INVALID.slice(0, 4)) assert.match(outcome.message, reason, what);
    });

    test("while every valid point of the same request is stored", async () => {
      const { series } = await apiJson<{ series: SeriesPointsJson[] }>(c, `/api/metrics?project=${project}&runs=partial`);
      const byName = Object.fromEntries(series.map((s) => [s.series.name, s]));
      assert.deepEqual(Object.keys(byName).sort(), ["loss", "tokens"]);
      assert.deepEqual(byName.loss!.points.step, [0, 1, 2]);
      assert.deepEqual(byName.loss!.points.value, [1.5, 2.5, "NaN"]);
      assert.deepEqual(byName.tokens!.points.epoch, [3]);
      assert.deepEqual(byName.tokens!.points.value, [100]);
      const { distributions } = await apiJson(c, `/api/runs/partial/distributions?project=${project}`);
      assert.equal(distributions.length, 1);
      assert.deepEqual(distributions[0].distributions.map((d: { bucketCounts: string[] }) => d.bucketCounts), [["1", "2", "3"]]);
      const { rows } = await c.pool.query<{ flags: number }>(
        `SELECT p.flags FROM metric_points p JOIN metric_series s USING (project, series_id) WHERE p.project = $1 AND s.name = 'loss' AND p.step = 2`,
        [project],
      );
      assert.deepEqual(rows, [{ flags: 1 }], "the gap keeps its NO_RECORDED_VALUE flag");
    });

    test("series aggregates count only the stored points, NaN ignored in min and max", async () => {
      const { series } = await apiJson(c, `/api/runs/partial?project=${project}`);
      const loss = series.find((s: { name: string }) => s.name === "loss");
      assert.equal(loss.pointCount, 3);
      assert.equal(loss.min, 1.5);
      assert.equal(loss.max, 2.5);
      assert.deepEqual(loss.last, { step: 2, timeUnixNano: String(T + 6n), value: "NaN" });
    });
  });
}

test("a request of only invalid points is still a 200 with every point counted, and stores nothing", async () => {
  const body = metricsRequest({ "sightline.project": "all-invalid", "sightline.run.id": "r" }, [
    gauge("loss", [
      { value: null, time: T },
      { value: 1, time: T, attributes: { "sightline.step": true } },
    ]),
  ]);
  const outcome = await exportVia(c, "http/json", "metrics", JSON.stringify(body));
  assert.deepEqual([outcome.accepted, outcome.rejected], [true, 2]);
  const { rows } = await c.pool.query<{ n: string }>("SELECT count(*) AS n FROM metric_points WHERE project = 'all-invalid'");
  assert.equal(rows[0]!.n, "0");
});
