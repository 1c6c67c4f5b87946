import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { ExportTraceServiceResponse } from "../../collector/receiver/otlp/schema.ts";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { grpc, grpcExport } from "../support/grpc-raw.ts";
import { get, jsonRequestToProtobuf, jsonSpan, jsonTraceRequest, spanId, traceId } from "../support/otlp.ts";
import { nestedKvlistValue, spanAttributeField, spanBytes, traceRequestBytes } from "../support/protobuf-wire.ts";
import { assertStillServing, plantBaseline, type Baseline } from "../support/survival.ts";

/** OTLP/gRPC with hostile messages: raw bytes straight to TraceService/Export. */

const CAP = 256 * 1024;
const GZIP = { "grpc.default_compression_algorithm": 2 }; // grpc.compressionAlgorithms.gzip

let c: TestCollector;
let baseline: Baseline;

before(async () => {
  c = await startTestCollector({ maxBodyBytes: CAP });
  baseline = await plantBaseline(c);
});
after(() => c.close());

function address(): string {
  assert.ok(c.grpcAddress, "gRPC is enabled");
  return c.grpcAddress;
}

/** After a hostile call: a normal gRPC export is still stored, and HTTP is still serving with nothing lost. */
async function assertGrpcStillServing(after: string): Promise<void> {
  const id = traceId();
  const ok = await grpcExport(address(), jsonRequestToProtobuf(jsonTraceRequest([jsonSpan({ traceId: id, spanId: spanId() })])));
  assert.equal(ok.code, grpc.status.OK, `a normal gRPC export after ${after}: ${ok.details}`);
  assert.equal((await get(c.httpUrl, `/api/traces/${id}`)).status, 200);
  await assertStillServing(c, baseline, after);
}

function noise(seed: string, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0, block = 0; i < length; block++) i += createHash("sha256").update(`${seed}:${block}`).digest().copy(out, i);
  return out;
}

describe("OTLP/gRPC TraceService/Export", () => {
  test("garbage bytes are INVALID_ARGUMENT", async () => {
    for (const [seed, length] of [["g1", 5], ["g2", 300], ["g3", 100_000]] as const) {
      const answer = await grpcExport(address(), noise(seed, length));
      assert.equal(answer.code, grpc.status.INVALID_ARGUMENT, `${length} random bytes: ${answer.details}`);
      assert.ok(answer.details.length > 0);
      await assertGrpcStillServing(`${length} random bytes over gRPC`);
    }
  });

  test("a truncated message is INVALID_ARGUMENT and stores nothing", async () => {
    const id = traceId();
    const whole = jsonRequestToProtobuf(jsonTraceRequest([jsonSpan({ traceId: id, spanId: spanId() }), jsonSpan({ traceId: id, spanId: spanId() })]));
    const answer = await grpcExport(address(), whole.subarray(0, whole.length - 3));
    assert.equal(answer.code, grpc.status.INVALID_ARGUMENT, answer.details);
    assert.equal((await get(c.httpUrl, `/api/traces/${id}`)).status, 404);
    await assertGrpcStillServing("a truncated gRPC message");
  });

  test("kvlists nested 10,000 deep are refused (INVALID_ARGUMENT or partial success), not a crash", async () => {
    const body = traceRequestBytes([spanBytes(jsonSpan({ traceId: traceId(), spanId: spanId() }), spanAttributeField("deep", nestedKvlistValue(10_000)))]);
    const answer = await grpcExport(address(), body);
    assert.ok(answer.code === grpc.status.INVALID_ARGUMENT || answer.code === grpc.status.OK, `${answer.code}: ${answer.details}`);
    if (answer.code === grpc.status.OK) {
      const partial = ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(answer.response!), { longs: Number }).partialSuccess;
      assert.equal(partial?.rejectedSpans, 1);
    }
    await assertGrpcStillServing("deep nesting over gRPC");
  });

  test("invalid ids: OK with partial_success in the response message; the good spans stored", async () => {
    const id = traceId();
    const good = [spanId(), spanId()];
    const spans = [
      jsonSpan({ traceId: id, spanId: good[0]! }),
      jsonSpan({ traceId: spanId(), spanId: spanId(), name: "8-byte trace id" }),
      jsonSpan({ traceId: "0".repeat(32), spanId: spanId(), name: "zero trace id" }),
      jsonSpan({ traceId: id, spanId: "0".repeat(16), name: "zero span id" }),
      jsonSpan({ traceId: id, spanId: good[1]!, parentSpanId: good[0]! }),
    ];
    const answer = await grpcExport(address(), jsonRequestToProtobuf(jsonTraceRequest(spans)));
    assert.equal(answer.code, grpc.status.OK, answer.details);
    const response = ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(answer.response!), { longs: Number });
    assert.equal(response.partialSuccess?.rejectedSpans, 3);
    assert.match(response.partialSuccess?.errorMessage ?? "", /trace id|span id/);
    const stored = (await get(c.httpUrl, `/api/traces/${id}`)).json().spans.map((s: { spanId: string }) => s.spanId).sort();
    assert.deepEqual(stored, [...good].sort());
  });

  test("an empty message is OK with an empty response", async () => {
    const answer = await grpcExport(address(), new Uint8Array(0));
    assert.equal(answer.code, grpc.status.OK, answer.details);
    assert.equal(answer.response?.length, 0);
  });

  test("a message over the cap is RESOURCE_EXHAUSTED", async () => {
    const id = traceId();
    const big = jsonRequestToProtobuf(
      jsonTraceRequest([jsonSpan({ traceId: id, spanId: spanId(), attributes: [{ key: "big", value: { stringValue: "x".repeat(CAP) } }] })]),
    );
    assert.ok(big.length > CAP);
    const answer = await grpcExport(address(), big);
    assert.equal(answer.code, grpc.status.RESOURCE_EXHAUSTED, answer.details);
    assert.equal((await get(c.httpUrl, `/api/traces/${id}`)).status, 404);
    await assertGrpcStillServing("a gRPC message over the cap");
  });

  test("a gzip-compressed message that inflates over the cap is RESOURCE_EXHAUSTED", async () => {
    // 64 MiB of zeros: about 64 KiB on the wire, 256 times the cap once inflated.
    const answer = await grpcExport(address(), Buffer.alloc(64 * 1024 * 1024), GZIP);
    assert.equal(answer.code, grpc.status.RESOURCE_EXHAUSTED, answer.details);
    await assertGrpcStillServing("a gRPC gzip bomb");
  });

  test("a gzip-compressed request is decoded and stored", async () => {
    const id = traceId();
    const spans = Array.from({ length: 20 }, (_, i) =>
      jsonSpan({ traceId: id, spanId: spanId(), name: `compressed ${i}`, attributes: [{ key: "text", value: { stringValue: "compressible ".repeat(500) } }] }),
    );
    const body = jsonRequestToProtobuf(jsonTraceRequest(spans));
    assert.ok(body.length < CAP);
    const answer = await grpcExport(address(), body, GZIP);
    assert.equal(answer.code, grpc.status.OK, answer.details);
    assert.equal(answer.response?.length, 0, "nothing rejected");
    const stored = (await get(c.httpUrl, `/api/traces/${id}`)).json();
    assert.equal(stored.spans.length, 20);
    assert.equal(stored.spans[0].attributes.text, "compressible ".repeat(500));
    await assertGrpcStillServing("a gzip-compressed gRPC request");
  });
});
