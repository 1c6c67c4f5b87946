import type { AnyValue, Attributes } from "../../../model/any-value.ts";
import { NO_RECORDED_VALUE } from "../../../model/metrics.ts";
import { ATTR } from "../../../normalize/sightline-attributes.ts";
import { isStepValue } from "../../../normalize/step-value.ts";
import { MAX_NANOS } from "../span-validation.ts";

/** Why a data point is refused (counted in partial_success.rejectedDataPoints), or null. */
export function pointProblem(p: { attributes: Attributes; startTimeUnixNano: bigint; timeUnixNano: bigint }): string | null {
  if (p.timeUnixNano > MAX_NANOS || p.startTimeUnixNano > MAX_NANOS) return "data point time beyond year 2262";
  for (const kv of p.attributes) {
    if ((kv.key === ATTR.step || kv.key === ATTR.epoch) && !isStepValue(kv.value)) {
      return `${kv.key} must be a non-negative integer, got ${describe(kv.value)}`;
    }
  }
  return null;
}

export function numberPointProblem(p: { value: number | bigint | null; flags: number }): string | null {
  if (p.value === null && (p.flags & NO_RECORDED_VALUE) === 0) return "number data point has no value";
  return null;
}

export function histogramPointProblem(p: { bucketCounts: bigint[]; explicitBounds: number[] }): string | null {
  if (p.bucketCounts.length !== 0 && p.bucketCounts.length !== p.explicitBounds.length + 1) {
    return `histogram has ${p.bucketCounts.length} bucket counts for ${p.explicitBounds.length} bounds`;
  }
  return null;
}

function describe(v: AnyValue): string {
  return typeof v === "string" ? JSON.stringify(v.slice(0, 40)) : typeof v === "bigint" ? v.toString() : typeof v === "number" ? String(v) : typeof v;
}
