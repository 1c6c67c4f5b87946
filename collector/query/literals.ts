/** Literal forms of the language: durations, timestamps and numbers, read exactly (nanoseconds as bigint). */

export const DURATION_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
};

/** One or more `<number><unit>` parts, e.g. `250ms`, `1.5s`, `1h30m`. Longest unit first, so `ms` is not `m` + `s`. */
export const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d))+/;
const DURATION_PART = /(\d+)(?:\.(\d+))?(ns|us|µs|ms|s|m|h|d)/g;

export const INT64_MAX = 9_223_372_036_854_775_807n;

/** Nanoseconds of a duration literal; fractions below a nanosecond are cut. Null when it does not fit int64. */
export function durationNanos(text: string): bigint | null {
  let total = 0n;
  for (const m of text.matchAll(DURATION_PART)) {
    const unit = DURATION_UNITS[m[3]!]!;
    const fraction = m[2] ?? "";
    const scale = 10n ** BigInt(fraction.length);
    total += ((BigInt(m[1]!) * scale + BigInt(fraction || "0")) * unit) / scale;
    if (total > INT64_MAX) return null;
  }
  return total;
}

/**
 * ISO 8601 dates and times: `2026-11-26`, `2026-11-26T08:00`, `2026-11-26T08:00:00.123456789Z`,
 * `2026-11-26T08:00:00+01:00`. Without a zone the time is UTC.
 */
export const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?/;

/** Unix nanoseconds of an ISO timestamp, or null when it is not a real date and time. */
export function timestampNanos(text: string): bigint | null {
  const m = TIMESTAMP.exec(text);
  if (!m || m[0].length !== text.length) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => (v === undefined ? undefined : Number(v)));
  if (year === undefined || month === undefined || day === undefined) return null;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null; // 2026-02-30
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone !== "Z") {
    const digits = zone.replace(":", "");
    const hours = Number(digits.slice(1, 3));
    const minutes = Number(digits.slice(3, 5));
    if (hours > 23 || minutes > 59) return null;
    offsetMinutes = (zone[0] === "-" ? -1 : 1) * (hours * 60 + minutes);
  }
  const fraction = (m[7] ?? "").padEnd(9, "0");
  return (BigInt(ms) - BigInt(offsetMinutes) * 60_000n) * 1_000_000n + BigInt(fraction);
}

/** A number literal as JSON number text (no leading zeros), or null when a double cannot hold it. */
export function jsonNumberText(text: string): string | null {
  const value = Number(text);
  if (!Number.isFinite(value)) return null;
  // PostgreSQL refuses float8 text that underflows (1e-400), so such a literal is refused here too.
  if (value === 0 && /[1-9]/.test(text.replace(/[eE].*$/, ""))) return null;
  const m = /^(-?)0*(\d+)((?:\.\d+)?(?:[eE][+-]?\d+)?)$/.exec(text);
  if (!m) return null;
  return `${m[1]}${m[2]}${m[3]}`;
}

/** True for a number literal that is an integer without exponent (exact as bigint). */
export function isIntegerText(text: string): boolean {
  return /^-?\d+$/.test(text);
}

/** ns → an ISO text PostgreSQL reads as timestamptz (microseconds, which is what timestamptz keeps). */
export function nanosToIso(nanos: bigint): string {
  const ms = nanos / 1_000_000n;
  const micros = ((nanos % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n / 1_000n;
  const date = new Date(Number(ms));
  return date.toISOString().replace(/\.\d{3}Z$/, `.${String(micros).padStart(6, "0")}Z`);
}
