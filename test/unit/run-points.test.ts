/**
 * The Run API's number points (instrumentation/run-points.ts): kept as columns in shared chunks,
 * found per (name, context) without building a key, written straight into the request with runs
 * of same-shaped points copied. Whatever a run tracks must decode (protobufjs, on the project's
 * own .proto files) to exactly the points tracked — per metric in tracking order, the context
 * attributes plus sightline.step / sightline.epoch, the time in ns, the value — across batches
 * that straddle chunks, varint sizes that change mid-run, contexts reused, mutated or reordered.
 * And track()'s contract around it holds: validation, default steps, the buffer limit.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import { ExportMetricsServiceRequest } from "../../collector/receiver/otlp/schema.ts";
import { attributes, nowNanos, type AttributeValue } from "../../instrumentation/otlp-json.ts";
import { Run, type TrackOptions } from "../../instrumentation/run.ts";

const TO_OBJECT = { longs: String, bytes: String, defaults: false, arrays: true };

interface DecodedPoint {
  attributes: Array<{ key: string }>;
  timeUnixNano: string;
  asDouble: number;
}
interface DecodedRequest {
  resourceMetrics: Array<{
    resource: { attributes: Array<{ key: string; value: unknown }> };
    scopeMetrics: Array<{ metrics: Array<{ name: string; gauge?: { dataPoints: DecodedPoint[] }; histogram?: { dataPoints: unknown[] } }> }>;
  }>;
}

/** Request bodies sent to /v1/metrics, answered 200 by a local sink. */
let bodies: Uint8Array[] = [];
let endpoint = "";
let sink: Server;
before(async () => {
  sink = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      if (req.url === "/v1/metrics") bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { "content-type": "application/x-protobuf", "content-length": "0" }).end();
    });
  });
  await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
});
after(async () => {
  sink.closeAllConnections();
  await new Promise((r) => sink.close(r));
});
beforeEach(() => {
  bodies = [];
});

function decoded(): DecodedRequest[] {
  return bodies.map((b) => ExportMetricsServiceRequest.toObject(ExportMetricsServiceRequest.decode(b), TO_OBJECT) as DecodedRequest);
}

/** Every gauge point sent, per metric name, in the order received; attributes sorted by key (their order is not significant). */
function gaugePoints(requests: DecodedRequest[]): Map<string, DecodedPoint[]> {
  const out = new Map<string, DecodedPoint[]>();
  for (const r of requests) {
    for (const rm of r.resourceMetrics) {
      for (const sm of rm.scopeMetrics) {
        for (const m of sm.metrics) {
          if (!m.gauge) continue;
          const list = out.get(m.name) ?? [];
          for (const p of m.gauge.dataPoints) list.push({ ...p, attributes: [...p.attributes].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) });
          out.set(m.name, list);
        }
      }
    }
  }
  return out;
}

/** What the OTLP/JSON mapping gives for a point, through protobufjs like the decoded bytes. */
function expectedPoint(context: Record<string, AttributeValue>, step: number, epoch: number | undefined, ns: bigint, value: number): DecodedPoint {
  const { "sightline.step": _s, "sightline.epoch": _e, ...rest } = context;
  const attrs: Record<string, AttributeValue> = { ...rest, "sightline.step": step, ...(epoch !== undefined ? { "sightline.epoch": epoch } : {}) };
  const NumberDataPoint = ExportMetricsServiceRequest.root.lookupType("opentelemetry.proto.metrics.v1.NumberDataPoint");
  const viaJson = NumberDataPoint.toObject(NumberDataPoint.fromObject({ attributes: attributes(attrs), timeUnixNano: ns.toString(), asDouble: value }), TO_OBJECT) as DecodedPoint;
  viaJson.attributes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return viaJson;
}

function nsOf(time: Date | number): bigint {
  return BigInt.asUintN(64, BigInt(typeof time === "number" ? Math.round(time) : time.getTime()) * 1_000_000n);
}

