/**
 * BinaryCopyRows against a real PostgreSQL: every field type the writers send in the binary COPY
 * format must come back as written — text with multi-byte characters and with what PostgreSQL
 * cannot store (NUL, lone surrogates: stored as storableString makes them), bytea from hex, int8
 * at its limits and NULL, float8 NaN/±Infinity/-0/subnormal, int4 from an OTLP uint32, jsonb.
 * Rows of two chunks concatenate under one header, as a group commit sends them.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BinaryCopyRows } from "../../collector/storage/copy-binary.ts";
import { copyIn } from "../../collector/storage/copy-stream.ts";
import { storableString } from "../../collector/storage/stored-json.ts";
import { migratedDatabase } from "../support/storage.ts";

let db: Awaited<ReturnType<typeof migratedDatabase>>;
before(async () => {
  db = await migratedDatabase();
});
after(async () => {
  await db.close();
});

interface Row {
  t: string;
  b: string;
  i8: bigint | null;
  f8: number;
  i4: number;
  j: string | null;
}

const COLUMNS = ["n", "t", "b", "i8", "f8", "i4", "j"] as const;

function encode(rows: Row[], first: number): Buffer {
  const out = new BinaryCopyRows(16); // small: growing must keep what was written
  rows.forEach((r, i) => {
    out.row(COLUMNS.length);
    out.int4(first + i);
    out.text(r.t);
    out.hexBytes(r.b);
    out.int8(r.i8);
    out.float8(r.f8);
    out.int4(r.i4);
    out.jsonb(r.j);
  });
  return out.finish();
}

test("binary COPY rows come back from PostgreSQL exactly as written", async () => {
  const client = await db.pool.connect();
  try {
    await client.query("CREATE TEMP TABLE copy_binary_probe (n int, t text, b bytea, i8 bigint, f8 double precision, i4 integer, j jsonb)");
    const rows: Row[] = [
      { t: "plain", b: "00ff10", i8: 0n, f8: 1.5, i4: 0, j: null },
      { t: "héllo ✓ 𝄞 训练", b: "d41d8cd98f00b204e9800998ecf8427e", i8: 9_223_372_036_854_775_807n, f8: Number.NaN, i4: 1, j: '{"a":[1,2.5,"x"],"é":null}' },
      { t: "nul\u0000and lone \ud800 surrogate", b: "", i8: -9_223_372_036_854_775_808n, f8: Number.POSITIVE_INFINITY, i4: 4_294_967_295, j: "[]" },
      { t: "", b: "ab", i8: null, f8: Number.NEGATIVE_INFINITY, i4: -7, j: '"tab\\tquote\\""' },
      { t: "x".repeat(10_000) + "€", b: "01", i8: 1_795_680_000_000_000_123n, f8: -0, i4: 2_147_483_647, j: null },
      { t: "tabs\tand\nnewlines\\", b: "02", i8: -1n, f8: 5e-324, i4: 42, j: "{}" },
    ];
    await copyIn(client, "copy_binary_probe", COLUMNS, [encode(rows.slice(0, 3), 0), encode(rows.slice(3), 3)]);
    const back = await client.query<{ n: number; t: string; b: Buffer | null; i8: string | null; f8: string; i4: number; j: string | null }>(
      "SELECT n, t, b, i8::text, f8::text, i4, j::text FROM copy_binary_probe ORDER BY n",
    );
    assert.equal(back.rows.length, rows.length);
    back.rows.forEach((got, i) => {
      const want = rows[i]!;
      assert.equal(got.t, storableString(want.t), `row ${i} text`);
      assert.equal(got.b === null ? "" : got.b.toString("hex"), want.b, `row ${i} bytea`);
      assert.equal(got.i8, want.i8 === null ? null : want.i8.toString(), `row ${i} int8`);
      assert.ok(Object.is(Number(got.f8), want.f8) || (Number.isNaN(want.f8) && got.f8 === "NaN"), `row ${i} float8: ${got.f8} vs ${want.f8}`);
      assert.equal(got.i4, want.i4 | 0, `row ${i} int4 keeps the low 32 bits`);
      assert.equal(got.j === null ? null : JSON.stringify(JSON.parse(got.j)), want.j === null ? null : JSON.stringify(JSON.parse(want.j)), `row ${i} jsonb`);
    });
    // -0 survives only if its sign bit was sent; PostgreSQL prints it as "-0".
    assert.equal(back.rows[4]!.f8, "-0");
  } finally {
    client.release();
  }
});

test("a malformed hex id is refused while encoding, not sent", () => {
  assert.throws(() => new BinaryCopyRows().hexBytes("zz"), /not a hex string/);
});
