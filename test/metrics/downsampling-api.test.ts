/**
 * M4 downsampling end to end: a 100,000-point series, ingested as OTLP/JSON in five requests of
 * 20,000 points (out of order), read from GET /api/metrics with points=500 along x=step, x=epoch
 * and x=time: at most 500 points, the first and last along the axis, the global minimum and
 * maximum, never NaN as an extreme, every returned point exactly as sent. Without `points`: every
 * point. x=step comes from the tiles (storage/metric-tiles.ts): the same M4 on whole-tile buckets.
 * (downsample.ts itself is unit-tested in test/unit/downsample.test.ts.)
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { stepAlignedM4, tileBucketWidth } from "../../collector/api/downsample.ts";
import { TILE_STEPS } from "../../collector/storage/metric-tiles.ts";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { apiJson, apiNumber, exportVia, gauge, metricsRequest, type SeriesPointsJson } from "../support/otlp-signals.ts";

const N = 100_000;
const PER_REQUEST = 20_000;
const T = 1_700_000_000_000_000_000n;
const MIN_STEP = 31_337;
const MAX_STEP = 77_777;

/** What was sent for step i. Times are a permutation of the steps (1 ms apart), so x=time orders differently. */
const sent = Array.from({ length: N }, (_, i) => ({
  step: i,
  epoch: Math.floor(i / 1000),
  time: T + BigInt((i * 7919) % N) * 1_000_000n,
  value: i === MIN_STEP ? -1e6 : i === MAX_STEP ? 1e6 : i % 97 === 13 ? NaN : Math.sin(i / 500) + ((i * 2654435761) % 1000) / 10_000,
}));
const finite = sent.filter((p) => !Number.isNaN(p.value)).map((p) => p.value);
const globalMin = Math.min(...finite);
const globalMax = Math.max(...finite);

let c: TestCollector;

before(async () => {
  c = await startTestCollector();
  const started = performance.now();
  for (const chunk of [3, 0, 4, 1, 2]) {
    const points = sent.slice(chunk * PER_REQUEST, (chunk + 1) * PER_REQUEST).map((p) => ({
      value: p.value,
      time: p.time,
      attributes: { "sightline.step": BigInt(p.step), "sightline.epoch": BigInt(p.epoch) },
    }));
    const outcome = await exportVia(c, "http/json", "metrics", JSON.stringify(metricsRequest({ "sightline.run.id": "long" }, [gauge("loss", points)])));
    assert.deepEqual([outcome.accepted, outcome.rejected], [true, 0], outcome.message);
  }
  console.log(`# ingested ${N} points in ${Math.round(performance.now() - started)} ms`);
});

after(() => c.close());

async function series(query: string): Promise<SeriesPointsJson> {
  const body = await apiJson<{ series: SeriesPointsJson[] }>(c, `/api/metrics?runs=long&names=loss${query}`);
  assert.equal(body.series.length, 1);
  return body.series[0]!;
}

/** Every returned point is the one sent for its step, in all four columns. */
function assertPointsAsSent(s: SeriesPointsJson): void {
  s.points.step.forEach((step, k) => {
    const p = sent[step]!;
    assert.deepEqual([s.points.epoch[k], s.points.time[k], s.points.value[k]], [p.epoch, p.time.toString(), apiNumber(p.value)], `step ${step}`);
  });
}

test("the series stored every point and its aggregates ignore NaN", async () => {
  const { series } = await apiJson(c, "/api/runs/long");
  assert.deepEqual([series[0].pointCount, series[0].min, series[0].max], [N, globalMin, globalMax]);
  assert.deepEqual(series[0].last, { step: N - 1, timeUnixNano: sent[N - 1]!.time.toString(), value: apiNumber(sent[N - 1]!.value) });
});

describe("points=500", () => {
  const axes = [
    { x: "step", key: (i: number) => i },
    { x: "epoch", key: (i: number) => sent[i]!.epoch * N + i },
    { x: "time", key: (i: number) => Number(sent[i]!.time - T) },
  ];
  for (const { x, key } of axes) {
    test(`x=${x}: ≤ 500 points, first and last along x, the global min and max, no NaN extreme`, async () => {
      const s = await series(`&points=500&x=${x}`);
      assert.equal(s.x, x);
      assert.equal(s.downsampled, true);
      assert.equal(s.totalPoints, N);
      const steps = s.points.step;
      assert.ok(steps.length <= 500, `${steps.length} points`);
      assert.ok(steps.length >= 250, `the budget is used: ${steps.length} points`);
      for (let k = 1; k < steps.length; k++) assert.ok(key(steps[k - 1]!) < key(steps[k]!), `ordered along x at ${k}`);
      const byX = [...Array(N).keys()].sort((a, b) => key(a) - key(b));
      assert.equal(steps[0], byX[0], "the first point along x");
      assert.equal(steps[steps.length - 1], byX[N - 1], "the last point along x");
      assert.ok(steps.includes(MIN_STEP), "the global minimum");
      assert.ok(steps.includes(MAX_STEP), "the global maximum");
      const values = s.points.value.filter((v): v is number => typeof v === "number");
      assert.deepEqual([Math.min(...values), Math.max(...values)], [globalMin, globalMax]);
      const nans = s.points.value.filter((v) => v === "NaN").length;
      assert.ok(nans <= (2 * 500) / 4, `NaN only as a bucket's first or last point (${nans})`);
      assertPointsAsSent(s);
    });
  }
});

test("x=step is drawn from the tiles: exactly the points M4 keeps from all 100,000 on whole-tile buckets", async () => {
  const s = await series("&points=500&x=step");
  const width = tileBucketWidth(0, N - 1, 500, TILE_STEPS)!;
  const cols = {
    step: Float64Array.from(sent, (p) => p.step),
    epoch: Float64Array.from(sent, (p) => p.epoch),
    time: BigInt64Array.from(sent, (p) => p.time),
    value: Float64Array.from(sent, (p) => p.value),
  };
  assert.deepEqual(s.points.step, [...stepAlignedM4(cols, width, 500).indices].map((i) => sent[i]!.step));
});

test("without points: full resolution, every point as sent", async () => {
  const started = performance.now();
  const s = await series("");
  console.log(`# read ${N} points at full resolution in ${Math.round(performance.now() - started)} ms`);
  assert.equal(s.downsampled, false);
  assert.equal(s.points.step.length, N);
  assert.deepEqual(s.points.step, sent.map((p) => p.step));
  assert.deepEqual(s.points.value, sent.map((p) => apiNumber(p.value)));
  assertPointsAsSent(s);
});

test("a budget at or above the point count returns every point too", async () => {
  const s = await series(`&points=${N}&x=time`);
  assert.equal(s.downsampled, false);
  assert.equal(s.points.step.length, N);
  const times = s.points.time.map(BigInt);
  for (let k = 1; k < times.length; k++) assert.ok(times[k - 1]! < times[k]!);
});
