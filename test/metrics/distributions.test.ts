/**
 * Distributions (Aim's per-step histograms) from OTLP Histogram, ExponentialHistogram and Summary
 * points, over OTLP/JSON and OTLP/protobuf: steps, epochs, context, exact uint64 counts, buckets,
 * summary quantiles; and exemplars (trace and span ids, filtered attributes, int and double values)
 * on number and histogram points, kept with the point.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { apiJson, attributes, CUMULATIVE, DELTA, exportVia, metricsRequest, numberPoint, type Json } from "../support/otlp-signals.ts";

const T = 1_700_000_000_000_000_000n;
const TRACE = "5b8efff798038103d269b633813fc60c";
const SPAN = "eee19b7ec3c1b174";
const MAX_U64 = "18446744073709551615";

let c: TestCollector;

before(async () => {
  c = await startTestCollector();
});

after(() => c.close());

const step = (s: number, epoch?: number) => attributes({ "sightline.step": BigInt(s), ...(epoch === undefined ? {} : { "sightline.epoch": BigInt(epoch) }) });

function request(runId: string): Json {
  return metricsRequest({ "sightline.run.id": runId }, [
    {
      name: "weights",
      unit: "1",
      histogram: {
        aggregationTemporality: DELTA,
        dataPoints: [0, 1].flatMap((layer) =>
          [100, 200].map((s, i) => ({
            timeUnixNano: String(T + BigInt(s)),
            startTimeUnixNano: String(T),
            attributes: [...step(s, i), ...attributes({ layer: `dense_${layer}` })],
            count: String(10 + s + layer),
            sum: -3.25 + layer,
            min: -1.5,
            max: 2.5,
            explicitBounds: [-1, 0, 1],
            bucketCounts: ["1", "2", String(3 + s + layer), "4"],
            exemplars: i === 0 ? [{ timeUnixNano: String(T + 1n), asDouble: 0.25, traceId: TRACE, spanId: SPAN, filteredAttributes: attributes({ sample: "a" }) }] : [],
          })),
        ),
      },
    },
    {
      name: "activations",
      exponentialHistogram: {
        aggregationTemporality: CUMULATIVE,
        dataPoints: [
          {
            timeUnixNano: String(T),
            attributes: step(5),
            count: MAX_U64,
            sum: 12.5,
            scale: -2,
            zeroCount: "3",
            zeroThreshold: 0.001,
            positive: { offset: -1, bucketCounts: ["1", "0", "7"] },
            negative: { offset: 2, bucketCounts: ["5"] },
            min: -8,
            max: 16,
          },
        ],
      },
    },
    {
      name: "latency",
      summary: {
        dataPoints: [
          {
            timeUnixNano: String(T),
            attributes: [...step(3), ...attributes({ route: "/a" })],
            count: "100",
            sum: 523.5,
            quantileValues: [
              { quantile: 0, value: 0.5 },
              { quantile: 0.5, value: 4.75 },
              { quantile: 0.99, value: 40 },
              { quantile: 1, value: 51 },
            ],
          },
        ],
      },
    },
    {
      name: "loss",
      gauge: {
        dataPoints: [
          {
            ...numberPoint({ value: 0.5, time: T, attributes: { "sightline.step": 0n } }),
            exemplars: [
              { timeUnixNano: String(T - 5n), asInt: "-7", traceId: TRACE, spanId: SPAN, filteredAttributes: attributes({ batch: 3n }) },
              { timeUnixNano: String(T - 4n), asDouble: 1.5 },
            ],
          },
          numberPoint({ value: 0.4, time: T + 1n, attributes: { "sightline.step": 1n } }),
        ],
      },
    },
  ]);
}

for (const transport of ["http/json", "http/protobuf"] as const) {
  describe(`distributions over ${transport}`, () => {
    const runId = `dist-${transport.replace(/\W/g, "-")}`;

    before(async () => {
      const outcome = await exportVia(c, transport, "metrics", JSON.stringify(request(runId)));
      assert.deepEqual([outcome.accepted, outcome.rejected], [true, 0], outcome.message);
    });

    test("histograms per context and step, with exact counts, bounds and buckets", async () => {
      const { distributions } = await apiJson(c, `/api/runs/${runId}/distributions?name=weights`);
      assert.deepEqual(distributions.map((d: { series: { context: unknown } }) => d.series.context), [{ layer: "dense_0" }, { layer: "dense_1" }]);
      for (const [layer, d] of distributions.entries()) {
        assert.equal(d.series.kind, "histogram");
        assert.equal(d.series.temporality, "delta");
        assert.equal(d.series.pointCount, 2);
        assert.deepEqual(
          d.distributions,
          [100, 200].map((s, i) => ({
            step: s,
            epoch: i,
            timeUnixNano: String(T + BigInt(s)),
            startTimeUnixNano: String(T),
            count: String(10 + s + layer),
            sum: -3.25 + layer,
            min: -1.5,
            max: 2.5,
            flags: 0,
            explicitBounds: [-1, 0, 1],
            bucketCounts: ["1", "2", String(3 + s + layer), "4"],
          })),
        );
      }
      const one = await apiJson(c, `/api/runs/${runId}/distributions?name=weights&context=${encodeURIComponent('{"layer":"dense_1"}')}`);
      assert.deepEqual(one.distributions.map((d: { series: { context: unknown } }) => d.series.context), [{ layer: "dense_1" }]);
    });

    test("an exponential histogram keeps scale, zero bucket, both bucket ranges and a uint64 count", async () => {
      const { distributions } = await apiJson(c, `/api/runs/${runId}/distributions?name=activations`);
      assert.deepEqual(distributions[0].distributions, [
        {
          step: 5,
          epoch: null,
          timeUnixNano: String(T),
          startTimeUnixNano: "0",
          count: MAX_U64,
          sum: 12.5,
          min: -8,
          max: 16,
          flags: 0,
          scale: -2,
          zeroCount: "3",
          zeroThreshold: 0.001,
          positive: { offset: -1, bucketCounts: ["1", "0", "7"] },
          negative: { offset: 2, bucketCounts: ["5"] },
        },
      ]);
      assert.equal(distributions[0].series.kind, "exponential_histogram");
    });

    test("a summary keeps its quantiles", async () => {
      const { distributions } = await apiJson(c, `/api/runs/${runId}/distributions?name=latency`);
      assert.equal(distributions[0].series.kind, "summary");
      assert.deepEqual(distributions[0].series.context, { route: "/a" });
      assert.deepEqual(distributions[0].distributions, [
        {
          step: 3,
          epoch: null,
          timeUnixNano: String(T),
          startTimeUnixNano: "0",
          count: "100",
          sum: 523.5,
          min: null,
          max: null,
          flags: 0,
          quantileValues: [
            { quantile: 0, value: 0.5 },
            { quantile: 0.5, value: 4.75 },
            { quantile: 0.99, value: 40 },
            { quantile: 1, value: 51 },
          ],
        },
      ]);
    });

    test("number series are not distributions, distributions are not number series", async () => {
      const { distributions } = await apiJson(c, `/api/runs/${runId}/distributions`);
      assert.deepEqual(distributions.map((d: { series: { name: string } }) => d.series.name).sort(), ["activations", "latency", "weights", "weights"]);
      const { series } = await apiJson(c, `/api/metrics?runs=${runId}`);
      assert.deepEqual(series.map((s: { series: { name: string } }) => s.series.name), ["loss"]);
    });

    test("exemplars are kept with their point: time, int or double value, trace and span ids, filtered attributes", async () => {
      const { rows } = await c.pool.query<{ name: string; step: string; exemplars: unknown }>(
        `SELECT s.name, p.step::text AS step, p.exemplars FROM metric_points p JOIN metric_series s USING (project, series_id) WHERE s.run_id = $1
         UNION ALL
         SELECT s.name, d.step::text, d.exemplars FROM metric_distributions d JOIN metric_series s USING (project, series_id) WHERE s.run_id = $1
         ORDER BY 1, 2`,
        [runId],
      );
      const exemplar = (time: bigint, value: number, traceId: string, spanId: string, filteredAttributes: Record<string, unknown>) => ({
        timeUnixNano: String(time),
        value,
        traceId,
        spanId,
        filteredAttributes,
      });
      const withSample = [exemplar(T + 1n, 0.25, TRACE, SPAN, { sample: "a" })];
      assert.deepEqual(rows, [
        { name: "activations", step: "5", exemplars: null },
        { name: "latency", step: "3", exemplars: null },
        { name: "loss", step: "0", exemplars: [exemplar(T - 5n, -7, TRACE, SPAN, { batch: 3 }), exemplar(T - 4n, 1.5, "", "", {})] },
        { name: "loss", step: "1", exemplars: null },
        { name: "weights", step: "100", exemplars: withSample },
        { name: "weights", step: "100", exemplars: withSample },
        { name: "weights", step: "200", exemplars: null },
        { name: "weights", step: "200", exemplars: null },
      ]);
    });
  });
}
