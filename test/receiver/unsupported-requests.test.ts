import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { errorStatus, header } from "../support/error-status.ts";
import { get, jsonRequestToProtobuf, jsonSpan, jsonTraceRequest, spanId, traceId } from "../support/otlp.ts";
import { rawRequest } from "../support/raw-http.ts";
import { assertStillServing, plantBaseline, type Baseline } from "../support/survival.ts";

/** Requests OTLP/HTTP does not accept: wrong media type (415), wrong encoding (415), wrong method (405). */

let c: TestCollector;
let baseline: Baseline;

before(async () => {
  c = await startTestCollector();
  baseline = await plantBaseline(c);
});
after(() => c.close());

function oneSpan(id: string): Record<string, unknown> {
  return jsonTraceRequest([jsonSpan({ traceId: id, spanId: spanId(), name: "should not be stored" })]);
}

describe("Content-Type", () => {
  const cases: Array<[string, Record<string, string>]> = [
    ["text/plain", { "content-type": "text/plain" }],
    ["text/plain with a charset", { "content-type": "text/plain; charset=utf-8" }],
    ["application/xml", { "content-type": "application/xml" }],
    ["application/jsonx (a prefix is not a match)", { "content-type": "application/jsonx" }],
    ["an empty Content-Type", { "content-type": "" }],
    ["no Content-Type at all", {}],
  ];
  for (const [what, headers] of cases) {
    test(`${what} is a 415 with a JSON status`, async () => {
      const id = traceId();
      const res = await rawRequest(`${c.httpUrl}/v1/traces`, { headers, body: Buffer.from(JSON.stringify(oneSpan(id))) });
      assert.equal(res.status, 415, res.body.toString());
      assert.match(errorStatus(res, "json").message, /Content-Type/);
      assert.equal((await get(c.httpUrl, `/api/traces/${id}`)).status, 404, "nothing stored");
      await assertStillServing(c, baseline, what);
    });
  }

  test("media type parameters and letter case do not matter for supported types", async () => {
    for (const [type, body] of [
      ["application/json; charset=utf-8", Buffer.from(JSON.stringify(oneSpan(traceId())))],
      ["Application/JSON", Buffer.from(JSON.stringify(oneSpan(traceId())))],
      ["application/x-protobuf; proto=opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest", Buffer.from(jsonRequestToProtobuf(oneSpan(traceId())))],
      ["application/protobuf", Buffer.from(jsonRequestToProtobuf(oneSpan(traceId())))],
    ] as const) {
      const res = await rawRequest(`${c.httpUrl}/v1/traces`, { headers: { "content-type": type }, body });
      assert.equal(res.status, 200, `${type}: ${res.body.toString()}`);
    }
  });
});

describe("Content-Encoding", () => {
  for (const [encoding, format] of [
    ["br", "json"],
    ["br", "protobuf"],
    ["zstd", "json"],
    ["compress", "json"],
    ["gzip, br", "json"],
  ] as const) {
    test(`${encoding} is a 415 with a ${format} status`, async () => {
      const id = traceId();
      const body = format === "json" ? Buffer.from(JSON.stringify(oneSpan(id))) : Buffer.from(jsonRequestToProtobuf(oneSpan(id)));
      const res = await rawRequest(`${c.httpUrl}/v1/traces`, {
        headers: { "content-type": format === "json" ? "application/json" : "application/x-protobuf", "content-encoding": encoding },
        body,
      });
      assert.equal(res.status, 415, res.body.toString());
      assert.match(errorStatus(res, format).message, /Content-Encoding/);
      assert.equal((await get(c.httpUrl, `/api/traces/${id}`)).status, 404, "nothing stored");
      await assertStillServing(c, baseline, `Content-Encoding ${encoding}`);
    });
  }
});

describe("methods other than POST", () => {
  for (const method of ["GET", "PUT", "DELETE", "PATCH"]) {
    test(`${method} /v1/traces is a 405 with Allow: POST`, async () => {
      const body = method === "GET" || method === "DELETE" ? undefined : Buffer.from(JSON.stringify(oneSpan(traceId())));
      const res = await rawRequest(`${c.httpUrl}/v1/traces`, { method, headers: { "content-type": "application/json" }, ...(body ? { body } : {}) });
      assert.equal(res.status, 405);
      assert.equal(header(res, "allow"), "POST");
      assert.match(errorStatus(res, "json").message, /POST/);
      await assertStillServing(c, baseline, `${method} /v1/traces`);
    });
  }
});
