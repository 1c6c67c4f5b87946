/**
 * collector/storage/point-arrays.ts, pure: PostgreSQL binary COPY rows of (no, steps, epochs,
 * times, values) — packed 8-byte big-endian columns — → per-series columns. Built byte by byte here as
 * the server sends them: missing steps and epochs (-1), NULL columns for a series without points,
 * rows in any order, and points out of (step, time) order, which the parser puts back in order.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parsePointArrays } from "../../collector/storage/point-arrays.ts";

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** A field: its length word and bytes (null → -1). */
function field(bytes: Buffer | null): Buffer {
  return bytes === null ? int32(-1) : Buffer.concat([int32(bytes.length), bytes]);
}

/** A packed column: 8-byte big-endian int64s (missing → -1) or doubles; null → a NULL field. */
function packed(kind: "int" | "double", values: Array<bigint | number | null> | null): Buffer | null {
  if (values === null) return null;
  return Buffer.concat(
    values.map((v) => {
      const b = Buffer.alloc(8);
      if (kind === "int") b.writeBigInt64BE(v === null ? -1n : BigInt(v));
      else b.writeDoubleBE(Number(v));
      return b;
    }),
  );
}

interface Row {
  no: number;
  step: Array<number | null> | null;
  epoch: Array<number | null> | null;
  time: bigint[] | null;
  value: number[] | null;
}

function copyData(rows: Row[]): Buffer {
  const header = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), int32(0), int32(0)]);
  const body = rows.map((r) => {
    const count = Buffer.alloc(2);
    count.writeInt16BE(5);
    return Buffer.concat([
      count,
      field(int32(r.no)),
      field(packed("int", r.step)),
      field(packed("int", r.epoch)),
      field(packed("int", r.time)),
      field(packed("double", r.value)),
    ]);
  });
  const end = Buffer.alloc(2);
  end.writeInt16BE(-1);
  return Buffer.concat([header, ...body, end]);
}

const T = 1_795_680_000_000_000_123n;

describe("parsePointArrays", () => {
  test("reads missing steps and epochs as NaN, times and values exactly, rows in any order, series without points empty", () => {
    const data = copyData([
      { no: 2, step: [0, 1, null], epoch: [null, 3, 2 ** 40], time: [T, T + 1n, 2n ** 63n - 1n], value: [NaN, -Infinity, -0] },
      { no: 0, step: [5], epoch: [1], time: [T], value: [0.1] },
      { no: 1, step: null, epoch: null, time: null, value: null },
    ]);
    const out = parsePointArrays(data, ["a", "b", "c", "d"]);
    assert.deepEqual([...out.keys()].sort(), ["a", "b", "c", "d"]);
    assert.deepEqual([...out.get("a")!.step], [5]);
    assert.equal(out.get("b")!.value.length, 0);
    assert.equal(out.get("d")!.value.length, 0);
    const c = out.get("c")!;
    assert.deepEqual([...c.step], [0, 1, NaN]);
    assert.deepEqual([...c.epoch], [NaN, 3, 2 ** 40]);
    assert.deepEqual([...c.time], [T, T + 1n, 2n ** 63n - 1n]);
    assert.deepEqual([...c.value], [NaN, -Infinity, -0]);
  });

  test("puts points back in (step, time) order, step-less points last by time", () => {
    const data = copyData([
      { no: 0, step: [null, 2, 1, null, 1], epoch: [0, 1, 2, 3, 4], time: [T + 9n, T, T + 5n, T + 1n, T + 2n], value: [1, 2, 3, 4, 5] },
    ]);
    const c = parsePointArrays(data, ["a"]).get("a")!;
    assert.deepEqual([...c.step], [1, 1, 2, NaN, NaN]);
    assert.deepEqual([...c.time], [T + 2n, T + 5n, T, T + 1n, T + 9n]);
    assert.deepEqual([...c.epoch], [4, 2, 1, 3, 0]);
    assert.deepEqual([...c.value], [5, 3, 2, 4, 1]);
  });
});
