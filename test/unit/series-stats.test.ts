/**
 * What a request's points add to their series (storage/series-stats.ts), in particular whether
 * they keep the series' time (epoch) in step order: only points that come in increasing step order
 * with times (epochs) that never decrease do, and two requests of one group only when one follows
 * the other.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { mergeStats, statsOfPoints, type SeriesStats } from "../../collector/storage/series-stats.ts";
import type { TiledPoint } from "../../collector/storage/metric-tiles.ts";

const point = (step: number | null, time: number, value = step ?? 0, seriesId = "aa", epoch: number | null = null): TiledPoint => ({
  project: "p",
  seriesId,
  step: step === null ? null : BigInt(step),
  timeUnixNano: BigInt(time),
  epoch: epoch === null ? null : BigInt(epoch),
  value,
});
const inEpoch = (step: number, epoch: number | null, time = step): TiledPoint => point(step, time, 0, "aa", epoch);

const only = (points: TiledPoint[]): SeriesStats => {
  const all = [...statsOfPoints(points).values()];
  assert.equal(all.length, 1);
  return all[0]!;
};

describe("series stats", () => {
  test("count, min and max ignore NaN; first and last are by (step, time)", () => {
    const s = only([point(5, 50, 2), point(3, 30, Number.NaN), point(9, 90, -1), point(7, 70, 4)]);
    assert.deepEqual([s.count, s.min, s.max], [4, -1, 4]);
    assert.deepEqual([s.firstStep, s.firstTime, s.lastStep, s.lastTime, s.lastValue], [3n, 30n, 9n, 90n, -1]);
  });

  test("time in step order: increasing steps with times that never decrease", () => {
    assert.equal(only([point(0, 10), point(1, 10), point(2, 25)]).timeInStepOrder, true);
    assert.equal(only([point(0, 10), point(1, 9)]).timeInStepOrder, false, "time went back");
    assert.equal(only([point(1, 10), point(0, 5)]).timeInStepOrder, false, "steps out of order (unknown: false)");
    assert.equal(only([point(1, 10), point(1, 11)]).timeInStepOrder, false, "a step twice");
    assert.equal(only([point(null, 10)]).timeInStepOrder, false, "a step-less point");
    assert.equal(only([point(0, 10), point(null, 20)]).timeInStepOrder, false);
  });

  test("two requests of one group keep the order only when one follows the other, in steps and in time", () => {
    const a = statsOfPoints([point(0, 10), point(1, 20)]);
    const b = statsOfPoints([point(2, 30), point(3, 40)]);
    const merged = (...maps: Array<typeof a>): SeriesStats => mergeStats(maps)[0]!;
    assert.equal(merged(a, b).timeInStepOrder, true);
    assert.equal(merged(b, a).timeInStepOrder, true, "arrival order within a group does not matter");
    assert.deepEqual([merged(b, a).firstStep, merged(b, a).firstTime, merged(b, a).lastStep], [0n, 10n, 3n]);
    assert.equal(merged(a, statsOfPoints([point(2, 15)])).timeInStepOrder, false, "later step, earlier time");
    assert.equal(merged(a, statsOfPoints([point(1, 25)])).timeInStepOrder, false, "overlapping steps");
    assert.equal(merged(a, statsOfPoints([point(5, 1), point(4, 2)])).timeInStepOrder, false, "the other request out of order");
    assert.equal(merged(a, statsOfPoints([point(2, 30, 0, "bb")])).timeInStepOrder, true, "another series is apart");
  });

  test("epoch in step order: every point has an epoch, never decreasing in step order", () => {
    assert.equal(only([inEpoch(0, 0), inEpoch(1, 0), inEpoch(2, 1)]).epochInStepOrder, true);
    assert.equal(only([inEpoch(0, 1), inEpoch(1, 0)]).epochInStepOrder, false, "epoch went back");
    assert.equal(only([inEpoch(0, 0), inEpoch(1, null)]).epochInStepOrder, false, "a point without an epoch");
    assert.equal(only([inEpoch(1, 0), inEpoch(0, 0)]).epochInStepOrder, false, "steps out of order");
    assert.equal(only([inEpoch(0, 0, 10), inEpoch(1, 0, 5)]).epochInStepOrder, true, "time going back does not matter to epochs");
    const a = statsOfPoints([inEpoch(0, 0), inEpoch(1, 1)]);
    assert.equal(mergeStats([statsOfPoints([inEpoch(2, 1)]), a])[0]!.epochInStepOrder, true);
    assert.equal(mergeStats([a, statsOfPoints([inEpoch(2, 0)])])[0]!.epochInStepOrder, false, "the next request starts an epoch back");
    const merged = mergeStats([statsOfPoints([inEpoch(2, 3)]), a])[0]!;
    assert.deepEqual([merged.firstEpoch, merged.lastEpoch], [0n, 3n]);
  });
});
