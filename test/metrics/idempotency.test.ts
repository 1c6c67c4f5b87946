/**
 * A re-sent metrics request (an exporter retry, over the same or another transport, or several
 * copies at once) stores nothing twice: point, distribution and series counts and every series
 * aggregate (count, min, max, last) are unchanged. Points of one series arriving out of order in
 * several requests keep the aggregates right.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import {
  apiJson,
  CUMULATIVE,
  DELTA,
  exportVia,
  gauge,
  histogram,
  metricRowCounts,
  metricsRequest,
  sum,
  TRANSPORTS,
  type Json,
  type SeriesJson,
} from "../support/otlp-signals.ts";

const T = 1_700_000_000_000_000_000n;

let c: TestCollector;

before(async () => {
  c = await startTestCollector();
});

after(() => c.close());

function request(runId: string): Json {
  const request = metricsRequest({ "sightline.run.id": runId }, [
    gauge("loss", [
      ...[0, 1, 2, 3].map((step) => ({ value: 1 / (step + 1), time: T + BigInt(step), attributes: { "sightline.step": BigInt(step), subset: "train" } })),
      { value: NaN, time: T + 9n, attributes: { "sightline.step": 9n, subset: "train" } },
    ]),
    gauge("lr", [0, 1, 2].map((i) => ({ value: 0.1 / (i + 1), time: T + BigInt(i) * 1000n }))),
    sum("tokens", [{ value: 500n, time: T, attributes: { model: "m" } }], { temporality: DELTA, monotonic: true }),
    histogram("grad", [{ time: T, count: 3n, sum: 0.5, min: -1, max: 1, bounds: [0], counts: [1n, 2n], attributes: { "sightline.step": 0n } }]),
  ]);
  // An exponential histogram and a summary in the same request.
  const metrics = (request.resourceMetrics as Array<{ scopeMetrics: Array<{ metrics: Json[] }> }>)[0]!.scopeMetrics[0]!.metrics;
  metrics.push(
    {
      name: "act",
      exponentialHistogram: {
        aggregationTemporality: CUMULATIVE,
        dataPoints: [{ timeUnixNano: String(T), count: "4", sum: 9, scale: 1, zeroCount: "1", positive: { offset: 2, bucketCounts: ["1", "2"] } }],
      },
    },
    { name: "rtt", summary: { dataPoints: [{ timeUnixNano: String(T), count: "10", sum: 55, quantileValues: [{ quantile: 0.5, value: 5 }] }] } },
  );
  return request;
}

async function seriesSnapshot(runId: string): Promise<SeriesJson[]> {
  return (await apiJson<{ series: SeriesJson[] }>(c, `/api/runs/${runId}`)).series;
}

describe("re-sending a metrics request", () => {
  test("over every transport in turn stores every point once and leaves the aggregates alone", async () => {
    const text = JSON.stringify(request("resent"));
    const first = await exportVia(c, "http/json", "metrics", text);
    assert.deepEqual([first.accepted, first.rejected], [true, 0]);
    const counts = await metricRowCounts(c);
    assert.deepEqual(counts, { series: 6, points: 5 + 3 + 1, distributions: 3 });
    const series = await seriesSnapshot("resent");
    for (const transport of TRANSPORTS) {
      const again = await exportVia(c, transport, "metrics", text);
      assert.deepEqual([again.accepted, again.rejected], [true, 0], transport);
      assert.deepEqual(await metricRowCounts(c), counts, `after re-sending over ${transport}`);
      assert.deepEqual(await seriesSnapshot("resent"), series, `aggregates after re-sending over ${transport}`);
    }
    const loss = series.find((s) => s.name === "loss")!;
    assert.equal(loss.pointCount, 5);
    assert.deepEqual(loss.last, { step: 9, timeUnixNano: String(T + 9n), value: "NaN" });
    assert.deepEqual([loss.min, loss.max], [0.25, 1]);
  });

  test("several copies at once (written together by group commit) are stored once", async () => {
    const text = JSON.stringify(request("concurrent"));
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => exportVia(c, i % 2 ? "http/protobuf" : "http/json", "metrics", text)));
    for (const o of outcomes) assert.deepEqual([o.accepted, o.rejected], [true, 0]);
    const { rows } = await c.pool.query<{ name: string; point_count: string; stored: string }>(
      `SELECT s.name, s.point_count,
              (SELECT count(*) FROM metric_points p WHERE p.project = s.project AND p.series_id = s.series_id)
            + (SELECT count(*) FROM metric_distributions d WHERE d.project = s.project AND d.series_id = s.series_id) AS stored
         FROM metric_series s WHERE s.run_id = 'concurrent' ORDER BY s.name`,
    );
    assert.deepEqual(
      rows.map((r) => [r.name, Number(r.point_count), Number(r.stored)]),
      [["act", 1, 1], ["grad", 1, 1], ["loss", 5, 5], ["lr", 3, 3], ["rtt", 1, 1], ["tokens", 1, 1]],
    );
  });
});

describe("points of one series in several requests, in any order", () => {
  test("aggregates follow the points: count, min, max, and the last by step then time", async () => {
    const send = async (step: number, value: number, time: bigint): Promise<void> => {
      const body = metricsRequest({ "sightline.run.id": "ordered" }, [gauge("acc", [{ value, time, attributes: { "sightline.step": BigInt(step) } }])]);
      const outcome = await exportVia(c, "http/json", "metrics", JSON.stringify(body));
      assert.equal(outcome.rejected, 0);
    };
    await send(5, 0.5, T + 50n);
    await send(2, 0.9, T + 20n);
    await send(7, 0.1, T + 10n); // the greatest step wins "last" even with the earliest time
    await send(3, 0.7, T + 30n);
    await send(7, 0.2, T + 70n); // same step, later time: a second point, and now the last
    const [acc] = await seriesSnapshot("ordered");
    assert.equal(acc!.pointCount, 5);
    assert.deepEqual([acc!.min, acc!.max], [0.1, 0.9]);
    assert.deepEqual(acc!.last, { step: 7, timeUnixNano: String(T + 70n), value: 0.2 });
    const { series } = await apiJson(c, "/api/metrics?runs=ordered&names=acc");
    assert.deepEqual(series[0].points.step, [2, 3, 5, 7, 7]);
    assert.deepEqual(series[0].points.value, [0.9, 0.7, 0.5, 0.1, 0.2]);
  });
});
