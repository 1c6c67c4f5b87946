import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import { DEFAULTS } from "../../collector/config.ts";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { errorStatus } from "../support/error-status.ts";
import { sendGzipBomb } from "../support/gzip-bomb.ts";
import { get, jsonSpan, jsonTraceRequest, post, spanId, traceId } from "../support/otlp.ts";
import { rawRequest } from "../support/raw-http.ts";
import { assertStillServing, plantBaseline, type Baseline } from "../support/survival.ts";

/**
 * The body cap (--max-body-bytes) applies to the inflated body: anything larger is a 413, and a
 * gzip bomb is refused while it is being inflated, not after.
 */

const CAP = 256 * 1024;
const GiB = 2 ** 30;
const MB = 2 ** 20;

let small: TestCollector; // --max-body-bytes 256 KiB
let standard: TestCollector; // the default cap (64 MiB)
let smallBaseline: Baseline;
let standardBaseline: Baseline;

before(async () => {
  small = await startTestCollector({ maxBodyBytes: CAP });
  standard = await startTestCollector();
  smallBaseline = await plantBaseline(small);
  standardBaseline = await plantBaseline(standard);
});
after(async () => {
  await small.close();
  await standard.close();
});

/** A valid OTLP/JSON request of exactly `size` bytes (padded with JSON whitespace). */
function jsonRequestOfSize(id: string, size: number): Buffer {
  const text = JSON.stringify(jsonTraceRequest([jsonSpan({ traceId: id, spanId: spanId(), name: "sized" })]));
  assert.ok(text.length <= size);
  return Buffer.from(text + " ".repeat(size - text.length));
}

describe("an uncompressed body over the cap", () => {
  test("a body of exactly the cap is accepted", async () => {
    const id = traceId();
    const res = await rawRequest(`${small.httpUrl}/v1/traces`, { headers: { "content-type": "application/json" }, body: jsonRequestOfSize(id, CAP) });
    assert.equal(res.status, 200, res.body.toString());
    assert.equal((await get(small.httpUrl, `/api/traces/${id}`)).status, 200);
  });

  test("one byte over, with Content-Length, is a 413", async () => {
    const id = traceId();
    const res = await rawRequest(`${small.httpUrl}/v1/traces`, { headers: { "content-type": "application/json" }, body: jsonRequestOfSize(id, CAP + 1) });
    assert.equal(res.status, 413);
    errorStatus(res, "json");
    assert.equal((await get(small.httpUrl, `/api/traces/${id}`)).status, 404);
    await assertStillServing(small, smallBaseline, "a body one byte over the cap");
  });

  test("a much larger body, with Content-Length, is a 413 in the request's format", async () => {
    const res = await rawRequest(`${small.httpUrl}/v1/traces`, { headers: { "content-type": "application/x-protobuf" }, body: Buffer.alloc(16 * MB, 0x0a) });
    assert.equal(res.status, 413);
    errorStatus(res, "protobuf");
    await assertStillServing(small, smallBaseline, "a 16 MiB body");
  });

  test("one byte over, chunked without Content-Length, is a 413", async () => {
    const id = traceId();
    const body = jsonRequestOfSize(id, CAP + 1);
    const chunks = [];
    for (let i = 0; i < body.length; i += 10_000) chunks.push(body.subarray(i, i + 10_000));
    const res = await rawRequest(`${small.httpUrl}/v1/traces`, { headers: { "content-type": "application/json" }, body: { chunks } });
    assert.equal(res.status, 413);
    errorStatus(res, "json");
    assert.equal((await get(small.httpUrl, `/api/traces/${id}`)).status, 404);
    await assertStillServing(small, smallBaseline, "a chunked body one byte over the cap");
  });

  test("a much larger chunked body is a 413", async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const res = await rawRequest(`${small.httpUrl}/v1/traces`, { headers: { "content-type": "application/json" }, body: { chunks: new Array(256).fill(chunk) } });
    assert.equal(res.status, 413);
    errorStatus(res, "json");
    await assertStillServing(small, smallBaseline, "a 16 MiB chunked body");
  });

  test("a Content-Length over the cap is refused before the body is read", async () => {
    // Declares 1 GiB but sends only a few bytes: only a refusal from the header can answer it.
    const res = await rawRequest(`${small.httpUrl}/v1/traces`, {
      headers: { "content-type": "application/json", "content-length": String(GiB) },
      body: (req) => req.write("{"),
    });
    assert.equal(res.status, 413);
    errorStatus(res, "json");
    await assertStillServing(small, smallBaseline, "a 1 GiB Content-Length");
  });
});

