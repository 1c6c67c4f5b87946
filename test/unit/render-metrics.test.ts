/**
 * collector/api/render-metrics.ts, pure: numbers JSON cannot hold become "NaN" / "Infinity" /
 * "-Infinity"; points go out as index-aligned columns; distribution counts stay exact strings.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { distributionJson, numberJson, seriesPointsJson } from "../../collector/api/render-metrics.ts";
import type { SeriesInfo } from "../../collector/storage/metric-reader.ts";

const series: SeriesInfo = {
  seriesId: "00".repeat(16),
  runId: "r",
  name: "loss",
  kind: "gauge",
  context: '{"subset":"train"}',
  unit: "1",
  description: "d",
  temporality: 1,
  monotonic: false,
  valueType: "double",
  pointCount: 3,
  lastStep: "2",
  lastTimeUnixNano: "1700000000000000002",
  lastValue: NaN,
  minValue: -Infinity,
  maxValue: 1.5,
  timeInStepOrder: true,
  epochInStepOrder: true,
};

describe("render metrics", () => {
  const numbers: Array<[number | null, string]> = [
    [1.5, "1.5"],
    [-0.25, "-0.25"],
    [0, "0"],
    [NaN, '"NaN"'],
    [Infinity, '"Infinity"'],
    [-Infinity, '"-Infinity"'],
    [null, "null"],
  ];
  for (const [v, want] of numbers) test(`numberJson(${v}) = ${want}`, () => assert.equal(numberJson(v), want));

  test("a series with its picked points as columns; missing epochs are null", () => {
    const cols = {
      step: Float64Array.from([0, 1, 2]),
      epoch: Float64Array.from([0, NaN, 1]),
      time: BigInt64Array.from([1700000000000000000n, 1700000000000000001n, 1700000000000000002n]),
      value: Float64Array.from([1.5, Infinity, NaN]),
    };
    const json = JSON.parse(seriesPointsJson(series, cols, "step", { indices: Uint32Array.from([0, 2]), downsampled: true }));
    assert.deepEqual(json.points, { step: [0, 2], epoch: [0, 1], time: ["1700000000000000000", "1700000000000000002"], value: [1.5, "NaN"] });
    assert.equal(json.totalPoints, 3);
    assert.equal(json.downsampled, true);
    assert.deepEqual(json.series.context, { subset: "train" });
    assert.equal(json.series.temporality, "delta");
    assert.deepEqual(json.series.last, { step: 2, timeUnixNano: "1700000000000000002", value: "NaN" });
    assert.equal(json.series.min, "-Infinity");
    assert.equal(json.series.max, 1.5);
  });

  test("a distribution: uint64 count as a string, non-finite sum/min/max as strings", () => {
    const json = JSON.parse(
      distributionJson({
        step: "7",
        epoch: null,
        time_unix_nano: "1",
        start_time_unix_nano: "0",
        count: "18446744073709551615",
        sum: NaN,
        min: -Infinity,
        max: 2,
        flags: 0,
        data: { explicitBounds: [1], bucketCounts: ["1", "18446744073709551614"] },
      }),
    );
    assert.deepEqual(json, {
      step: 7,
      epoch: null,
      timeUnixNano: "1",
      startTimeUnixNano: "0",
      count: "18446744073709551615",
      sum: "NaN",
      min: "-Infinity",
      max: 2,
      flags: 0,
      explicitBounds: [1],
      bucketCounts: ["1", "18446744073709551614"],
    });
  });
});
