/**
 * Which metric data points the receiver refuses (collector/receiver/otlp/metrics/point-validation.ts
 * and normalize/step-value.ts): the reasons counted in partial_success.rejectedDataPoints.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AnyValue } from "../../collector/model/any-value.ts";
import { histogramPointProblem, numberPointProblem, pointProblem } from "../../collector/receiver/otlp/metrics/point-validation.ts";
import { isStepValue, stepOf } from "../../collector/normalize/step-value.ts";

const T = 1_700_000_000_000_000_000n;

describe("sightline.step / sightline.epoch values", () => {
  const cases: Array<{ value: AnyValue; ok: boolean; step?: bigint }> = [
    { value: 0n, ok: true, step: 0n },
    { value: 42n, ok: true, step: 42n },
    { value: (1n << 63n) - 1n, ok: true, step: (1n << 63n) - 1n },
    { value: -1n, ok: false },
    { value: 7, ok: true, step: 7n },
    { value: 7.5, ok: false },
    { value: -3, ok: false },
    { value: NaN, ok: false },
    { value: Infinity, ok: false },
    { value: 2 ** 53, ok: false },
    { value: "12", ok: true, step: 12n },
    { value: "-1", ok: false },
    { value: "1.5", ok: false },
    { value: "", ok: false },
    { value: "1e3", ok: false },
    { value: "9".repeat(19), ok: false },
    { value: true, ok: false },
    { value: null, ok: false },
    { value: [1n], ok: false },
  ];
  for (const { value, ok, step } of cases) {
    const label = typeof value === "bigint" ? `${value}n` : typeof value === "string" ? JSON.stringify(value) : String(value);
    test(`${label} is ${ok ? "a step" : "refused"}`, () => {
      assert.equal(isStepValue(value), ok);
      const problem = pointProblem({ attributes: [{ key: "sightline.step", value }], startTimeUnixNano: 0n, timeUnixNano: T });
      assert.equal(problem === null, ok, String(problem));
      const epochProblem = pointProblem({ attributes: [{ key: "sightline.epoch", value }], startTimeUnixNano: 0n, timeUnixNano: T });
      assert.equal(epochProblem === null, ok, "epochs follow the same rule");
      if (step !== undefined) assert.equal(stepOf(value), step);
    });
  }
});

describe("data point problems", () => {
  test("times beyond 2262 are refused, start or end", () => {
    const max = (1n << 63n) - 1n;
    assert.equal(pointProblem({ attributes: [], startTimeUnixNano: 0n, timeUnixNano: max }), null);
    assert.match(pointProblem({ attributes: [], startTimeUnixNano: 0n, timeUnixNano: max + 1n }) ?? "", /2262/);
    assert.match(pointProblem({ attributes: [], startTimeUnixNano: max + 1n, timeUnixNano: T }) ?? "", /2262/);
  });

  test("a number point needs a value unless flagged as having none", () => {
    assert.equal(numberPointProblem({ value: 1.5, flags: 0 }), null);
    assert.equal(numberPointProblem({ value: 0n, flags: 0 }), null);
    assert.equal(numberPointProblem({ value: NaN, flags: 0 }), null, "NaN is a value");
    assert.match(numberPointProblem({ value: null, flags: 0 }) ?? "", /no value/);
    assert.equal(numberPointProblem({ value: null, flags: 1 }), null, "NO_RECORDED_VALUE marks a gap");
  });

  const histograms: Array<{ bounds: number[]; counts: number; ok: boolean }> = [
    { bounds: [1, 2, 3], counts: 4, ok: true },
    { bounds: [], counts: 1, ok: true },
    { bounds: [1, 2], counts: 0, ok: true },
    { bounds: [1, 2, 3], counts: 3, ok: false },
    { bounds: [1], counts: 3, ok: false },
    { bounds: [], counts: 2, ok: false },
  ];
  for (const { bounds, counts, ok } of histograms) {
    test(`a histogram with ${bounds.length} bounds and ${counts} counts is ${ok ? "valid" : "refused"}`, () => {
      const problem = histogramPointProblem({ explicitBounds: bounds, bucketCounts: Array.from({ length: counts }, () => 1n) });
      assert.equal(problem === null, ok, String(problem));
    });
  }
});
