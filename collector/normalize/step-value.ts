import type { AnyValue } from "../model/any-value.ts";

const INT64_LIMIT = 1n << 63n;

/** sightline.step and sightline.epoch are integers ≥ 0, sent as int, integral double, or decimal string. */
export function isStepValue(v: AnyValue): boolean {
  if (typeof v === "bigint") return v >= 0n && v < INT64_LIMIT;
  if (typeof v === "number") return Number.isSafeInteger(v) && v >= 0;
  if (typeof v === "string") return /^\d{1,18}$/.test(v);
  return false;
}

/** The step of a value that passed isStepValue. */
export function stepOf(v: AnyValue): bigint {
  return typeof v === "bigint" ? v : BigInt(v as number | string);
}
