/**
 * The hand-written protobuf metrics decoder against the reference: random OTLP metrics requests
 * encoded by protobufjs from the project's .proto files decode to exactly what the OTLP/JSON
 * decoder makes of the same request (points, rejections and their reasons); random corruption of
 * valid bytes is only ever a 400 (PermanentError) or a decoded request; and hand-built bytes cover
 * what protobufjs never writes: unpacked repeated scalars, a oneof or message given twice,
 * unknown fields, wrong wire types, a value nested too deep.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PermanentError } from "../../collector/errors.ts";
import type { Metric, MetricsBatch } from "../../collector/model/metrics.ts";
import { decodeMetricsRequestJson } from "../../collector/receiver/otlp/metrics/decode-json.ts";
import { decodeMetricsRequestProtobuf } from "../../collector/receiver/otlp/metrics/decode-protobuf.ts";
import { MAX_VALUE_DEPTH } from "../../collector/receiver/otlp/span-validation.ts";
import { jsonRequestToProtobuf } from "../support/otlp.ts";
import { mulberry32 } from "../support/random.ts";

type Json = Record<string, unknown>;

const rng = mulberry32;

/** A random ExportMetricsServiceRequest in OTLP/JSON form, with some invalid points and metrics among the valid ones. */
function randomRequest(next: () => number): Json {
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number): boolean => next() < p;
  const hex = (bytes: number): string => Array.from({ length: bytes }, () => int(256).toString(16).padStart(2, "0")).join("");
  const strings = ["", "plain", "ünïcödé ✓", "emoji 😀", "<script>x</script>", "tab\tnew\nline", "quote\"back\\slash", "a-long-key.".repeat(8)];
  const doubles = [0, 1.5, -2.25, 1e300, 5e-324, 123456.789, 0.1, "NaN", "Infinity", "-Infinity"] as const;
  const value = (depth: number): Json => {
    switch (int(depth > 3 ? 6 : 8)) {
      case 0:
        return { stringValue: pick(strings) };
      case 1:
        return { boolValue: chance(0.5) };
      case 2:
        return { intValue: String(BigInt.asIntN(64, BigInt(`0x${hex(8)}`))) };
      case 3:
        return { doubleValue: pick(doubles) };
      case 4:
        return { bytesValue: Buffer.from(hex(int(6)), "hex").toString("base64") };
      case 5:
        return {}; // no member: the empty value
      case 6:
        return { arrayValue: { values: Array.from({ length: int(4) }, () => value(depth + 1)) } };
      default:
        return { kvlistValue: { values: Array.from({ length: int(4) }, (_, i) => ({ key: `k${i}`, value: value(depth + 1) })) } };
    }
  };
  const attrs = (n: number): Json[] => Array.from({ length: n }, (_, i) => ({ key: `a.${i}.${pick(strings)}`, value: value(0) }));
  /** Sometimes a sightline.step / sightline.epoch, valid or not (an invalid one rejects the point). */
  const pointAttrs = (): Json[] => {
    const out = attrs(int(4));
    if (chance(0.2)) {
      const v = pick([{ intValue: String(int(1000)) }, { intValue: "-1" }, { stringValue: "12" }, { stringValue: "x" }, { doubleValue: 2 }, { doubleValue: 2.5 }]);
      out.push({ key: pick(["sightline.step", "sightline.epoch"]), value: v });
    }
    return out;
  };
  const u64 = (): string => pick(["0", "1", String(int(1e6)), String(BigInt(`0x${hex(7)}`)), String(BigInt(`0x${hex(8)}`)), "18446744073709551615"]);
  /** Mostly valid times; now and then one past 2262 (rejects the point). */
  const time = (): string => (chance(0.03) ? String(BigInt(`0x${hex(8)}`) | (1n << 63n)) : String(BigInt(`0x${hex(7)}`)));
  const optional = (p: number, make: () => unknown): unknown => (chance(p) ? make() : undefined);
  const numberValue = (): Json =>
    pick([{}, { asDouble: pick(doubles) }, { asInt: String(BigInt.asIntN(64, BigInt(`0x${hex(8)}`))) }, { asInt: String(int(100)) }, { asInt: "-5" }]);
  const exemplar = (): Json => ({
    filteredAttributes: optional(0.7, () => attrs(int(3))),
    timeUnixNano: optional(0.9, time),
    ...numberValue(),
    spanId: pick([undefined, "", hex(8)]),
    traceId: pick([undefined, "", hex(16)]),
  });
  const exemplars = (): unknown => optional(0.3, () => Array.from({ length: 1 + int(2) }, exemplar));
  const base = (): Json => ({
    attributes: pointAttrs(),
    startTimeUnixNano: optional(0.5, time),
    timeUnixNano: time(),
    flags: optional(0.3, () => pick([0, 1, 2, 0xffffffff])),
  });
  const numberPoint = (): Json => ({ ...base(), ...numberValue(), exemplars: exemplars() });
  const histogramPoint = (): Json => {
    const bounds = Array.from({ length: int(4) }, () => pick(doubles));
    const counts = chance(0.1) ? [] : Array.from({ length: bounds.length + (chance(0.1) ? 2 : 1) }, u64); // sometimes a mismatch
    return {
      ...base(),
      count: optional(0.9, u64),
      sum: optional(0.6, () => pick(doubles)),
      bucketCounts: counts,
      explicitBounds: bounds,
      exemplars: exemplars(),
      min: optional(0.5, () => pick(doubles)),
      max: optional(0.5, () => pick(doubles)),
    };
  };
  const buckets = (): unknown => optional(0.7, () => ({ offset: optional(0.8, () => int(21) - 10), bucketCounts: Array.from({ length: int(5) }, u64) }));
  const exponentialPoint = (): Json => ({
    ...base(),
    count: optional(0.9, u64),
    sum: optional(0.6, () => pick(doubles)),
    scale: optional(0.8, () => int(31) - 10),
    zeroCount: optional(0.6, u64),
    positive: buckets(),
    negative: buckets(),
    exemplars: exemplars(),
    min: optional(0.5, () => pick(doubles)),
    max: optional(0.5, () => pick(doubles)),
    zeroThreshold: optional(0.5, () => pick(doubles)),
  });
  const summaryPoint = (): Json => ({
    ...base(),
    count: optional(0.9, u64),
    sum: optional(0.8, () => pick(doubles)),
    quantileValues: Array.from({ length: int(4) }, () => ({ quantile: optional(0.9, () => pick([0, 0.5, 0.99, 1])), value: optional(0.9, () => pick(doubles)) })),
  });
  const points = (make: () => Json): Json[] => Array.from({ length: int(6) }, make);
  const metric = (): Json => {
    const m: Json = {
      name: chance(0.05) ? pick(["", "  "]) : pick(["loss", "http.server.duration", ...strings.filter((s) => s !== "")]),
      description: optional(0.3, () => pick(strings)),
      unit: optional(0.3, () => pick(["", "s", "By", "{request}"])),
      metadata: optional(0.2, () => attrs(1 + int(2))),
    };
    switch (int(11)) {
      case 0:
      case 1:
        m.gauge = { dataPoints: points(numberPoint) };
        break;
      case 2:
      case 3:
        m.sum = { dataPoints: points(numberPoint), aggregationTemporality: optional(0.9, () => int(3)), isMonotonic: optional(0.7, () => chance(0.5)) };
        break;
      case 4:
      case 5:
        m.histogram = { dataPoints: points(histogramPoint), aggregationTemporality: optional(0.9, () => int(3)) };
        break;
      case 6:
      case 7:
        m.exponentialHistogram = { dataPoints: points(exponentialPoint), aggregationTemporality: optional(0.9, () => int(3)) };
        break;
      case 8:
      case 9:
        m.summary = { dataPoints: points(summaryPoint) };
        break;
      default:
        break; // no data: dropped and named in the rejection reasons
    }
    return m;
  };
  return {
    resourceMetrics: Array.from({ length: 1 + int(2) }, () => ({
      resource: optional(0.9, () => ({ attributes: attrs(int(4)), droppedAttributesCount: optional(0.3, () => int(3)) })),
      schemaUrl: optional(0.5, () => "https://opentelemetry.io/schemas/1.30.0"),
      scopeMetrics: Array.from({ length: 1 + int(2) }, () => ({
        scope: optional(0.9, () => ({ name: "lib", version: optional(0.5, () => "1.0"), attributes: attrs(int(2)), droppedAttributesCount: optional(0.3, () => int(2)) })),
        schemaUrl: optional(0.3, () => "https://example.com/s"),
        metrics: Array.from({ length: int(5) }, metric),
      })),
    })),
  };
}