describe("Run number points on the wire", () => {
  test("decode to exactly what was tracked, across batches, chunks, shapes and contexts", async () => {
    const run = new Run({ endpoint, maxBatchPoints: 777, flushIntervalMs: 60_000 });
    const expected = new Map<string, DecodedPoint[]>();
    const nextStep = new Map<string, number>();
    const track = (value: number, o: TrackOptions, seq: string, expectContext: Record<string, AttributeValue>): void => {
      run.track(value, o);
      const step = o.step ?? nextStep.get(seq) ?? 0;
      nextStep.set(seq, Math.max(nextStep.get(seq) ?? 0, step + 1));
      const list = expected.get(o.name) ?? [];
      list.push(expectedPoint(expectContext, step, o.epoch, nsOf(o.time as Date | number), value));
      expected.set(o.name, list);
    };
    const T0 = 1_795_680_000_000;
    // Long runs of one shape, with the step's varint growing from 1 to 3 bytes mid-run.
    const train = { subset: "train" };
    for (let step = 0; step < 20_000; step += 7) track(Math.sin(step), { name: "loss", step, epoch: Math.floor(step / 1000), context: train, time: T0 + step * 100 }, "loss/train", train);
    // Several metrics and contexts interleaved, fresh context objects, default steps, no epoch.
    for (let i = 0; i < 3000; i++) {
      const subset = i % 3 === 0 ? "val" : "train";
      track(i / 7, { name: "acc", context: { subset }, time: T0 + i + 0.4 }, `acc/${subset}`, { subset });
      track(-i, { name: "lr", time: new Date(T0 + i) }, "lr", {});
      if (i % 50 === 0) track(i, { name: "loss", epoch: 2 ** 40 + i, context: { subset: "val" }, time: T0 - 10_000 - i }, "loss/val", { subset: "val" });
    }
    // Typed and reordered contexts; sightline.step in a context is not an attribute of it.
    const kinds: Array<[Record<string, string | number | boolean>, string]> = [
      [{ a: 1, b: "x" }, "ab"],
      [{ b: "x", a: 1 }, "ab"],
      [{ a: "1", b: "x" }, "a-string"],
      [{ flag: true, ratio: 0.25 }, "flag"],
      [{ "sightline.step": 99, k: "v" }, "k"],
    ];
    for (let i = 0; i < 200; i++) {
      const [context, seq] = kinds[i % kinds.length]!;
      const { "sightline.step": _s, ...attrs } = context;
      track(i, { name: "mixed", context, time: T0 }, seq, attrs);
    }
    // One context object mutated between calls: two sequences, each with its own attributes.
    const shared: Record<string, string> = { phase: "warmup" };
    for (let i = 0; i < 10; i++) {
      if (i === 5) shared.phase = "main";
      track(i, { name: "shared", context: shared, time: T0 }, `shared/${shared.phase}`, { ...shared });
    }
    // Inherited enumerable keys are not part of a context.
    const inherited = Object.assign(Object.create({ hidden: "no" }) as Record<string, string>, { subset: "train" });
    track(1, { name: "acc", context: inherited, time: T0 }, "acc/train", { subset: "train" });
    // One sequence, one step varint size, the epoch's changing (absent, 1 byte, 2 bytes).
    for (let i = 0; i < 300; i++) track(i, { name: "epochs", step: 200 + i, ...(i % 100 < 20 ? {} : { epoch: i }), time: T0 + i }, "epochs", {});
    // Times before 1970 wrap around as uint64, as BigInt.asUintN(64) gives them.
    for (let i = 0; i < 5; i++) track(i, { name: "early", time: -1500.6 - i * 2 ** 33 }, "early", {});
    // Values and steps at the edges.
    const edges = [NaN, Infinity, -Infinity, -0, Number.MIN_VALUE, Number.MAX_VALUE];
    for (const [i, v] of edges.entries()) track(v, { name: "edge", step: i === 0 ? Number.MAX_SAFE_INTEGER : i * 16_384, epoch: 127 + i, time: 0 }, "edge", {});
    run.trackDistribution([1, 2, 3], { name: "weights", step: 5, context: train, time: T0 });
    // Untyped callers may give ns as a bigint.
    for (const ns of [1_795_680_000_123_456_789n, -5n]) {
      run.track(7, { name: "bigint", time: ns as unknown as number });
      const list = expected.get("bigint") ?? [];
      list.push(expectedPoint({}, list.length, undefined, BigInt.asUintN(64, ns), 7));
      expected.set("bigint", list);
    }
    await run.close();

    const requests = decoded();
    assert.ok(requests.length > 10, "many batches, straddling chunks");
    for (const r of requests) {
      const runId = r.resourceMetrics[0]!.resource.attributes.find((a) => a.key === "sightline.run.id");
      assert.deepEqual(runId?.value, { stringValue: run.runId });
    }
    const sent = gaugePoints(requests);
    assert.deepEqual([...sent.keys()].sort(), [...expected.keys()].sort());
    for (const [name, points] of expected) assert.deepEqual(sent.get(name), points, name);
    const histograms = requests.flatMap((r) => r.resourceMetrics[0]!.scopeMetrics[0]!.metrics.filter((m) => m.histogram));
    assert.equal(histograms.length, 1);
    assert.equal(histograms[0]!.name, "weights");
  });

  test("attributes keep one order per sequence: context first, then step and epoch", async () => {
    const run = new Run({ endpoint, maxBatchPoints: 2 });
    run.track(1, { name: "m", step: 1, epoch: 0, context: { b: 1, a: 2 } });
    run.track(2, { name: "m", step: 2, epoch: 0, context: { a: 2, b: 1 } });
    run.track(3, { name: "m", step: 3, epoch: 0, context: { a: 2, b: 1 } });
    await run.close();
    const points = decoded().flatMap((r) => r.resourceMetrics[0]!.scopeMetrics[0]!.metrics.flatMap((m) => m.gauge?.dataPoints ?? []));
    assert.equal(points.length, 3);
    for (const p of points) assert.deepEqual(p.attributes.map((a) => a.key), ["b", "a", "sightline.step", "sightline.epoch"]);
  });

  test("a point without a time is stamped now, at ns resolution", async () => {
    const run = new Run({ endpoint });
    const before = nowNanos();
    for (let i = 0; i < 1000; i++) run.track(i, { name: "now", step: i });
    const after = nowNanos();
    await run.close();
    const times = (gaugePoints(decoded()).get("now") ?? []).map((p) => BigInt(p.timeUnixNano));
    assert.equal(times.length, 1000);
    for (const [i, t] of times.entries()) {
      assert.ok(before <= t && t <= after, `${t} within [${before}, ${after}]`);
      if (i > 0) assert.ok(t > times[i - 1]!, "increasing");
    }
  });
});

