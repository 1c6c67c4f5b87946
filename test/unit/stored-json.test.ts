import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { KvList, type AnyValue } from "../../collector/model/any-value.ts";
import { attributesJson, doubleJson, parseJsonTree, storableString, treeToAttributes, treeToValue, valueJson } from "../../collector/storage/stored-json.ts";

describe("stored JSON form of OTLP values", () => {
  test("doubles always carry a decimal point and never an exponent", () => {
    assert.equal(doubleJson(1), "1.0");
    assert.equal(doubleJson(-2.5), "-2.5");
    assert.equal(doubleJson(1.5e-7), "0.00000015");
    assert.equal(doubleJson(1e21), "1000000000000000000000.0");
    assert.equal(doubleJson(-1.25e22), "-12500000000000000000000.0");
    assert.equal(doubleJson(5e-324), "0." + "0".repeat(323) + "5");
    for (const x of [Math.PI, 1e300, 5e-324, -1.7976931348623157e308, 123456.789e-10, 0.1 + 0.2]) {
      assert.equal(Number(doubleJson(x)), x, `${x} survives`);
    }
  });

  test("non-finite doubles, negative zero, bytes and tag-like kvlists are tagged", () => {
    assert.equal(valueJson(NaN), '{"$double":"NaN"}');
    assert.equal(valueJson(-Infinity), '{"$double":"-Infinity"}');
    assert.equal(valueJson(-0), '{"$double":"-0"}');
    assert.equal(valueJson(new Uint8Array([0, 255, 16])), '{"$bytes":"AP8Q"}');
    assert.equal(valueJson(new KvList([{ key: "$bytes", value: "x" }])), '{"$kvlist":{"$bytes":"x"}}');
    assert.equal(valueJson(new KvList([{ key: "$bytes", value: "x" }, { key: "y", value: 1n }])), '{"$bytes":"x","y":1}');
  });

  test("every value round-trips with its OTLP type", () => {
    const values: AnyValue[] = [
      "text",
      "",
      true,
      false,
      0n,
      -9223372036854775808n,
      9223372036854775807n,
      2.0,
      0.5,
      NaN,
      Infinity,
      -Infinity,
      -0,
      new Uint8Array([1, 2, 3]),
      new Uint8Array([]),
      null,
      [1n, 2.0, "three", [true, null]],
      [],
      new KvList([{ key: "nested", value: new KvList([{ key: "$double", value: "not a tag" }]) }]),
      new KvList([]),
    ];
    for (const v of values) {
      const back = treeToValue(parseJsonTree(valueJson(v)));
      assert.deepEqual(back, v, `round trip of ${valueJson(v)}`);
      if (typeof v === "number") assert.equal(Object.is(back, v), true);
    }
  });

  test("integers and doubles stay apart after a trip through jsonb-style spacing", () => {
    const attrs = treeToAttributes(parseJsonTree('{"a": 2, "b": 2.0, "c": [1, 1.50], "d": {"$bytes": "AQI="}}'));
    assert.deepEqual(attrs, [
      { key: "a", value: 2n },
      { key: "b", value: 2 },
      { key: "c", value: [1n, 1.5] },
      { key: "d", value: new Uint8Array([1, 2]) },
    ]);
  });

  test("strings Postgres cannot hold become storable, and only those", () => {
    assert.equal(storableString("plain ü ✓ 😀"), "plain ü ✓ 😀");
    assert.equal(storableString("a\u0000b"), "a\ufffdb");
    assert.equal(storableString("x\ud800y"), "x\ufffdy");
    assert.equal(attributesJson([{ key: "k\u0000", value: "<script>alert(1)</script>" }]), '{"k\ufffd":"<script>alert(1)</script>"}');
  });

  test("the parser rejects malformed text instead of guessing", () => {
    for (const bad of ["{", '{"a" 1}', "[1,]", '"unterminated', "1 2"]) assert.throws(() => parseJsonTree(bad), SyntaxError, bad);
  });
});
