/**
 * The OTLP protocol's own metrics example (opentelemetry-proto examples/metrics.json, copied
 * byte-for-byte into fixtures/) ingests over every transport — OTLP/JSON and OTLP/protobuf over
 * HTTP, with and without gzip, and OTLP/gRPC — and reads back through the runs, metrics and
 * distributions API. Every expectation is derived from the example file itself.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { parseLosslessJson, type LosslessJson } from "../support/lossless-json.ts";
import { get } from "../support/otlp.ts";
import {
  apiJson,
  documentedImplicitRunId,
  expectedApiAttributes,
  exportVia,
  TRANSPORTS,
  type SeriesJson,
  type SeriesPointsJson,
} from "../support/otlp-signals.ts";

const EXAMPLE_TEXT = readFileSync(new URL("./fixtures/otlp-example-metrics.json", import.meta.url), "utf8");

type KeyValue = { key: string; value: unknown };
interface ExamplePoint {
  attributes?: KeyValue[];
  startTimeUnixNano?: string;
  timeUnixNano: string;
  asDouble?: number;
  asInt?: string;
  count?: string;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts?: string[];
  explicitBounds?: number[];
  scale?: number;
  zeroCount?: string;
  zeroThreshold?: number;
  positive?: { offset?: number; bucketCounts?: string[] };
  negative?: { offset?: number; bucketCounts?: string[] };
  quantileValues?: Array<{ quantile: number; value: number }>;
  exemplars?: unknown[];
}
interface ExampleData {
  dataPoints: ExamplePoint[];
  aggregationTemporality?: number;
  isMonotonic?: boolean;
}
interface ExampleMetric {
  name: string;
  unit: string;
  description: string;
  gauge?: ExampleData;
  sum?: ExampleData;
  histogram?: ExampleData;
  exponentialHistogram?: ExampleData;
  summary?: ExampleData;
}
interface Example {
  resourceMetrics: Array<{ resource: { attributes: KeyValue[] }; scopeMetrics: Array<{ scope: { name: string }; metrics: ExampleMetric[] }> }>;
}

const example = JSON.parse(EXAMPLE_TEXT) as Example;
const resourceMetrics = example.resourceMetrics[0]!;
const scopeMetrics = resourceMetrics.scopeMetrics[0]!;
const exampleMetrics = scopeMetrics.metrics;
const serviceName = expectedApiAttributes(resourceMetrics.resource.attributes)["service.name"] as string;
const runId = documentedImplicitRunId({ "service.name": serviceName });

const KINDS = { gauge: "gauge", sum: "sum", histogram: "histogram", exponentialHistogram: "exponential_histogram", summary: "summary" } as const;
const TEMPORALITY_NAMES = ["unspecified", "delta", "cumulative"];
const NUMBER_KINDS = new Set(["gauge", "sum"]);

function dataOf(m: ExampleMetric): { kind: string; data: ExampleData } {
  for (const key of Object.keys(KINDS) as Array<keyof typeof KINDS>) if (m[key]) return { kind: KINDS[key], data: m[key]! };
  throw new Error(`example metric ${m.name} has no data`);
}

function pointValue(p: ExamplePoint): number {
  return p.asInt !== undefined ? Number(p.asInt) : p.asDouble!;
}

/** The example's one point per metric carries no sightline.step: its attributes are the whole context. */
function expectedSeries(m: ExampleMetric): Partial<SeriesJson> {
  const { kind, data } = dataOf(m);
  const numbers = NUMBER_KINDS.has(kind);
  const values = data.dataPoints.map(pointValue);
  const last = data.dataPoints.reduce((a, b) => (BigInt(b.timeUnixNano) >= BigInt(a.timeUnixNano) ? b : a));
  return {
    runId,
    name: m.name,
    kind,
    unit: m.unit,
    description: m.description,
    temporality: TEMPORALITY_NAMES[data.aggregationTemporality ?? 0],
    monotonic: data.isMonotonic ?? false,
    valueType: numbers ? (data.dataPoints.every((p) => p.asInt !== undefined) ? "int" : "double") : null,
    pointCount: data.dataPoints.length,
    min: numbers ? Math.min(...values) : null,
    max: numbers ? Math.max(...values) : null,
    last: { step: null, timeUnixNano: last.timeUnixNano, value: numbers ? pointValue(last) : null },
  };
}

function expectedDistribution(kind: string, p: ExamplePoint): Record<string, unknown> {
  const common = {
    step: null,
    epoch: null,
    timeUnixNano: p.timeUnixNano,
    startTimeUnixNano: p.startTimeUnixNano ?? "0",
    count: p.count ?? "0",
    sum: p.sum ?? (kind === "summary" ? 0 : null),
    min: kind === "summary" ? null : (p.min ?? null),
    max: kind === "summary" ? null : (p.max ?? null),
    flags: 0,
  };
  if (kind === "histogram") return { ...common, explicitBounds: p.explicitBounds ?? [], bucketCounts: p.bucketCounts ?? [] };
  if (kind === "exponential_histogram") {
    return {
      ...common,
      scale: p.scale ?? 0,
      zeroCount: p.zeroCount ?? "0",
      zeroThreshold: p.zeroThreshold ?? 0,
      positive: { offset: p.positive?.offset ?? 0, bucketCounts: p.positive?.bucketCounts ?? [] },
      negative: { offset: p.negative?.offset ?? 0, bucketCounts: p.negative?.bucketCounts ?? [] },
    };
  }
  return { ...common, quantileValues: p.quantileValues ?? [] };
}

