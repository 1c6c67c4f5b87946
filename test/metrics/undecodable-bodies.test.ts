/**
 * /v1/metrics and /v1/logs (and their gRPC Export methods) refuse bodies they cannot decode: 400
 * with a google.rpc.Status in the request's format (gRPC: INVALID_ARGUMENT), nothing stored, and
 * the collector keeps accepting valid requests.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { errorStatus, INVALID_ARGUMENT } from "../support/error-status.ts";
import { post } from "../support/otlp.ts";
import { exportVia, gauge, grpc, logsRequest, metricsRequest, SIGNALS, type Signal } from "../support/otlp-signals.ts";

const T = 1_700_000_000_000_000_000n;

let c: TestCollector;

before(async () => {
  c = await startTestCollector();
});

after(() => c.close());

async function storedRows(): Promise<number> {
  const { rows } = await c.pool.query<{ n: string }>(
    "SELECT (SELECT count(*) FROM metric_points) + (SELECT count(*) FROM metric_distributions) + (SELECT count(*) FROM logs) + (SELECT count(*) FROM runs) AS n",
  );
  return Number(rows[0]!.n);
}

/** A length-delimited field 1 claiming far more bytes than follow: protobufjs cannot decode it. */
const BAD_PROTOBUF = Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]);

const BODIES: Array<{ name: string; format: "json" | "protobuf"; body: (signal: Signal) => Uint8Array | string; gzipHeaderOnly?: boolean }> = [
  { name: "malformed JSON", format: "json", body: () => '{"resourceMetrics": [' },
  { name: "JSON that is not an object", format: "json", body: () => "[1, 2, 3]" },
  { name: "JSON with the wrong shape", format: "json", body: (s) => JSON.stringify(s === "metrics" ? { resourceMetrics: 5 } : { resourceLogs: "x" }) },
  { name: "JSON scope list that is not a list", format: "json", body: (s) => JSON.stringify(s === "metrics" ? { resourceMetrics: [{ scopeMetrics: {} }] } : { resourceLogs: [{ scopeLogs: 7 }] }) },
  { name: "truncated protobuf", format: "protobuf", body: () => BAD_PROTOBUF },
  { name: "a gzip header on a body that is not gzip", format: "json", body: () => "{}", gzipHeaderOnly: true },
];

for (const signal of ["metrics", "logs"] as const) {
  describe(`undecodable ${signal} requests`, () => {
    for (const kase of BODIES) {
      test(`${kase.name} → 400 with a google.rpc.Status, nothing stored`, async () => {
        const before = await storedRows();
        const res = await post(c.httpUrl, SIGNALS[signal].httpPath, kase.body(signal), {
          contentType: kase.format === "json" ? "application/json" : "application/x-protobuf",
          headers: kase.gzipHeaderOnly ? { "content-encoding": "gzip" } : {},
        });
        assert.equal(res.status, 400, res.body.toString());
        assert.equal(errorStatus(res, kase.format).code, INVALID_ARGUMENT);
        assert.equal(await storedRows(), before);
      });
    }

    test("truncated protobuf over gRPC → INVALID_ARGUMENT", async () => {
      const client = new grpc.Client(c.grpcAddress!, grpc.credentials.createInsecure());
      const code = await new Promise<number>((resolve) => {
        client.makeUnaryRequest(SIGNALS[signal].grpcPath, (b: Buffer) => b, (b: Buffer) => b, Buffer.from(BAD_PROTOBUF), (err) => {
          client.close();
          resolve(err ? err.code : grpc.status.OK);
        });
      });
      assert.equal(code, grpc.status.INVALID_ARGUMENT);
    });

    test("an empty body is a valid, empty request", async () => {
      for (const contentType of ["application/json", "application/x-protobuf"]) {
        const res = await post(c.httpUrl, SIGNALS[signal].httpPath, "", { contentType });
        assert.equal(res.status, 200, contentType);
      }
    });

    test("after all that, a valid request is stored", async () => {
      const body =
        signal === "metrics"
          ? metricsRequest({ "sightline.run.id": "after-bad" }, [gauge("ok", [{ value: 1, time: T }])])
          : logsRequest({ "sightline.run.id": "after-bad" }, [{ timeUnixNano: String(T), body: { stringValue: "ok" } }]);
      const before = await storedRows();
      const outcome = await exportVia(c, "http/protobuf", signal, JSON.stringify(body));
      assert.deepEqual([outcome.accepted, outcome.rejected], [true, 0]);
      assert.ok((await storedRows()) > before);
    });
  });
}