describe("track()", () => {
  test("rejects bad arguments and a closed run, and the sequence's steps are not moved by them", async () => {
    const run = new Run({ endpoint });
    const bad: Array<[unknown, unknown, ErrorConstructor]> = [
      ["1", { name: "x" }, TypeError],
      [1, { name: "" }, TypeError],
      [1, undefined, TypeError],
      [1, { name: "x", step: -1 }, TypeError],
      [1, { name: "x", step: 1.5 }, TypeError],
      [1, { name: "x", epoch: -2 }, TypeError],
      [1, { name: "x", epoch: 2 ** 53 }, TypeError],
      [1, { name: "x", time: NaN }, RangeError],
      [1, { name: "x", time: new Date("nope") }, RangeError],
      [1, { name: "x", time: "yesterday" }, TypeError],
    ];
    for (const [value, options, type] of bad) assert.throws(() => run.track(value as number, options as TrackOptions), type, JSON.stringify([value, options]));
    run.track(1, { name: "x", step: 4 });
    run.track(2, { name: "x" });
    await run.close();
    assert.throws(() => run.track(1, { name: "x" }), /closed/);
    const steps = (gaugePoints(decoded()).get("x") ?? []).map((p) => p.attributes.find((a) => a.key === "sightline.step"));
    assert.deepEqual(steps, [{ key: "sightline.step", value: { intValue: "4" } }, { key: "sightline.step", value: { intValue: "5" } }]);
  });

  test("beyond maxBufferedPoints, new points are dropped and counted, with one warning", async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.join(" "));
    try {
      const run = new Run({ endpoint, maxBufferedPoints: 10, maxBatchPoints: 1000 });
      for (let i = 0; i < 15; i++) run.track(i, { name: "x" });
      assert.equal(run.droppedPoints, 5);
      await run.close();
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /dropping new points/);
      const values = (gaugePoints(decoded()).get("x") ?? []).map((p) => p.asDouble);
      assert.deepEqual(values, [...Array(10).keys()]);
    } finally {
      console.warn = warn;
    }
  });
});
