import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { deflateSync, gzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import { ExportTraceServiceResponse } from "../../collector/receiver/otlp/schema.ts";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { errorStatus, INVALID_ARGUMENT } from "../support/error-status.ts";
import { get, jsonRequestToProtobuf, jsonSpan, jsonTraceRequest, post, spanId, traceId } from "../support/otlp.ts";
import { assertStillServing, plantBaseline, type Baseline } from "../support/survival.ts";

/** OTLP/HTTP bodies that cannot be decoded: each is a 400 with a google.rpc.Status in the request's format. */

const PROTOBUF = "application/x-protobuf";

let c: TestCollector;
let baseline: Baseline;

before(async () => {
  c = await startTestCollector();
  baseline = await plantBaseline(c);
});
after(() => c.close());

/** Deterministic "random" bytes (SHA-256 in counter mode), so a failure reproduces. */
function noise(seed: string, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0, block = 0; i < length; block++) {
    const digest = createHash("sha256").update(`${seed}:${block}`).digest();
    i += digest.copy(out, i);
  }
  return out;
}

function threeSpanRequest(id: string): Record<string, unknown> {
  const root = spanId();
  return jsonTraceRequest([
    jsonSpan({ traceId: id, spanId: root, name: "root", attributes: [{ key: "k", value: { stringValue: "v".repeat(200) } }] }),
    jsonSpan({ traceId: id, spanId: spanId(), parentSpanId: root, name: "child 1" }),
    jsonSpan({ traceId: id, spanId: spanId(), parentSpanId: root, name: "child 2" }),
  ]);
}

async function assertNotStored(id: string): Promise<void> {
  assert.equal((await get(c.httpUrl, `/api/traces/${id}`)).status, 404, `nothing of trace ${id} is stored`);
}

describe("POST /v1/traces with undecodable protobuf", () => {
  test("a truncated message is a 400 with a protobuf google.rpc.Status", async () => {
    const id = traceId();
    const whole = jsonRequestToProtobuf(threeSpanRequest(id));
    for (const cut of [1, 2, Math.floor(whole.length / 4), Math.floor(whole.length / 2), whole.length - 1]) {
      const res = await post(c.httpUrl, "/v1/traces", whole.subarray(0, cut), { contentType: PROTOBUF });
      assert.equal(res.status, 400, `cut at ${cut} of ${whole.length}`);
      assert.equal(errorStatus(res, "protobuf").code, INVALID_ARGUMENT);
      await assertStillServing(c, baseline, `a protobuf body cut at ${cut}`);
    }
    await assertNotStored(id);
  });

  test("random bytes are a 400 with a protobuf google.rpc.Status", async () => {
    for (const [seed, length] of [["a", 7], ["b", 100], ["c", 4096], ["d", 256 * 1024]] as const) {
      const res = await post(c.httpUrl, "/v1/traces", noise(seed, length), { contentType: PROTOBUF });
      assert.equal(res.status, 400, `${length} random bytes (seed ${seed})`);
      assert.equal(errorStatus(res, "protobuf").code, INVALID_ARGUMENT);
      await assertStillServing(c, baseline, `${length} random protobuf bytes`);
    }
  });

  test("random bytes sent as JSON are a 400 with a JSON status", async () => {
    const res = await post(c.httpUrl, "/v1/traces", noise("e", 2048));
    assert.equal(res.status, 400);
    assert.equal(errorStatus(res, "json").code, INVALID_ARGUMENT);
    await assertStillServing(c, baseline, "random JSON bytes");
  });
});

describe("POST /v1/traces with invalid JSON", () => {
  const id = traceId();
  const valid = JSON.stringify(threeSpanRequest(id));
  const cases: Array<[string, string]> = [
    ["unterminated object", "{"],
    ["truncated request", valid.slice(0, Math.floor(valid.length / 2))],
    ["trailing garbage", valid + "}"],
    ["not JSON at all", "resourceSpans = []"],
    ["a top-level array", "[]"],
    ["a top-level null", "null"],
    ["a top-level string", '"resourceSpans"'],
    ["resourceSpans not an array", '{"resourceSpans": 5}'],
    ["scopeSpans not an array", '{"resourceSpans": [{"scopeSpans": {"spans": []}}]}'],
    ["a resource that is a string", '{"resourceSpans": [{"resource": "web"}]}'],
  ];
  for (const [what, body] of cases) {
    test(`${what} is a 400 with a JSON google.rpc.Status`, async () => {
      const res = await post(c.httpUrl, "/v1/traces", body);
      assert.equal(res.status, 400, res.body.toString());
      assert.equal(errorStatus(res, "json").code, INVALID_ARGUMENT);
      await assertStillServing(c, baseline, what);
    });
  }

  test("none of the broken requests stored anything", async () => {
    await assertNotStored(id);
  });
});

