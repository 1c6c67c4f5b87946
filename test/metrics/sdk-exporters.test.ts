/**
 * Plain OpenTelemetry JS metrics (@opentelemetry/sdk-metrics, no Sightline code) through the
 * official OTLP metric exporters — HTTP/protobuf (cumulative), HTTP/JSON (delta temporality) and
 * gRPC with gzip (cumulative): a Counter, an UpDownCounter, a Histogram, a synchronous Gauge with
 * sightline.step and an observable Gauge. Every series, point and bucket the SDK exported comes
 * back from the API, in the implicit run derived from the SDK's detected resource.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ValueType } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import { OTLPMetricExporter as GrpcMetricExporter } from "@opentelemetry/exporter-metrics-otlp-grpc";
import { AggregationTemporalityPreference, OTLPMetricExporter as HttpJsonMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPMetricExporter as HttpProtoMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { detectResources, hostDetector, processDetector, resourceFromAttributes, type Resource } from "@opentelemetry/resources";
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from "@opentelemetry/sdk-metrics";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { apiJson, documentedImplicitRunId, type SeriesJson, type SeriesPointsJson } from "../support/otlp-signals.ts";
import { apiOrder, expectedSeries, lastPoint, RecordingMetricExporter, seriesKey, type ExpectedSeries } from "../support/sdk-metrics-expectations.ts";

let c: TestCollector;

before(async () => {
  c = await startTestCollector();
});

after(() => c.close());

type Compression = NonNullable<NonNullable<ConstructorParameters<typeof HttpJsonMetricExporter>[0]>["compression"]>;
type GrpcCompression = NonNullable<NonNullable<ConstructorParameters<typeof GrpcMetricExporter>[0]>["compression"]>;

interface Scenario {
  exporter: string;
  temporality: "cumulative" | "delta";
  create(): PushMetricExporter;
}

const SCENARIOS: Scenario[] = [
  {
    exporter: "http/protobuf",
    temporality: "cumulative",
    create: () => new HttpProtoMetricExporter({ url: `${c.httpUrl}/v1/metrics`, compression: "none" as Compression }),
  },
  {
    exporter: "http/json",
    temporality: "delta",
    create: () =>
      new HttpJsonMetricExporter({ url: `${c.httpUrl}/v1/metrics`, compression: "none" as Compression, temporalityPreference: AggregationTemporalityPreference.DELTA }),
  },
  {
    exporter: "grpc+gzip",
    temporality: "cumulative",
    create: () => new GrpcMetricExporter({ url: `http://${c.grpcAddress}`, compression: "gzip" as GrpcCompression }),
  },
];

/** The resource an SDK user gets from the host and process detectors, plus a service name. */
async function sdkResource(serviceName: string): Promise<Resource> {
  const detected = detectResources({ detectors: [hostDetector, processDetector] });
  await detected.waitForAsyncAttributes?.();
  return detected.merge(resourceFromAttributes({ "service.name": serviceName }));
}

/**
 * Two collection cycles: the first flushed explicitly, the second by shutdown (which exports once
 * more). Returns what the SDK exported, as the recording exporter saw it.
 */
async function recordTwoCycles(scenario: Scenario, resource: Resource): Promise<RecordingMetricExporter> {
  const exporter = new RecordingMetricExporter(scenario.create());
  const provider = new MeterProvider({ resource, readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })] });
  const meter = provider.getMeter("sightline-sdk-metrics-test", "1.2.3");
  const requests = meter.createCounter("http.requests", { unit: "{request}", description: "requests served", valueType: ValueType.INT });
  const queue = meter.createUpDownCounter("queue.depth", { unit: "{item}", valueType: ValueType.INT });
  const latency = meter.createHistogram("op.latency", { unit: "ms", description: "operation latency", advice: { explicitBucketBoundaries: [10, 100, 1000] } });
  const temperature = meter.createGauge("temperature", { unit: "Cel" });
  const memory = meter.createObservableGauge("memory.used", { unit: "By" });
  let observed = 1000;
  memory.addCallback((r) => r.observe(observed, { pool: "heap" }));

  requests.add(5, { route: "/a", method: "GET" });
  requests.add(2, { method: "GET", route: "/a" });
  requests.add(1, { route: "/b", method: "GET" });
  queue.add(10, { queue: "jobs" });
  queue.add(-3, { queue: "jobs" });
  for (const ms of [5, 50, 500, 5000]) latency.record(ms, { op: "read" });
  temperature.record(20.5, { sensor: "a", "sightline.step": 0 });
  temperature.record(21.5, { "sightline.step": 1, sensor: "a" });
  await provider.forceFlush();

  requests.add(3, { route: "/a", method: "GET" });
  queue.add(-2, { queue: "jobs" });
  latency.record(50, { op: "read" });
  temperature.record(22.5, { sensor: "a", "sightline.step": 2 });
  observed = 2000;
  await provider.shutdown();
  return exporter;
}