/** bigint, NaN, ±Infinity, -0 and bytes made comparable as JSON, so models from both decoders compare structurally. */
function comparable(batch: MetricsBatch): unknown {
  return JSON.parse(
    JSON.stringify(batch, (_k, v: unknown) => {
      if (typeof v === "bigint") return `${v}n`;
      if (typeof v === "number" && (!Number.isFinite(v) || Object.is(v, -0))) return `${Object.is(v, -0) ? "-0" : v}`;
      if (v instanceof Uint8Array) return [...v];
      return v;
    }),
  );
}

function pointCount(batch: MetricsBatch): number {
  let n = 0;
  for (const rm of batch.resourceMetrics) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) n += m.data.points.length;
  return n;
}

// ---- hand-built protobuf ---------------------------------------------------------------------

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

function varint(v: number | bigint): Buffer {
  let n = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  do {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    out.push(n > 0n ? b | 0x80 : b);
  } while (n > 0n);
  return Buffer.from(out);
}
const tag = (field: number, wireType: number): Buffer => varint((field << 3) | wireType);
const field = {
  varint: (f: number, v: number | bigint): Buffer => Buffer.concat([tag(f, VARINT), varint(v)]),
  sint32: (f: number, v: number): Buffer => Buffer.concat([tag(f, VARINT), varint(((v << 1) ^ (v >> 31)) >>> 0)]),
  fixed64: (f: number, v: bigint): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt.asUintN(64, v));
    return Buffer.concat([tag(f, I64), b]);
  },
  double: (f: number, v: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    return Buffer.concat([tag(f, I64), b]);
  },
  fixed32: (f: number, v: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    return Buffer.concat([tag(f, I32), b]);
  },
  len: (f: number, ...parts: Buffer[]): Buffer => {
    const body = Buffer.concat(parts);
    return Buffer.concat([tag(f, LEN), varint(body.length), body]);
  },
  string: (f: number, s: string): Buffer => field.len(f, Buffer.from(s)),
};
const packedFixed64 = (f: number, vs: bigint[]): Buffer => field.len(f, ...vs.map((v) => field.fixed64(0, v).subarray(1)));
const packedDoubles = (f: number, vs: number[]): Buffer => field.len(f, ...vs.map((v) => field.double(0, v).subarray(1)));
const packedVarints = (f: number, vs: bigint[]): Buffer => field.len(f, ...vs.map((v) => varint(v)));
const stringKv = (f: number, key: string, value: string): Buffer => field.len(f, field.string(1, key), field.len(2, field.string(1, value)));