describe("a compressed body over the cap", () => {
  test("a gzip body that inflates to just over the cap is a 413", async () => {
    const id = traceId();
    const res = await post(small.httpUrl, "/v1/traces", jsonRequestOfSize(id, CAP + 1), { gzip: true });
    assert.equal(res.status, 413);
    errorStatus(res, "json");
    assert.equal((await get(small.httpUrl, `/api/traces/${id}`)).status, 404);
    await assertStillServing(small, smallBaseline, "a gzip body over the cap");
  });

  test("a gzip body that inflates to exactly the cap is accepted", async () => {
    const id = traceId();
    const res = await post(small.httpUrl, "/v1/traces", jsonRequestOfSize(id, CAP), { gzip: true });
    assert.equal(res.status, 200, res.body.toString());
    assert.equal((await get(small.httpUrl, `/api/traces/${id}`)).status, 200);
  });

  test("a deflate body that inflates over the cap is a 413", async () => {
    const res = await rawRequest(`${small.httpUrl}/v1/traces`, {
      headers: { "content-type": "application/json", "content-encoding": "deflate" },
      body: deflateSync(Buffer.alloc(CAP * 4, 0x20)),
    });
    assert.equal(res.status, 413);
    errorStatus(res, "json");
  });

  // 64 GiB of zeros would be about 64 MB of gzip; a correct server answers after the cap, when the
  // client has produced well under a GiB of it (the rest is never compressed, so the test stays
  // cheap). The bound below is far beyond what socket buffers can hold ahead of the server.
  const BOMB = 64 * GiB;
  for (const [name, target, contentType] of [
    ["--max-body-bytes 256 KiB", () => small, "application/x-protobuf"],
    ["--max-body-bytes 256 KiB", () => small, "application/json"],
    ["the default cap (64 MiB)", () => standard, "application/x-protobuf"],
  ] as const) {
    test(`a 64 GiB gzip bomb (${contentType}) is refused with 413 while inflating, with ${name}`, async (t) => {
      const c = target();
      const cap = c === small ? CAP : DEFAULTS.maxBodyBytes;
      const outcome = await sendGzipBomb(`${c.httpUrl}/v1/traces`, contentType, BOMB, { abortAtRssGrowth: 400 * MB, abortAfterMs: 120_000 });
      const summary =
        `answered after ${outcome.inflatedBytesSent / MB} MiB inflated (${outcome.compressedBytesSent} bytes compressed) ` +
        `in ${outcome.elapsedMs.toFixed(0)} ms, RSS +${(outcome.peakRssGrowthBytes / MB).toFixed(1)} MiB`;
      t.diagnostic(summary);
      assert.equal(outcome.abortedForMemory, false, `the server held the inflated bomb: ${summary}`);
      assert.equal(outcome.abortedForTime, false, `the server read the whole bomb: ${summary}`);
      assert.ok(outcome.answer, `an answer, not ${outcome.error?.message}: ${summary}`);
      assert.equal(outcome.answer.status, 413, summary);
      errorStatus(outcome.answer, contentType === "application/json" ? "json" : "protobuf");
      // Refused while inflating: the answer came while the client was still sending, long before
      // the bomb was out. A server that inflated everything (or drained the rest) before answering
      // could not answer until the client had sent all of it.
      assert.ok(outcome.inflatedBytesSent < BOMB / 4, `answered early: ${summary}`);
      assert.ok(outcome.inflatedBytesSent > cap, `the server read up to the cap: ${summary}`);
      // Memory: nothing near the inflated size was held (generous bound: 200 MB, whatever the cap).
      assert.ok(outcome.peakRssGrowthBytes < 200 * 1e6, `bounded memory: ${summary}`);
      await assertStillServing(c, c === small ? smallBaseline : standardBaseline, `a gzip bomb (${name})`);
    });
  }
});
