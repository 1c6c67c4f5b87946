/**
 * A downsampled time or epoch chart (x=time / x=epoch, points=N) is drawn from the tiles when the
 * series' time (epoch) never decreases in step order — what a training loop sends — and from every
 * point otherwise. The writers keep metric_series.time_in_step_order and epoch_in_step_order: true
 * only while every request's points follow the stored ones in step and in time (epoch). Series
 * here, 20,000 points each in four OTLP requests: "ordered" (in order, uneven time gaps), "late"
 * (the same points, requests out of order), "backwards" (in order, one point earlier in time than
 * its predecessor), "epochback" (in order, one point an epoch back), "epochreset" (epochs restart
 * where a request begins). The tile answer is
 * recognisable: the same points as the x=step chart, which differ from M4 on time or epoch buckets.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import pg from "pg";
import { axisPoints } from "../../collector/api/downsample.ts";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { apiJson, exportVia, gauge, metricsRequest, type SeriesPointsJson } from "../support/otlp-signals.ts";

const N = 20_000;
const T = 1_700_000_000_000_000_000n;
const MIN_STEP = 4_321;
const MAX_STEP = 15_678;

/** Increasing times with uneven gaps (a pause every 1,000 steps, as an evaluation would make). */
const ordered = Array.from({ length: N }, (_, step) => ({
  step,
  epoch: Math.floor(step / 1000),
  time: T + BigInt(step) * 1_000_000n + BigInt(Math.floor(step / 1000)) * 5_000_000_000n + BigInt((step * 7) % 3),
  value: step === MIN_STEP ? -1e6 : step === MAX_STEP ? 1e6 : Math.sin(step / 300) + ((step * 2654435761) % 1000) / 10_000,
}));
// Keep times non-decreasing despite the jitter above.
for (let i = 1; i < N; i++) if (ordered[i]!.time < ordered[i - 1]!.time) ordered[i]!.time = ordered[i - 1]!.time;
const backwards = ordered.map((p) => ({ ...p }));
backwards[12_345]!.time = backwards[12_344]!.time - 1n;
const epochBack = ordered.map((p) => ({ ...p }));
epochBack[12_500]!.epoch = 11; // its predecessor is in epoch 12
// Epochs restart at step 10,000, where the third request begins: each request is in order, the series is not.
const epochReset = ordered.map((p) => ({ ...p, epoch: p.step < 10_000 ? p.epoch : p.epoch - 10 }));

let c: TestCollector;

async function send(run: string, points: typeof ordered, chunkOrder: number[]): Promise<void> {
  const per = N / chunkOrder.length;
  for (const chunk of chunkOrder) {
    const dataPoints = points.slice(chunk * per, (chunk + 1) * per).map((p) => ({ value: p.value, time: p.time, attributes: { "sightline.step": BigInt(p.step), "sightline.epoch": BigInt(p.epoch) } }));
    const outcome = await exportVia(c, "http/json", "metrics", JSON.stringify(metricsRequest({ "sightline.run.id": run }, [gauge("loss", dataPoints)])));
    assert.deepEqual([outcome.accepted, outcome.rejected], [true, 0], outcome.message);
  }
}

before(async () => {
  c = await startTestCollector();
  await send("ordered", ordered, [0, 1, 2, 3]);
  await send("late", ordered, [1, 0, 2, 3]);
  await send("backwards", backwards, [0, 1, 2, 3]);
  await send("epochback", epochBack, [0, 1, 2, 3]);
  await send("epochreset", epochReset, [0, 1, 2, 3]);
});
after(() => c.close());

async function chart(run: string, query: string): Promise<SeriesPointsJson> {
  const body = await apiJson<{ series: SeriesPointsJson[] }>(c, `/api/metrics?runs=${run}&names=loss${query}`);
  assert.equal(body.series.length, 1);
  return body.series[0]!;
}

/** M4 on time (epoch) buckets over every point of the series: the answer when the tiles cannot serve. */
async function m4FromAllPoints(run: string, axis: "time" | "epoch"): Promise<number[]> {
  const full = (await chart(run, "")).points;
  const cols = {
    step: Float64Array.from(full.step),
    epoch: Float64Array.from(full.epoch, (e) => e ?? NaN),
    time: BigInt64Array.from(full.time.map(BigInt)),
    value: Float64Array.from(full.value.map(Number)),
  };
  return Array.from(axisPoints(cols, axis, 500).indices, (i) => full.step[i]!);
}

test("the writers mark in-order series only", async () => {
  const client = new pg.Client(c.database.url);
  await client.connect();
  try {
    const { rows } = await client.query<{ run_id: string; time_in_step_order: boolean; epoch_in_step_order: boolean }>(
      "SELECT run_id, time_in_step_order, epoch_in_step_order FROM metric_series ORDER BY run_id",
    );
    assert.deepEqual(
      rows.map((r) => [r.run_id, r.time_in_step_order, r.epoch_in_step_order]),
      [["backwards", false, true], ["epochback", true, false], ["epochreset", true, false], ["late", false, false], ["ordered", true, true]],
    );
  } finally {
    await client.end();
  }
});

const FROM_TILES: Array<[string, "time" | "epoch"]> = [["ordered", "time"], ["ordered", "epoch"], ["backwards", "epoch"], ["epochback", "time"]];
for (const [run, axis] of FROM_TILES) {
  test(`"${run}" along ${axis} comes from the tiles: the step chart's points, first, last, min and max kept`, async () => {
    const sent = run === "backwards" ? backwards : run === "epochback" ? epochBack : ordered;
    const byAxis = await chart(run, `&points=500&x=${axis}`);
    const byStep = await chart(run, "&points=500");
    assert.equal(byAxis.x, axis);
    assert.ok(byAxis.downsampled && byAxis.points.step.length <= 500, `${byAxis.points.step.length} points`);
    assert.deepEqual(byAxis.points.step, byStep.points.step);
    // Not what M4 on buckets of the axis keeps from all points: the tiles did answer.
    assert.notDeepEqual(byAxis.points.step, await m4FromAllPoints(run, axis));
    for (const step of [0, MIN_STEP, MAX_STEP, N - 1]) assert.ok(byAxis.points.step.includes(step), `step ${step} kept`);
    byAxis.points.step.forEach((step, k) => {
      assert.equal(byAxis.points.time[k], sent[step]!.time.toString());
      assert.equal(byAxis.points.epoch[k], sent[step]!.epoch);
      assert.equal(byAxis.points.value[k], sent[step]!.value);
    });
  });
}

const FROM_POINTS: Array<[string, "time" | "epoch"]> = [["late", "time"], ["late", "epoch"], ["backwards", "time"], ["epochback", "epoch"], ["epochreset", "epoch"]];
for (const [run, axis] of FROM_POINTS) {
  test(`"${run}", not known to be in order along ${axis}, has its ${axis} chart from every point: M4 on ${axis} buckets`, async () => {
    const byAxis = await chart(run, `&points=500&x=${axis}`);
    assert.deepEqual(byAxis.points.step, await m4FromAllPoints(run, axis));
    for (const step of [MIN_STEP, MAX_STEP]) assert.ok(byAxis.points.step.includes(step), `step ${step} kept`);
  });
}
