const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A TimeRangePicker value → start/end as ISO strings for the API (undefined: open). */
export function timeBounds(value: string, now = Date.now()): { start?: string; end?: string } {
  if (value.includes("~")) {
    const [f, t] = value.split("~");
    return { start: f || undefined, end: t || undefined };
  }
  const m = /^(\d+)([mhd])$/.exec(value);
  if (!m) return {};
  return { start: new Date(now - Number(m[1]) * UNIT_MS[m[2]!]!).toISOString() };
}