/** An AnyValue nested `levels` kvlists deep around a string. */
function nestedValue(levels: number): Buffer {
  let v = field.string(1, "leaf");
  for (let i = 0; i < levels; i++) v = field.len(6, field.len(1, field.string(1, "k"), field.len(2, v)));
  return v;
}
function nestedJson(levels: number): Json {
  let v: Json = { stringValue: "leaf" };
  for (let i = 0; i < levels; i++) v = { kvlistValue: { values: [{ key: "k", value: v }] } };
  return v;
}

/** ExportMetricsServiceRequest { resource_metrics { scope_metrics { metrics… } } }. */
function request(...metrics: Buffer[]): Buffer {
  return field.len(1, field.len(2, ...metrics.map((m) => field.len(2, m))));
}
const T = 1_700_000_000_000_000_000n;

/** The request's first metric, and the whole decoded request. */
function onlyMetric(bytes: Uint8Array): { metric: Metric | undefined; decoded: ReturnType<typeof decodeMetricsRequestProtobuf> } {
  const decoded = decodeMetricsRequestProtobuf(bytes);
  return { metric: decoded.batch.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0], decoded };
}

describe("protobuf metrics decoder", () => {
  test("decodes 400 random requests exactly as the JSON decoder reads the same requests", () => {
    const next = rng(7);
    const seen = { points: 0, rejected: 0, kinds: new Set<string>() };
    for (let i = 0; i < 400; i++) {
      const request = randomRequest(next);
      const fromJson = decodeMetricsRequestJson(Buffer.from(JSON.stringify(request)));
      const fromWire = decodeMetricsRequestProtobuf(jsonRequestToProtobuf(request, "metrics"));
      assert.deepStrictEqual(comparable(fromWire.batch), comparable(fromJson.batch), `request ${i}`);
      assert.equal(fromWire.rejected.count, fromJson.rejected.count, `request ${i}: rejected`);
      assert.equal(fromWire.rejected.message(), fromJson.rejected.message(), `request ${i}: reasons`);
      seen.points += pointCount(fromWire.batch);
      seen.rejected += fromWire.rejected.count;
      for (const rm of fromWire.batch.resourceMetrics) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) seen.kinds.add(m.data.kind);
    }
    // The generator does what it says: every kind, many points, some of them refused.
    assert.deepEqual([...seen.kinds].sort(), ["exponentialHistogram", "gauge", "histogram", "sum", "summary"]);
    assert.ok(seen.points > 1000 && seen.rejected > 50, JSON.stringify({ points: seen.points, rejected: seen.rejected }));
  });

  test("a Uint8Array that is not a Buffer decodes the same", () => {
    const bytes = jsonRequestToProtobuf(randomRequest(rng(3)), "metrics");
    const copy = new Uint8Array(bytes.length + 8).subarray(4, 4 + bytes.length);
    copy.set(bytes);
    assert.deepStrictEqual(comparable(decodeMetricsRequestProtobuf(copy).batch), comparable(decodeMetricsRequestProtobuf(Buffer.from(bytes)).batch));
  });

  test("corrupted bytes give a decoded request or a PermanentError, never anything else", () => {
    const next = rng(11);
    let refused = 0;
    let decoded = 0;
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(jsonRequestToProtobuf(randomRequest(next), "metrics"));
      for (let flips = 1 + Math.floor(next() * 4); flips > 0 && bytes.length > 0; flips--) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      const cut = next() < 0.3 ? bytes.subarray(0, Math.floor(next() * bytes.length)) : bytes;
      try {
        decodeMetricsRequestProtobuf(cut);
        decoded++;
      } catch (err) {
        assert.ok(err instanceof PermanentError, `request ${i}: ${String(err)}`);
        assert.equal(err.httpStatus, 400);
        refused++;
      }
    }
    assert.ok(refused > 0 && decoded > 0, `refused ${refused}, decoded ${decoded}`);
  });

  test("repeated scalars are read unpacked as well as packed, and both ways in one point", () => {
    const histogramPoint = Buffer.concat([
      field.fixed64(3, T),
      field.fixed64(4, 6n),
      field.fixed64(6, 1n), // bucket_counts, unpacked
      packedFixed64(6, [2n, 3n]), // …then packed: appended
      field.double(7, 0.5), // explicit_bounds, unpacked
      packedDoubles(7, [1]),
    ]);
    const exponentialPoint = Buffer.concat([
      field.fixed64(3, T),
      field.sint32(6, -2), // scale, zigzag
      field.len(8, field.sint32(1, -3), field.varint(2, 4n), field.varint(2, 2n ** 64n - 1n), packedVarints(2, [0n, 7n])),
      field.len(9, packedVarints(2, [1n])),
    ]);
    const { decoded } = onlyMetric(
      request(
        Buffer.concat([field.string(1, "h"), field.len(9, field.len(1, histogramPoint), field.varint(2, 2))]),
        Buffer.concat([field.string(1, "e"), field.len(10, field.len(1, exponentialPoint), field.varint(2, 1))]),
      ),
    );
    const [h, e] = decoded.batch.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    assert.equal(decoded.rejected.count, 0, decoded.rejected.message());
    assert.ok(h?.data.kind === "histogram" && e?.data.kind === "exponentialHistogram");
    assert.equal(h.data.temporality, 2);
    assert.deepEqual(h.data.points[0]!.bucketCounts, [1n, 2n, 3n]);
    assert.deepEqual(h.data.points[0]!.explicitBounds, [0.5, 1]);
    assert.equal(h.data.points[0]!.count, 6n);
    assert.equal(h.data.points[0]!.sum, null);
    assert.equal(h.data.points[0]!.min, null);
    const ep = e.data.points[0]!;
    assert.equal(ep.scale, -2);
    assert.deepEqual(ep.positive, { offset: -3, bucketCounts: [4n, 2n ** 64n - 1n, 0n, 7n] });
    assert.deepEqual(ep.negative, { offset: 0, bucketCounts: [1n] });
  });

  test("a oneof given twice keeps the member that came last", () => {
    const point = (...value: Buffer[]): Buffer => field.len(1, field.fixed64(3, T), ...value);
    const { metric, decoded } = onlyMetric(
      request(
        Buffer.concat([
          field.string(1, "m"),
          field.len(5, point(field.double(4, 1.5))), // gauge…
          field.len(
            7, // …then sum: the sum is the data
            point(field.double(4, 2.5), field.fixed64(6, -7n)), // as_double then as_int: int
            point(field.fixed64(6, 9n), field.double(4, 0.25)), // as_int then as_double: double
            point(field.len(5, field.double(3, 1), field.fixed64(6, -1n), field.fixed64(2, T))), // no value: rejected; exemplar as_int wins
            field.varint(2, 1),
            field.varint(3, 1),
          ),
        ]),
      ),
    );
    assert.ok(metric?.data.kind === "sum");
    assert.deepEqual(
      metric.data.points.map((p) => p.value),
      [-7n, 0.25],
    );
    assert.equal(decoded.rejected.message(), "number data point has no value");
    assert.equal(metric.data.temporality, 1);
    assert.equal(metric.data.isMonotonic, true);

    // A message field given twice is replaced, not merged (as protobufjs reads it); an exemplar's value oneof.
    const twice = onlyMetric(
      request(
        Buffer.concat([
          field.string(1, "g"),
          field.len(5, point(field.double(4, 1))),
          field.len(5, point(field.double(4, 2), field.len(5, field.fixed64(6, 3n), field.double(3, 4)))),
        ]),
      ),
    );
    assert.ok(twice.metric?.data.kind === "gauge");
    assert.deepEqual(
      twice.metric.data.points.map((p) => p.value),
      [2],
    );
    assert.equal(twice.metric.data.points[0]!.exemplars[0]!.value, 4);
  });

  test("unknown fields are skipped, and so is a known field with an unexpected wire type", () => {
    const point = Buffer.concat([
      field.varint(99, 5),
      field.fixed64(3, T),
      field.len(50, Buffer.from("unknown bytes")),
      field.fixed32(51, 7),
      field.varint(3, 12), // time_unix_nano as a varint: skipped
      field.string(4, "x"), // as_double as bytes: skipped
      field.double(4, 3),
      field.double(60, 1),
      stringKv(7, "subset", "train"),
      field.len(7, field.string(1, "odd"), field.varint(9, 1), field.len(2, field.varint(77, 1), field.string(1, "v"))),
    ]);
    const { metric, decoded } = onlyMetric(
      Buffer.concat([
        field.varint(15, 1),
        field.len(1, field.fixed64(9, 1n), field.len(2, field.string(20, "?"), field.len(2, field.string(1, "m"), field.varint(4, 1), field.len(5, field.len(1, point), field.fixed32(3, 0))))),
      ]),
    );
    assert.equal(decoded.rejected.count, 0, decoded.rejected.message());
    assert.ok(metric?.data.kind === "gauge");
    const p = metric.data.points[0]!;
    assert.equal(p.timeUnixNano, T);
    assert.equal(p.value, 3);
    assert.deepEqual(p.attributes, [
      { key: "subset", value: "train" },
      { key: "odd", value: "v" },
    ]);
  });

  test(`a point holding a value nested deeper than ${MAX_VALUE_DEPTH} levels is rejected alone, as the JSON decoder does`, () => {
    const point = (value: Buffer, n: number): Buffer => field.len(1, field.fixed64(3, T + BigInt(n)), field.double(4, n), field.len(7, field.string(1, "deep"), field.len(2, value)));
    const exemplarPoint = field.len(1, field.fixed64(3, T), field.double(4, 9), field.len(5, field.len(7, field.string(1, "deep"), field.len(2, nestedValue(MAX_VALUE_DEPTH + 1)))));
    const bytes = request(
      Buffer.concat([field.string(1, "m"), field.len(5, point(nestedValue(MAX_VALUE_DEPTH), 1), point(nestedValue(MAX_VALUE_DEPTH + 1), 2), point(nestedValue(2), 3), exemplarPoint)]),
    );
    const { metric, decoded } = onlyMetric(bytes);
    assert.ok(metric?.data.kind === "gauge");
    assert.deepEqual(
      metric.data.points.map((p) => p.value),
      [1, 3],
    );
    assert.equal(decoded.rejected.count, 2);
    assert.equal(decoded.rejected.message(), `attribute value nested deeper than ${MAX_VALUE_DEPTH} levels (×2)`);

    const jsonPoint = (levels: number, n: number): Json => ({ timeUnixNano: String(T + BigInt(n)), asDouble: n, attributes: [{ key: "deep", value: nestedJson(levels) }] });
    const json = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: "m",
                  gauge: {
                    dataPoints: [
                      jsonPoint(MAX_VALUE_DEPTH, 1),
                      jsonPoint(MAX_VALUE_DEPTH + 1, 2),
                      jsonPoint(2, 3),
                      { timeUnixNano: String(T), asDouble: 9, exemplars: [{ filteredAttributes: [{ key: "deep", value: nestedJson(MAX_VALUE_DEPTH + 1) }] }] },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const fromJson = decodeMetricsRequestJson(Buffer.from(JSON.stringify(json)));
    assert.deepStrictEqual(comparable(decoded.batch), comparable(fromJson.batch));
    assert.equal(decoded.rejected.message(), fromJson.rejected.message());

    // The reasons of a data member replaced by a later one go with it.
    const replaced = onlyMetric(request(Buffer.concat([field.string(1, "m"), field.len(5, point(nestedValue(MAX_VALUE_DEPTH + 1), 1)), field.len(5, point(nestedValue(1), 2))])));
    assert.equal(replaced.decoded.rejected.count, 0);
    assert.equal(replaced.metric?.data.points.length, 1);

    // Outside a data point (resource, scope, metric metadata) it is the whole request's fault.
    const deepResource = field.len(1, field.len(1, field.len(1, field.string(1, "r"), field.len(2, nestedValue(MAX_VALUE_DEPTH + 1)))));
    assert.throws(() => decodeMetricsRequestProtobuf(deepResource), (err) => err instanceof PermanentError && /nested deeper/.test(err.message));
    const deepMetadata = request(Buffer.concat([field.string(1, "m"), field.len(12, field.string(1, "md"), field.len(2, nestedValue(MAX_VALUE_DEPTH + 1))), field.len(5, point(nestedValue(1), 1))]));
    assert.throws(() => decodeMetricsRequestProtobuf(deepMetadata), PermanentError);
  });

  test("malformed bytes inside a point refuse the whole request", () => {
    const good = field.len(1, field.fixed64(3, T), field.double(4, 1));
    const cases: Array<[string, Buffer]> = [
      ["point longer than its gauge", Buffer.concat([tag(5, LEN), varint(good.length - 1), good])],
      ["packed fixed64 with a partial element", field.len(1, field.fixed64(3, T), field.len(6, Buffer.alloc(5)))],
      ["truncated fixed64", field.len(1, tag(3, I64), Buffer.alloc(3))],
      ["wire type 3 (group)", field.len(1, tag(3, 3))],
      ["overlong varint", field.len(1, tag(8, VARINT), Buffer.alloc(11, 0xff))],
    ];
    for (const [what, inner] of cases) {
      const metric = what === "point longer than its gauge" ? Buffer.concat([field.string(1, "m"), inner]) : Buffer.concat([field.string(1, "m"), field.len(9, inner)]);
      assert.throws(() => decodeMetricsRequestProtobuf(request(metric)), (err) => err instanceof PermanentError && err.httpStatus === 400, what);
    }
  });
});