function find(list: SeriesJson[], name: string, context: Record<string, unknown>): SeriesJson {
  const found = list.filter((s) => seriesKey(s.name, s.context) === seriesKey(name, context));
  assert.equal(found.length, 1, `one series ${name} ${JSON.stringify(context)}`);
  return found[0]!;
}

for (const scenario of SCENARIOS) {
  describe(`SDK metrics over the official ${scenario.exporter} exporter (${scenario.temporality})`, () => {
    const serviceName = `sdk-metrics-${scenario.exporter.replace(/\W/g, "-")}`;
    let resource: Resource;
    let recorder: RecordingMetricExporter;
    let runId: string;
    let expected: Map<string, ExpectedSeries>;

    before(async () => {
      resource = await sdkResource(serviceName);
      recorder = await recordTwoCycles(scenario, resource);
      expected = expectedSeries(recorder.exported);
      const attrs = resource.attributes;
      assert.equal(attrs["service.instance.id"], undefined, "no instance id: the identity is service, host and pid");
      runId = documentedImplicitRunId({ "service.name": serviceName, "host.name": attrs["host.name"] as string, "process.pid": attrs["process.pid"] as number });
    });

    test("every export succeeded, two collection cycles", () => {
      assert.equal(recorder.exported.length, 2);
      assert.deepEqual(recorder.results.map((r) => [r.code, r.error?.message]), [[ExportResultCode.SUCCESS, undefined], [ExportResultCode.SUCCESS, undefined]]);
    });

    test("the data belongs to the implicit run of the SDK resource, with the documented name and experiment", async () => {
      const attrs = resource.attributes;
      assert.equal(attrs["process.pid"], process.pid);
      const { run } = await apiJson(c, `/api/runs/${runId}`);
      assert.equal(run.implicit, true);
      assert.equal(run.name, `${serviceName} (${attrs["host.name"]} pid ${process.pid})`);
      assert.equal(run.experiment, serviceName);
      assert.equal(run.resourceAttributes["process.pid"], process.pid);
      const { runs } = await apiJson(c, `/api/runs?experiment=${serviceName}`);
      assert.deepEqual(runs.map((r: { runId: string }) => r.runId), [runId]);
    });

    test("the temporality, kind and monotonic flag of each instrument are recorded", async () => {
      const { series } = await apiJson<{ series: SeriesJson[] }>(c, `/api/runs/${runId}`);
      const delta = scenario.temporality === "delta";
      const want: Array<[string, Record<string, unknown>, string, string, boolean, string | null]> = [
        ["http.requests", { method: "GET", route: "/a" }, "sum", delta ? "delta" : "cumulative", true, "int"],
        // With delta preference the SDK keeps UpDownCounters cumulative (the OTel spec's choice).
        ["queue.depth", { queue: "jobs" }, "sum", "cumulative", false, "int"],
        ["op.latency", { op: "read" }, "histogram", delta ? "delta" : "cumulative", false, null],
        ["temperature", { sensor: "a" }, "gauge", "unspecified", false, "double"],
        ["memory.used", { pool: "heap" }, "gauge", "unspecified", false, "double"],
      ];
      for (const [name, context, kind, temporality, monotonic, valueType] of want) {
        const s = find(series, name, context);
        assert.deepEqual([s.kind, s.temporality, s.monotonic, s.valueType], [kind, temporality, monotonic, valueType], name);
      }
    });

    test("values are what was recorded: cumulative totals or per-cycle deltas", async () => {
      const { series } = await apiJson<{ series: SeriesPointsJson[] }>(c, `/api/metrics?runs=${runId}`);
      const values = (name: string, context: Record<string, unknown>): Array<number | string> =>
        series.find((s) => seriesKey(s.series.name, s.series.context) === seriesKey(name, context))!.points.value;
      const delta = scenario.temporality === "delta";
      assert.deepEqual(values("http.requests", { method: "GET", route: "/a" }), delta ? [5 + 2, 3] : [5 + 2, 5 + 2 + 3]);
      assert.deepEqual(values("http.requests", { method: "GET", route: "/b" }), delta ? [1] : [1, 1]);
      assert.deepEqual(values("queue.depth", { queue: "jobs" }), [10 - 3, 10 - 3 - 2]);
      assert.deepEqual(values("memory.used", { pool: "heap" }), [1000, 2000]);
      // sightline.step on a gauge: one point per step, step not in the context. A cumulative
      // reader reports every attribute set again in the second cycle: the same steps at a new time.
      const temperature = series.find((s) => s.series.name === "temperature")!;
      assert.deepEqual(temperature.series.context, { sensor: "a" });
      assert.deepEqual(
        temperature.points.step.map((step, i) => [step, temperature.points.value[i]]),
        delta ? [[0, 20.5], [1, 21.5], [2, 22.5]] : [[0, 20.5], [0, 20.5], [1, 21.5], [1, 21.5], [2, 22.5]],
      );
    });

    test("histogram buckets come back per collection from /distributions", async () => {
      const { distributions } = await apiJson(c, `/api/runs/${runId}/distributions?name=op.latency`);
      assert.equal(distributions.length, 1);
      const points = distributions[0].distributions;
      const delta = scenario.temporality === "delta";
      assert.deepEqual(
        points.map((d: Record<string, unknown>) => [d.count, d.sum, d.min, d.max, d.explicitBounds, d.bucketCounts]),
        [
          ["4", 5555, 5, 5000, [10, 100, 1000], ["1", "1", "1", "1"]],
          delta ? ["1", 50, 50, 50, [10, 100, 1000], ["0", "1", "0", "0"]] : ["5", 5605, 5, 5000, [10, 100, 1000], ["1", "2", "1", "1"]],
        ],
      );
    });

    test("every series, point and bucket the SDK exported is stored exactly once and read back", async () => {
      const detail = await apiJson<{ series: SeriesJson[] }>(c, `/api/runs/${runId}`);
      assert.equal(detail.series.length, expected.size);
      const { series: withPoints } = await apiJson<{ series: SeriesPointsJson[] }>(c, `/api/metrics?runs=${runId}`);
      const { distributions } = await apiJson<{ distributions: Array<{ series: SeriesJson; distributions: Array<Record<string, unknown>> }> }>(
        c,
        `/api/runs/${runId}/distributions`,
      );
      for (const want of expected.values()) {
        const s = find(detail.series, want.name, want.context);
        assert.deepEqual(
          [s.kind, s.unit, s.description, s.temporality, s.monotonic, s.valueType],
          [want.kind, want.unit, want.description, want.temporality, want.monotonic, want.valueType],
          want.name,
        );
        if (want.kind === "gauge" || want.kind === "sum") {
          const values = want.points.map((p) => p.value);
          const last = lastPoint(want.points);
          assert.equal(s.pointCount, want.points.length, `${want.name}: point count`);
          assert.equal(s.min, Math.min(...values));
          assert.equal(s.max, Math.max(...values));
          assert.deepEqual(s.last, { step: last.step, timeUnixNano: last.time.toString(), value: last.value });
          const got = withPoints.find((x) => x.series.seriesId === s.seriesId)!;
          const order = apiOrder(want.points);
          assert.deepEqual({ step: got.points.step, time: got.points.time, value: got.points.value }, order, `${want.name}: points`);
        } else {
          assert.equal(s.pointCount, want.distributions.length);
          const got = distributions.find((d) => d.series.seriesId === s.seriesId)!;
          assert.deepEqual(
            got.distributions.map((d) => ({
              step: d.step,
              timeUnixNano: d.timeUnixNano,
              startTimeUnixNano: d.startTimeUnixNano,
              count: d.count,
              sum: d.sum,
              min: d.min,
              max: d.max,
              explicitBounds: d.explicitBounds,
              bucketCounts: d.bucketCounts,
            })),
            want.distributions,
            `${want.name}: distributions`,
          );
        }
      }
    });
  });
}
