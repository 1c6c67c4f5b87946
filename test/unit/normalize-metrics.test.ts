/**
 * collector/normalize/normalize-metrics.ts, pure: series identity from (run, name, kind, context),
 * step and epoch taken out of the context, value types, and distributions.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { KvList, type AnyValue, type Attributes } from "../../collector/model/any-value.ts";
import type { Metric, MetricData, MetricsBatch, NumberPoint } from "../../collector/model/metrics.ts";
import { contextJson, normalizeMetrics } from "../../collector/normalize/normalize-metrics.ts";

const T = 1_700_000_000_000_000_000n;

function attrs(o: Record<string, AnyValue>): Attributes {
  return Object.entries(o).map(([key, value]) => ({ key, value }));
}

function point(value: number | bigint | null, attributes: Record<string, AnyValue> = {}, time = T, flags = 0): NumberPoint {
  return { attributes: attrs(attributes), startTimeUnixNano: 0n, timeUnixNano: time, value, exemplars: [], flags };
}

function batch(metrics: Array<{ name: string; data: MetricData }>, resource: Record<string, AnyValue> = { "sightline.run.id": "r1" }): MetricsBatch {
  const full: Metric[] = metrics.map((m) => ({ description: "", unit: "", metadata: [], ...m }));
  return {
    resourceMetrics: [
      {
        resource: { attributes: attrs(resource), droppedAttributesCount: 0 },
        schemaUrl: "",
        scopeMetrics: [{ scope: { name: "s", version: "", attributes: [], droppedAttributesCount: 0 }, schemaUrl: "", metrics: full }],
      },
    ],
  };
}

describe("contextJson", () => {
  test("drops sightline.step and sightline.epoch and sorts keys", () => {
    assert.equal(contextJson(attrs({ "sightline.step": 3n, subset: "train", "sightline.epoch": 1n, fold: 2n })), '{"fold":2,"subset":"train"}');
    assert.equal(contextJson(attrs({ fold: 2n, subset: "train" })), contextJson(attrs({ subset: "train", fold: 2n })));
    assert.equal(contextJson([]), "{}");
  });

  test("an integral double and an int make one context (SDKs type numbers differently); other doubles stay doubles", () => {
    assert.equal(contextJson(attrs({ fold: 1n })), contextJson(attrs({ fold: 1 })));
    assert.equal(contextJson(attrs({ ratio: 0.5 })), '{"ratio":0.5}');
  });
});

describe("normalizeMetrics", () => {
  test("attribute order does not split a series; step and epoch become columns", () => {
    const out = normalizeMetrics(
      batch([
        {
          name: "loss",
          data: {
            kind: "gauge",
            points: [
              point(0.5, { subset: "train", lr: 0.1, "sightline.step": 0n, "sightline.epoch": 0n }),
              point(0.4, { "sightline.epoch": 0n, lr: 0.1, "sightline.step": "1", subset: "train" }, T + 1n),
              point(0.9, { subset: "val", "sightline.step": 1 }, T + 2n),
            ],
          },
        },
      ]),
    );
    assert.equal(out.series.length, 2);
    const [train, val] = out.series;
    assert.equal(train!.context, '{"lr":0.1,"subset":"train"}');
    assert.equal(val!.context, '{"subset":"val"}');
    assert.deepEqual(
      out.points.map((p) => [p.seriesId, p.step, p.epoch, p.value]),
      [
        [train!.seriesId, 0n, 0n, 0.5],
        [train!.seriesId, 1n, 0n, 0.4],
        [val!.seriesId, 1n, null, 0.9],
      ],
    );
    assert.equal(out.runs.length, 1);
    assert.equal(out.runs[0]!.runId, "r1");
  });

  test("the series id depends on run, name, kind and context only", () => {
    const id = (name: string, kind: "gauge" | "sum", resource = { "sightline.run.id": "r1" }, ctx: Record<string, AnyValue> = {}): string => {
      const data: MetricData = kind === "gauge" ? { kind, points: [point(1, ctx)] } : { kind, points: [point(1, ctx)], temporality: 2, isMonotonic: true };
      return normalizeMetrics(batch([{ name, data }], resource)).series[0]!.seriesId;
    };
    const base = id("loss", "gauge");
    assert.equal(id("loss", "gauge"), base);
    assert.notEqual(id("acc", "gauge"), base);
    assert.notEqual(id("loss", "sum"), base);
    assert.notEqual(id("loss", "gauge", { "sightline.run.id": "r2" }), base);
    assert.notEqual(id("loss", "gauge", undefined, { subset: "train" }), base);
    assert.equal(id("loss", "gauge", undefined, { "sightline.step": 9n }), base, "the step is not context");
  });

  test("value types: int series, promoted to double by any double point; no value → NaN flagged", () => {
    const out = normalizeMetrics(
      batch([
        { name: "ints", data: { kind: "sum", temporality: 1, isMonotonic: true, points: [point(3n), point(4n, {}, T + 1n)] } },
        { name: "mixed", data: { kind: "gauge", points: [point(3n), point(0.5, {}, T + 1n)] } },
        { name: "gap", data: { kind: "gauge", points: [point(null, {}, T, 1)] } },
      ]),
    );
    assert.deepEqual(
      out.series.map((s) => [s.name, s.valueType, s.temporality, s.monotonic]),
      [
        ["ints", "int", 1, true],
        ["mixed", "double", 0, false],
        ["gap", "double", 0, false],
      ],
    );
    const gap = out.points.find((p) => p.seriesId === out.series[2]!.seriesId)!;
    assert.ok(Number.isNaN(gap.value));
    assert.equal(gap.flags & 1, 1);
  });

  test("histograms, exponential histograms and summaries become distributions with their buckets", () => {
    const out = normalizeMetrics(
      batch([
        {
          name: "h",
          data: {
            kind: "histogram",
            temporality: 1,
            points: [
              { attributes: attrs({ "sightline.step": 5n, layer: "a" }), startTimeUnixNano: 0n, timeUnixNano: T, count: 3n, sum: 6, bucketCounts: [1n, 2n], explicitBounds: [1], exemplars: [], flags: 0, min: 1, max: 3 },
            ],
          },
        },
        {
          name: "s",
          data: { kind: "summary", points: [{ attributes: [], startTimeUnixNano: 0n, timeUnixNano: T, count: 4n, sum: 10, quantileValues: [{ quantile: 0.5, value: 2 }], flags: 0 }] },
        },
      ]),
    );
    assert.deepEqual(
      out.series.map((s) => [s.name, s.kind, s.context, s.valueType]),
      [
        ["h", "histogram", '{"layer":"a"}', null],
        ["s", "summary", "{}", null],
      ],
    );
    assert.equal(out.points.length, 0);
    const [h, s] = out.distributions;
    assert.equal(h!.step, 5n);
    assert.equal(h!.count, 3n);
    assert.deepEqual(h!.data, { explicitBounds: [1], bucketCounts: ["1", "2"] });
    assert.deepEqual(s!.data, { quantileValues: [{ quantile: 0.5, value: 2 }] });
  });

  test("a kvlist context value is kept as a nested object", () => {
    const out = normalizeMetrics(batch([{ name: "m", data: { kind: "gauge", points: [point(1, { where: new KvList(attrs({ zone: "a" })) })] } }]));
    assert.equal(out.series[0]!.context, '{"where":{"zone":"a"}}');
  });
});


describe("series lookup by context signature", () => {
  test("each point lands in the series of its own context, however alike the contexts look", () => {
    const contexts: Array<Record<string, AnyValue>> = [
      { ab: "c" },
      { a: "bc" },
      { a: "1:b" },
      { a: 1n },
      { a: 1 }, // an integer double: the same context as 1n
      { a: "1" },
      { a: 0 },
      { a: -0 }, // kept as a double: not the context of 0
      { a: true },
      { a: "T" },
      { x: "1", y: "2" },
      { y: "2", x: "1" }, // the same context, given in another order
      { a: new KvList([{ key: "k", value: "v" }]) }, // not a plain value: no signature
    ];
    const points = contexts.flatMap((c, i) => [point(i, { ...c, "sightline.step": BigInt(i) }), point(i + 0.5, { "sightline.step": BigInt(i + 100), ...c })]);
    const out = normalizeMetrics(batch([{ name: "m", data: { kind: "gauge", points } }]));
    const contextOf = new Map(out.series.map((s) => [s.seriesId, s.context]));
    out.points.forEach((p, k) => assert.equal(contextOf.get(p.seriesId), contextJson(points[k]!.attributes), `point ${k}`));
    assert.equal(out.series.length, new Set(contexts.map((c) => contextJson(attrs(c)))).size);
  });
});
