/**
 * collector/api/downsample.ts, pure: step numbering for step-less points, ordering along each
 * x-axis, and M4 (per x bucket: first, last, lowest, highest). Expected picks are derived from the
 * M4 definition in docs/api.md ("the x range is cut into points / 4 buckets").
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { axisPoints, fillMissingSteps, tileBucketWidth, type XAxis } from "../../collector/api/downsample.ts";
import type { PointColumns } from "../../collector/storage/metric-reader.ts";
import { mulberry32 } from "../support/random.ts";

const T0 = 1_700_000_000_000_000_000n;

/** Columns from rows; step/epoch null → NaN as the reader gives them. */
function columns(rows: Array<{ step?: number | null; epoch?: number | null; time?: bigint; value: number }>): PointColumns {
  return {
    step: Float64Array.from(rows, (r, i) => (r.step === null ? NaN : (r.step ?? i))),
    epoch: Float64Array.from(rows, (r) => (r.epoch === null || r.epoch === undefined ? NaN : r.epoch)),
    time: BigInt64Array.from(rows, (r, i) => r.time ?? T0 + BigInt(i) * 1_000_000n),
    value: Float64Array.from(rows, (r) => r.value),
  };
}

const prng = mulberry32;

describe("fillMissingSteps", () => {
  const cases: Array<{ name: string; steps: Array<number | null>; want: number[] }> = [
    { name: "no steps at all: 0, 1, 2, … in the given (time) order", steps: [null, null, null, null], want: [0, 1, 2, 3] },
    { name: "explicit steps untouched", steps: [0, 4, 9], want: [0, 4, 9] },
    { name: "step-less points continue after the last explicit step", steps: [2, 5, null, null], want: [2, 5, 6, 7] },
    { name: "empty", steps: [], want: [] },
  ];
  for (const { name, steps, want } of cases) {
    test(name, () => {
      const cols = columns(steps.map((step) => ({ step, value: 1 })));
      fillMissingSteps(cols);
      assert.deepEqual([...cols.step], want);
    });
  }
});

describe("axisPoints at full resolution", () => {
  const cols = columns([
    { step: 0, epoch: 1, time: T0 + 30n, value: 10 },
    { step: 1, epoch: 0, time: T0 + 10n, value: 11 },
    { step: 2, epoch: null, time: T0 + 20n, value: 12 },
    { step: 3, epoch: 0, time: T0 + 40n, value: 13 },
  ]);

  const cases: Array<{ axis: XAxis; maxPoints: number; want: number[] }> = [
    { axis: "step", maxPoints: 0, want: [0, 1, 2, 3] },
    { axis: "time", maxPoints: 0, want: [1, 2, 0, 3] },
    // Points without an epoch are left out; equal epochs are ordered by step.
    { axis: "epoch", maxPoints: 0, want: [1, 3, 0] },
    // A budget at or above the point count changes nothing.
    { axis: "step", maxPoints: 4, want: [0, 1, 2, 3] },
    { axis: "time", maxPoints: 1000, want: [1, 2, 0, 3] },
  ];
  for (const { axis, maxPoints, want } of cases) {
    test(`x=${axis}, points=${maxPoints}`, () => {
      const picked = axisPoints(cols, axis, maxPoints);
      assert.deepEqual([...picked.indices], want);
      assert.equal(picked.downsampled, false);
    });
  }
});