test("the example is the protocol's: every point kind but summary, string nanoseconds, enum integers", () => {
  assert.deepEqual(new Set(exampleMetrics.map((m) => dataOf(m).kind)), new Set(["sum", "gauge", "histogram", "exponential_histogram"]));
  for (const m of exampleMetrics) {
    const { data } = dataOf(m);
    assert.equal(data.dataPoints.length, 1, `${m.name}: one point`);
    assert.equal(typeof data.dataPoints[0]!.timeUnixNano, "string");
  }
});

for (const transport of TRANSPORTS) {
  describe(`the metrics example over ${transport}`, () => {
    // The example names no run, project or step: each transport gets its own collector and database.
    let c: TestCollector;

    before(async () => {
      c = await startTestCollector();
      const outcome = await exportVia(c, transport, "metrics", EXAMPLE_TEXT);
      assert.deepEqual(outcome, { accepted: true, status: transport.startsWith("grpc") ? 0 : 200, rejected: 0, message: "" });
    });

    after(() => c.close());

    test("makes the documented implicit run of its resource", async () => {
      const { runs, total } = await apiJson(c, "/api/runs");
      assert.equal(total, 1);
      assert.equal(runs[0].runId, runId);
      const { run } = await apiJson(c, `/api/runs/${runId}`);
      assert.equal(run.implicit, true);
      assert.equal(run.name, serviceName, "no host or pid in the resource: the service name alone");
      assert.equal(run.experiment, serviceName);
      assert.equal(run.status, "running");
      assert.deepEqual(run.resourceAttributes, expectedApiAttributes(resourceMetrics.resource.attributes));
    });

    test("each metric is one series with its kind, temporality, monotonicity, unit, description, context and aggregates", async () => {
      const res = await get(c.httpUrl, `/api/runs/${runId}`);
      const detail = res.json() as { series: SeriesJson[] };
      const lossless = parseLosslessJson(res.body.toString("utf8")) as { series: Array<{ context: LosslessJson }> };
      assert.equal(detail.series.length, exampleMetrics.length);
      for (const m of exampleMetrics) {
        const i = detail.series.findIndex((s) => s.name === m.name);
        assert.ok(i >= 0, `series ${m.name}`);
        const s = detail.series[i]!;
        const want = expectedSeries(m);
        assert.deepEqual(Object.fromEntries(Object.keys(want).map((k) => [k, s[k as keyof SeriesJson]])), want, m.name);
        assert.deepEqual(lossless.series[i]!.context, expectedApiAttributes(dataOf(m).data.dataPoints[0]!.attributes), `${m.name}: context, typed`);
      }
    });

    test("gauge and sum points come back from /api/metrics, numbered in time order", async () => {
      for (const m of exampleMetrics.filter((x) => NUMBER_KINDS.has(dataOf(x).kind))) {
        const { series } = await apiJson<{ series: SeriesPointsJson[] }>(c, `/api/metrics?runs=${runId}&names=${encodeURIComponent(m.name)}`);
        assert.equal(series.length, 1, m.name);
        const points = [...dataOf(m).data.dataPoints].sort((a, b) => (BigInt(a.timeUnixNano) < BigInt(b.timeUnixNano) ? -1 : 1));
        assert.deepEqual(series[0]!.points, {
          step: points.map((_, i) => i),
          epoch: points.map(() => null),
          time: points.map((p) => p.timeUnixNano),
          value: points.map(pointValue),
        });
        assert.equal(series[0]!.downsampled, false);
      }
    });

    test("histogram and exponential histogram points come back from /distributions with their buckets", async () => {
      const { distributions } = await apiJson<{ distributions: Array<{ series: SeriesJson; distributions: unknown[] }> }>(c, `/api/runs/${runId}/distributions`);
      const expected = exampleMetrics.filter((m) => !NUMBER_KINDS.has(dataOf(m).kind));
      assert.deepEqual(distributions.map((d) => d.series.name).sort(), expected.map((m) => m.name).sort());
      for (const m of expected) {
        const { kind, data } = dataOf(m);
        const got = distributions.find((d) => d.series.name === m.name)!;
        assert.equal(got.series.kind, kind);
        assert.deepEqual(got.distributions, data.dataPoints.map((p) => expectedDistribution(kind, p)), m.name);
      }
      // Filtering by name narrows to one series; number series are never distributions.
      const one = await apiJson(c, `/api/runs/${runId}/distributions?name=${encodeURIComponent(expected[0]!.name)}`);
      assert.deepEqual(one.distributions.map((d: { series: SeriesJson }) => d.series.name), [expected[0]!.name]);
    });

    test("the scope is recorded, and exemplars are stored exactly when sent (none here)", async () => {
      const { rows } = await c.pool.query<{ name: string; scope_name: string }>("SELECT name, scope_name FROM metric_series ORDER BY name");
      assert.deepEqual(rows, exampleMetrics.map((m) => ({ name: m.name, scope_name: scopeMetrics.scope.name })).sort((a, b) => (a.name < b.name ? -1 : 1)));
      const sentExemplars = exampleMetrics.some((m) => dataOf(m).data.dataPoints.some((p) => (p.exemplars ?? []).length > 0));
      const { rows: stored } = await c.pool.query<{ n: string }>(
        "SELECT (SELECT count(*) FROM metric_points WHERE exemplars IS NOT NULL) + (SELECT count(*) FROM metric_distributions WHERE exemplars IS NOT NULL) AS n",
      );
      assert.equal(Number(stored[0]!.n) > 0, sentExemplars);
    });
  });
}
