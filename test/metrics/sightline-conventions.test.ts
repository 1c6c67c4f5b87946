/**
 * The Sightline metric conventions on plain OTLP (docs/mapping.md, "Metrics"): sightline.step and
 * sightline.epoch become step and epoch and are not context; attribute order never splits a series;
 * step-less points are numbered by time; int and double values; NaN and ±Infinity; temporality.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { parseLosslessJson } from "../support/lossless-json.ts";
import { get } from "../support/otlp.ts";
import {
  apiJson,
  apiNumber,
  CUMULATIVE,
  DELTA,
  exportVia,
  gauge,
  histogram,
  metricsRequest,
  sum,
  type Json,
  type SeriesJson,
  type SeriesPointsJson,
  type Transport,
} from "../support/otlp-signals.ts";

const T = 1_700_000_000_000_000_000n;

let c: TestCollector;

before(async () => {
  c = await startTestCollector();
});

after(() => c.close());

async function send(runId: string, metrics: Json[], transport: Transport = "http/json"): Promise<void> {
  const outcome = await exportVia(c, transport, "metrics", JSON.stringify(metricsRequest({ "sightline.run.id": runId }, metrics)));
  assert.deepEqual([outcome.accepted, outcome.rejected, outcome.message], [true, 0, ""]);
}

async function seriesOf(runId: string, query = ""): Promise<SeriesPointsJson[]> {
  return (await apiJson<{ series: SeriesPointsJson[] }>(c, `/api/metrics?runs=${runId}${query}`)).series;
}

describe("step, epoch and context", () => {
  test("sightline.step and sightline.epoch become step and epoch; attribute order makes no second series", async () => {
    await send("ctx", [gauge("loss", [{ value: 1.0, time: T, attributes: { subset: "train", fold: 1n, "sightline.step": 0n, "sightline.epoch": 0n } }])]);
    await send("ctx", [gauge("loss", [{ value: 0.8, time: T + 1n, attributes: { "sightline.epoch": 0n, fold: 1n, "sightline.step": 1n, subset: "train" } }])]);
    await send("ctx", [gauge("loss", [{ value: 0.6, time: T + 2n, attributes: { "sightline.step": "2", "sightline.epoch": 1, subset: "train", fold: 1n } }])]);
    await send("ctx", [gauge("loss", [{ value: 0.9, time: T + 3n, attributes: { fold: 1n, subset: "val", "sightline.step": 2n } }])]);

    const res = await get(c.httpUrl, "/api/runs/ctx");
    const detail = parseLosslessJson(res.body.toString("utf8")) as { series: Array<{ name: string; context: unknown }> };
    assert.deepEqual(
      detail.series.map((s) => s.context),
      [{ fold: 1n, subset: "train" }, { fold: 1n, subset: "val" }],
      "two series, step and epoch in neither context, the int type of fold kept",
    );
    const [train] = await seriesOf("ctx", `&context=${encodeURIComponent('{"subset":"train"}')}`);
    assert.deepEqual(train!.points, { step: [0, 1, 2], epoch: [0, 0, 1], time: [String(T), String(T + 1n), String(T + 2n)], value: [1.0, 0.8, 0.6] });
  });

  test("a context filter matches typed values: {\"fold\": 1} is the int 1", async () => {
    assert.equal((await seriesOf("ctx", `&context=${encodeURIComponent('{"fold":1}')}`)).length, 2);
    assert.equal((await seriesOf("ctx", `&context=${encodeURIComponent('{"fold":1,"subset":"val"}')}`)).length, 1);
    assert.equal((await seriesOf("ctx", `&context=${encodeURIComponent('{"fold":2}')}`)).length, 0);
  });

  test("without a step, points are numbered in time order whatever order they arrive in", async () => {
    for (const [offset, value] of [[30n, 3], [10n, 1], [20n, 2], [40n, 4]] as const) {
      await send("no-step", [gauge("gpu.util", [{ value, time: T + offset }])]);
    }
    const [s] = await seriesOf("no-step");
    assert.deepEqual(s!.points.step, [0, 1, 2, 3]);
    assert.deepEqual(s!.points.value, [1, 2, 3, 4]);
    assert.deepEqual(s!.points.time, [10n, 20n, 30n, 40n].map((o) => String(T + o)));
    assert.deepEqual(s!.points.epoch, [null, null, null, null]);
    const [byTime] = await seriesOf("no-step", "&x=time");
    assert.deepEqual(byTime!.points.value, [1, 2, 3, 4]);
    assert.equal(byTime!.x, "time");
  });

  test("many series read at once keep their own points, each in step order", async () => {
    const folds = 12;
    const value = (fold: number, s: number): number => fold * 1000 + s;
    for (const half of [[5, 4, 3], [2, 1, 0]]) {
      await send(
        "many",
        [...Array(folds).keys()].map((fold) =>
          gauge("acc", half.map((s) => ({ value: value(fold, s), time: T + BigInt(100 - s), attributes: { fold: BigInt(fold), "sightline.step": BigInt(s) } }))),
        ),
      );
      // And a step-less series, its points numbered on their own.
      await send("many", [gauge("lr", half.map((s) => ({ value: value(0, s), time: T + BigInt(s) })))]);
    }
    const series = await seriesOf("many", "&names=acc");
    assert.equal(series.length, folds);
    for (const s of series) {
      const fold = s.series.context.fold as number;
      assert.deepEqual(s.points.step, [0, 1, 2, 3, 4, 5]);
      assert.deepEqual(s.points.value, [0, 1, 2, 3, 4, 5].map((st) => value(fold, st)), `fold ${fold}`);
    }
    const [lr] = await seriesOf("many", "&names=lr");
    assert.deepEqual(lr!.points.step, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(lr!.points.value, [0, 1, 2, 3, 4, 5].map((st) => value(0, st)));
  });

  test("x=epoch orders by epoch and leaves out points without one", async () => {
    await send("epochs", [
      gauge("acc", [
        { value: 0.1, time: T, attributes: { "sightline.step": 0n, "sightline.epoch": 1n } },
        { value: 0.2, time: T + 1n, attributes: { "sightline.step": 1n } },
        { value: 0.3, time: T + 2n, attributes: { "sightline.step": 2n, "sightline.epoch": 0n } },
      ]),
    ]);
    const [s] = await seriesOf("epochs", "&x=epoch");
    assert.deepEqual(s!.points.epoch, [0, 1]);
    assert.deepEqual(s!.points.value, [0.3, 0.1]);
    assert.equal(s!.totalPoints, 3);
  });
});

describe("values", () => {
  test("int values make an int series; a later double point makes it a double series", async () => {
    await send("types", [sum("tokens", [{ value: 3n, time: T }, { value: 4n, time: T + 1n }], { temporality: CUMULATIVE, monotonic: true })]);
    await send("types", [gauge("mixed", [{ value: 1n, time: T }])]);
    let detail = await apiJson<{ series: SeriesJson[] }>(c, "/api/runs/types");
    assert.deepEqual(detail.series.map((s) => [s.name, s.valueType]), [["mixed", "int"], ["tokens", "int"]]);
    await send("types", [gauge("mixed", [{ value: 1.5, time: T + 1n }])]);
    await send("types", [gauge("mixed", [{ value: 2n, time: T + 2n }])]);
    detail = await apiJson<{ series: SeriesJson[] }>(c, "/api/runs/types");
    assert.deepEqual(detail.series.map((s) => [s.name, s.valueType]), [["mixed", "double"], ["tokens", "int"]], "and stays double");
    const series = await seriesOf("types");
    assert.deepEqual(series.find((s) => s.series.name === "mixed")!.points.value, [1, 1.5, 2]);
    assert.deepEqual(series.find((s) => s.series.name === "tokens")!.points.value, [3, 4]);
  });

  for (const transport of ["http/json", "http/protobuf"] as const) {
    test(`NaN and ±Infinity are kept and come back as strings; min and max ignore NaN (${transport})`, async () => {
      const runId = `nonfinite-${transport.replace(/\W/g, "-")}`;
      const cases: Array<{ name: string; values: number[]; min: number | null; max: number | null }> = [
        { name: "mixed", values: [NaN, 1.5, Infinity, -Infinity, NaN], min: -Infinity, max: Infinity },
        { name: "nan-between", values: [NaN, 2, NaN, -3, NaN], min: -3, max: 2 },
        { name: "all-nan", values: [NaN, NaN], min: null, max: null },
      ];
      await send(
        runId,
        cases.map((k) => gauge(k.name, k.values.map((value, step) => ({ value, time: T + BigInt(step), attributes: { "sightline.step": BigInt(step) } })))),
        transport,
      );
      const detail = await apiJson<{ series: SeriesJson[] }>(c, `/api/runs/${runId}`);
      const points = await seriesOf(runId);
      for (const k of cases) {
        const s = detail.series.find((x) => x.name === k.name)!;
        assert.equal(s.min, k.min === null ? null : apiNumber(k.min), `${k.name}: min`);
        assert.equal(s.max, k.max === null ? null : apiNumber(k.max), `${k.name}: max`);
        assert.deepEqual(s.last?.value, apiNumber(k.values[k.values.length - 1]!));
        assert.deepEqual(points.find((x) => x.series.name === k.name)!.points.value, k.values.map(apiNumber), k.name);
      }
    });
  }
});

describe("temporality and monotonicity", () => {
  test("are recorded per series as sent", async () => {
    await send("temporality", [
      sum("requests.delta", [{ value: 5n, time: T }], { temporality: DELTA, monotonic: true }),
      sum("requests.total", [{ value: 5n, time: T }], { temporality: CUMULATIVE, monotonic: true }),
      sum("queue.depth", [{ value: -2n, time: T }], { temporality: CUMULATIVE, monotonic: false }),
      sum("unspecified", [{ value: 1n, time: T }], { temporality: 0, monotonic: false }),
      histogram("latency.delta", [{ time: T, count: 1n, bounds: [], counts: [1n] }], DELTA),
      histogram("latency.total", [{ time: T, count: 1n, bounds: [], counts: [1n] }], CUMULATIVE),
      gauge("temperature", [{ value: 20, time: T }]),
    ]);
    const { series } = await apiJson<{ series: SeriesJson[] }>(c, "/api/runs/temporality");
    assert.deepEqual(
      series.map((s) => [s.name, s.kind, s.temporality, s.monotonic]),
      [
        ["latency.delta", "histogram", "delta", false],
        ["latency.total", "histogram", "cumulative", false],
        ["queue.depth", "sum", "cumulative", false],
        ["requests.delta", "sum", "delta", true],
        ["requests.total", "sum", "cumulative", true],
        ["temperature", "gauge", "unspecified", false],
        ["unspecified", "sum", "unspecified", false],
      ],
    );
  });

  test("a gauge and a sum of the same name are two series", async () => {
    await send("kinds", [gauge("x", [{ value: 1, time: T }]), sum("x", [{ value: 2, time: T }], { temporality: DELTA, monotonic: false })]);
    const { series } = await apiJson<{ series: SeriesJson[] }>(c, "/api/runs/kinds");
    assert.deepEqual(series.map((s) => s.kind).sort(), ["gauge", "sum"]);
  });
});
