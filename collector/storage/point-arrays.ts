import type { PointColumns } from "./metric-reader.ts";

/**
 * The points of many series as PostgreSQL sends them to PostgresMetricReader: binary COPY rows of
 * (int4 no, bytea steps, bytea epochs, bytea times, bytea values), one row per series, each bytea
 * the series' values packed as 8-byte big-endian integers (doubles for values), in (step, time)
 * order; a missing step or epoch is -1 (both are never negative when stored). A series without
 * points has NULLs.
 *
 * COPY format: a 19-byte header (11-byte signature, int32 flags, int32 extension length plus the
 * extension), then per row an int16 field count and per field an int32 length (-1: NULL) and the
 * bytes; a field count of -1 ends the data.
 *
 * Each packed column becomes a typed array with one copy and a byte swap: no per-point objects.
 */
export const POINT_ARRAYS_SQL = {
  steps: "string_agg(int8send(coalesce(step, -1)), '')",
  epochs: "string_agg(int8send(coalesce(epoch, -1)), '')",
  times: "string_agg(int8send(time_unix_nano), '')",
  values: "string_agg(float8send(value), '')",
} as const;

export function parsePointArrays(data: Buffer, seriesIds: string[]): Map<string, PointColumns> {
  const out = new Map<string, PointColumns>();
  let pos = 11 + 4;
  pos += 4 + data.readUInt32BE(pos);
  while (pos < data.length) {
    const fields = data.readInt16BE(pos);
    if (fields === -1) break;
    if (fields !== 5) throw new Error(`metric points: expected 5 fields per row, got ${fields}`);
    pos += 2 + 4;
    const no = data.readInt32BE(pos);
    pos += 4;
    const columns: Buffer[] = [];
    for (let f = 0; f < 4; f++) {
      const length = data.readInt32BE(pos);
      pos += 4;
      columns.push(length === -1 ? Buffer.alloc(0) : nativeOrder(data, pos, length));
      pos += Math.max(length, 0);
    }
    const [steps, epochs, times, values] = columns as [Buffer, Buffer, Buffer, Buffer];
    const cols: PointColumns = {
      step: stepsOf(steps),
      epoch: stepsOf(epochs),
      time: new BigInt64Array(times.buffer, times.byteOffset, times.length / 8),
      value: new Float64Array(values.buffer, values.byteOffset, values.length / 8),
    };
    if (cols.step.length !== cols.value.length || cols.epoch.length !== cols.value.length || cols.time.length !== cols.value.length) {
      throw new Error("metric points: columns of different lengths");
    }
    ensureOrdered(cols);
    const id = seriesIds[no];
    if (id !== undefined) out.set(id, cols);
  }
  for (const id of seriesIds) {
    if (!out.has(id)) out.set(id, { step: new Float64Array(0), epoch: new Float64Array(0), time: new BigInt64Array(0), value: new Float64Array(0) });
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The 8-byte big-endian values at data[at, at + length) in a fresh, aligned buffer, in the platform's byte order. */
function nativeOrder(data: Buffer, at: number, length: number): Buffer {
  if (length % 8 !== 0) throw new Error("metric points: a packed column is not a whole number of 8-byte values");
  const copy = Buffer.from(new ArrayBuffer(length));
  data.copy(copy, 0, at, at + length);
  return LITTLE_ENDIAN ? copy.swap64() : copy;
}

/** Packed int64 steps (or epochs), native order, → numbers; -1 (none) → NaN. */
function stepsOf(packed: Buffer): Float64Array {
  const n = packed.length / 8;
  const words = new Int32Array(packed.buffer, packed.byteOffset, n * 2);
  const lo = LITTLE_ENDIAN ? 0 : 1;
  const hi = 1 - lo;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const high = words[2 * i + hi]!;
    const low = words[2 * i + lo]!;
    out[i] = high === -1 && low === -1 ? NaN : high * 4294967296 + (low >>> 0);
  }
  return out;
}

/**
 * The points must be in (step, time) order, step-less points last. The query aggregates them from
 * an ordered subquery, which PostgreSQL keeps; should a plan ever reorder them, they are sorted here.
 */
function ensureOrdered(cols: PointColumns): void {
  const n = cols.value.length;
  const before = (a: number, b: number): boolean => {
    const sa = cols.step[a]!;
    const sb = cols.step[b]!;
    const noStepA = Number.isNaN(sa);
    const noStepB = Number.isNaN(sb);
    if (noStepA !== noStepB) return noStepB;
    if (!noStepA && sa !== sb) return sa < sb;
    return cols.time[a]! <= cols.time[b]!;
  };
  let ordered = true;
  for (let i = 1; i < n && ordered; i++) ordered = before(i - 1, i);
  if (ordered) return;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (before(a, b) ? (before(b, a) ? 0 : -1) : 1));
  const permute = (col: Float64Array): void => {
    const copy = col.slice();
    for (let i = 0; i < n; i++) col[i] = copy[order[i]!]!;
  };
  permute(cols.step);
  permute(cols.epoch);
  permute(cols.value);
  const time = cols.time.slice();
  for (let i = 0; i < n; i++) cols.time[i] = time[order[i]!]!;
}