describe("M4 downsampling", () => {
  test("keeps the first, last, lowest and highest point of each bucket, in x order", () => {
    // Steps 0..9, points=8 → 2 buckets over [0, 9]: steps 0–4 and 5–9.
    const values = [5, 4, 1, 9, 6, /* bucket 2 */ 5, 8, 0, 3, 4];
    const picked = axisPoints(columns(values.map((value) => ({ value }))), "step", 8);
    assert.equal(picked.downsampled, true);
    // bucket 1: first 0, min 2 (1), max 3 (9), last 4; bucket 2: first 5, max 6 (8), min 7 (0), last 9.
    assert.deepEqual([...picked.indices], [0, 2, 3, 4, 5, 6, 7, 9]);
  });

  test("a point that is both first and lowest is kept once", () => {
    const values = [0, 3, 9, 2, 1, 7, 8, 6];
    const picked = axisPoints(columns(values.map((value) => ({ value }))), "step", 4);
    // One bucket: first = lowest = index 0, highest 2, last 7.
    assert.deepEqual([...picked.indices], [0, 2, 7]);
  });

  test("NaN is never the lowest or highest, but stays when it is the first or last point", () => {
    const values = [NaN, 2, NaN, -1, NaN, 7, NaN, 3, NaN];
    const picked = axisPoints(columns(values.map((value) => ({ value }))), "step", 4);
    assert.deepEqual([...picked.indices], [0, 3, 5, 8]);
  });

  test("a bucket of NaN only keeps its first and last", () => {
    const values = [NaN, NaN, NaN, NaN, NaN, NaN];
    const picked = axisPoints(columns(values.map((value) => ({ value }))), "step", 4);
    assert.deepEqual([...picked.indices], [0, 5]);
  });

  test("±Infinity are the extremes when present", () => {
    const values = [0, 1, Infinity, 2, -Infinity, 3, 4];
    const picked = axisPoints(columns(values.map((value) => ({ value }))), "step", 4);
    assert.deepEqual([...picked.indices], [0, 2, 4, 6]);
  });

  test("buckets are cut on the x values, not on point counts", () => {
    // Steps 0, 1, 2 and 100..105: over [0, 105] with 2 buckets, steps below 52.5 are the first bucket
    // (3 points), the rest the second (6 points); equal-count buckets would split them 5 / 4.
    const steps = [0, 1, 2, 100, 101, 102, 103, 104, 105];
    const values = [1, 0, 1, 5, 9, 4, 5, 6, 5];
    const picked = axisPoints(columns(steps.map((step, i) => ({ step, value: values[i]! }))), "step", 8);
    // bucket 1: first and highest 0, lowest 1, last 2; bucket 2: first 3, highest 4, lowest 5, last 8.
    assert.deepEqual([...picked.indices], [0, 1, 2, 3, 4, 5, 8]);
    assert.equal(picked.downsampled, true);
  });

  test("all points at one x value form one bucket", () => {
    const cols = columns([3, 1, 4, 1, 5, 9, 2, 6].map((value) => ({ step: 7, value })));
    // first 0, lowest 1 (the first of the two 1s), highest 5, last 7.
    assert.deepEqual([...axisPoints(cols, "step", 4).indices], [0, 1, 5, 7]);
  });

  test("never returns more points than the budget, even below M4's four per bucket", () => {
    const values = [5, 3, 8, 0, 7, 2, 9, 1, 6, 4];
    const cols = columns(values.map((value) => ({ value })));
    for (let budget = 1; budget <= 12; budget++) {
      const indices = [...axisPoints(cols, "step", budget).indices];
      assert.ok(indices.length <= budget, `points=${budget} gave ${indices.length}`);
      assert.equal(new Set(indices).size, indices.length, "no point twice");
      if (budget >= 2) {
        assert.ok(indices.includes(3) && indices.includes(6), `points=${budget} keeps the lowest (index 3) and highest (index 6)`);
      }
    }
  });

  for (const axis of ["step", "epoch", "time"] as const) {
    test(`100,000 points, points=500, x=${axis}: ≤ 500 points with the first, the last, the global min and max, no NaN extreme`, () => {
      const n = 100_000;
      const random = prng(axis.length * 7919);
      const rows = Array.from({ length: n }, (_, i) => ({
        step: i,
        epoch: Math.floor(i / 1000),
        // Times are a permutation of the steps, so x=time orders differently from x=step.
        time: T0 + BigInt((i * 7919) % n) * 1_000_000n,
        value: i % 97 === 13 ? NaN : Math.sin(i / 500) + random() * 0.1,
      }));
      rows[31_337]!.value = -1e6;
      rows[77_777]!.value = 1e6;
      const cols = columns(rows);
      // x as M4 buckets it; the order along the axis breaks equal epochs by step.
      const xOf = (i: number): number => (axis === "step" ? cols.step[i]! : axis === "epoch" ? cols.epoch[i]! : Number(cols.time[i]! - T0));
      const orderKey = (i: number): number => (axis === "epoch" ? cols.epoch[i]! * n + cols.step[i]! : xOf(i));

      const picked = axisPoints(cols, axis, 500);
      const indices = [...picked.indices];
      assert.equal(picked.downsampled, true);
      assert.ok(indices.length <= 500, `${indices.length} points`);
      // 125 buckets of up to 4 points (epochs: 100 distinct x values, so 100 buckets).
      assert.ok(indices.length > (axis === "epoch" ? 300 : 400), `buckets are used: ${indices.length} points`);
      for (let k = 1; k < indices.length; k++) assert.ok(orderKey(indices[k - 1]!) < orderKey(indices[k]!), "strictly increasing along x, no repeats");

      const byX = [...Array(n).keys()].sort((a, b) => orderKey(a) - orderKey(b));
      assert.equal(indices[0], byX[0], "the first point along x");
      assert.equal(indices[indices.length - 1], byX[n - 1], "the last point along x");
      assert.ok(indices.includes(31_337), "the global minimum");
      assert.ok(indices.includes(77_777), "the global maximum");

      // Each bucket's lowest and highest are real numbers: a NaN may only be a bucket's first or last point.
      const nanPicked = indices.filter((i) => Number.isNaN(cols.value[i]!)).length;
      assert.ok(nanPicked <= 2 * 125, `${nanPicked} NaN points`);
      const lo = xOf(byX[0]!);
      const span = xOf(byX[n - 1]!) - lo;
      const bucket = (i: number): number => Math.min(124, Math.floor(((xOf(i) - lo) / span) * 125));
      const perBucket = new Map<number, number[]>();
      for (const i of indices) perBucket.set(bucket(i), [...(perBucket.get(bucket(i)) ?? []), i]);
      for (const [b, members] of perBucket) {
        assert.ok(members.length <= 4, `bucket ${b} keeps at most 4 points`);
        const inBucket = byX.filter((i) => bucket(i) === b);
        const finite = inBucket.filter((i) => !Number.isNaN(cols.value[i]!));
        const min = Math.min(...finite.map((i) => cols.value[i]!));
        const max = Math.max(...finite.map((i) => cols.value[i]!));
        const kept = members.map((i) => cols.value[i]!);
        assert.ok(kept.includes(min) && kept.includes(max), `bucket ${b} keeps its extremes`);
        assert.equal(members[0], inBucket[0], `bucket ${b} keeps its first point`);
        assert.equal(members[members.length - 1], inBucket[inBucket.length - 1], `bucket ${b} keeps its last point`);
      }
    });
  }
});

describe("tileBucketWidth", () => {
  test("a whole number of tiles, never more buckets than the budget holds, wherever the steps fall on the grid", () => {
    for (let lo = 0; lo < 3000; lo += 37) {
      for (const len of [40 * 32, 5000, 12_345, 100_000]) {
        for (const maxPoints of [12, 500, 1003]) {
          const width = tileBucketWidth(lo, lo + len, maxPoints, 32);
          if (width === null) continue;
          assert.equal(width % 32, 0);
          const buckets = Math.floor((lo + len) / width) - Math.floor(lo / width) + 1;
          assert.ok(buckets <= Math.floor(maxPoints / 4), `lo ${lo}, len ${len}, ${maxPoints} points: ${buckets} buckets of ${width}`);
          assert.ok(width < 2 * Math.max(32, len / (Math.floor(maxPoints / 4) - 1)), "no coarser than it must be");
        }
      }
    }
  });

  test("null when tiles cannot serve: fewer than two buckets, or buckets narrower than a tile", () => {
    assert.equal(tileBucketWidth(0, 100_000, 7, 32), null);
    assert.equal(tileBucketWidth(0, 1000, 500, 32), null);
    assert.equal(tileBucketWidth(0, 124 * 32, 500, 32), 32);
  });
});