describe("POST /v1/traces with broken compression", () => {
  const id = traceId();
  const protobufBody = jsonRequestToProtobuf(threeSpanRequest(id));
  const jsonBody = Buffer.from(JSON.stringify(threeSpanRequest(id)));

  function corrupt(bytes: Buffer): Buffer {
    const out = Buffer.from(bytes);
    for (let i = 12; i < Math.min(out.length - 8, 40); i++) out[i] = out[i]! ^ 0xa5;
    return out;
  }

  const cases: Array<[string, Buffer, string]> = [
    ["gzip with corrupt deflate data (protobuf)", corrupt(gzipSync(protobufBody)), "gzip"],
    ["gzip with corrupt deflate data (JSON)", corrupt(gzipSync(jsonBody)), "gzip"],
    ["a gzip stream cut in half (protobuf)", gzipSync(protobufBody).subarray(0, Math.floor(gzipSync(protobufBody).length / 2)), "gzip"],
    ["a gzip stream without its trailer (JSON)", gzipSync(jsonBody).subarray(0, gzipSync(jsonBody).length - 8), "gzip"],
    ["gzip header only", gzipSync(jsonBody).subarray(0, 10), "gzip"],
    ["a body that is not gzip at all", jsonBody, "gzip"],
    ["gzip bytes declared as deflate", gzipSync(jsonBody), "deflate"],
    ["deflate with corrupt data", corrupt(deflateSync(protobufBody)), "deflate"],
  ];
  for (const [what, body, encoding] of cases) {
    const format = what.includes("protobuf") || what.startsWith("deflate with") ? "protobuf" : "json";
    test(`${what} is a 400`, async () => {
      const res = await post(c.httpUrl, "/v1/traces", body, {
        contentType: format === "protobuf" ? PROTOBUF : "application/json",
        headers: { "content-encoding": encoding },
      });
      assert.equal(res.status, 400, res.body.toString());
      assert.equal(errorStatus(res, format).code, INVALID_ARGUMENT);
      await assertStillServing(c, baseline, what);
    });
  }

  test("none of the broken requests stored anything", async () => {
    await assertNotStored(id);
  });
});

describe("POST /v1/traces with an empty body", () => {
  test("zero bytes of protobuf are a 200 with an empty ExportTraceServiceResponse", async () => {
    const res = await post(c.httpUrl, "/v1/traces", new Uint8Array(0), { contentType: PROTOBUF });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type")?.split(";")[0], PROTOBUF);
    const response = ExportTraceServiceResponse.decode(res.body);
    assert.equal(ExportTraceServiceResponse.toObject(response).partialSuccess, undefined);
    await assertStillServing(c, baseline, "an empty protobuf body");
  });

  test("gzip of zero bytes is a 200", async () => {
    const res = await post(c.httpUrl, "/v1/traces", new Uint8Array(0), { contentType: PROTOBUF, gzip: true });
    assert.equal(res.status, 200);
  });

  for (const [what, body] of [
    ["{}", "{}"],
    ["zero bytes of JSON", ""],
    ["an empty resourceSpans", '{"resourceSpans": []}'],
    ["a resource with no spans", '{"resourceSpans": [{"scopeSpans": [{"spans": []}]}]}'],
  ] as const) {
    test(`${what} is a 200 with {}`, async () => {
      const res = await post(c.httpUrl, "/v1/traces", body);
      assert.equal(res.status, 200, res.body.toString());
      assert.deepEqual(res.json(), {});
      await assertStillServing(c, baseline, what);
    });
  }
});
