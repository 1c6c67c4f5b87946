import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { adminUrl } from "../support/database.ts";
import { errorStatus, header, UNAVAILABLE } from "../support/error-status.ts";
import { grpc, grpcExport } from "../support/grpc-raw.ts";
import { lockSpans } from "../support/ingest-stall.ts";
import { get, jsonRequestToProtobuf, jsonSpan, jsonTraceRequest, post, spanId, traceId } from "../support/otlp.ts";
import { assertStillServing, plantBaseline, type Baseline } from "../support/survival.ts";

/**
 * Postgres going away under a running collector: ingest answers 503 + Retry-After (gRPC
 * UNAVAILABLE), so exporters retry; the API and /api/health answer JSON 503; the process keeps
 * running; and once the database is back, nothing acknowledged before is lost.
 */

/**
 * Unhandled errors seen while the database goes away. In the collector process any one of them
 * would be fatal (an 'error' event nobody listens to); here node:test would only blame some hook.
 */
const crashes: Error[] = [];
const recordCrash = (err: Error): void => void crashes.push(err);
before(() => void process.on("uncaughtException", recordCrash));
after(() => void process.off("uncaughtException", recordCrash));

function assertNoCrash(what: string): void {
  assert.deepEqual(
    crashes.splice(0).map((e) => e.stack ?? e.message),
    [],
    `${what}: an unhandled error would have ended the collector process`,
  );
}

async function admin<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<T>> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await client.query<T>(sql, params);
  } finally {
    await client.end();
  }
}

/** Refuses new connections to the collector's database and kills the ones it has. */
async function takeDown(c: TestCollector): Promise<void> {
  await admin(`ALTER DATABASE ${c.database.name} ALLOW_CONNECTIONS false`);
  await admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [c.database.name]);
}

async function bringBack(c: TestCollector): Promise<void> {
  await admin(`ALTER DATABASE ${c.database.name} ALLOW_CONNECTIONS true`);
}

function oneTrace(id: string, spans = 2): Record<string, unknown> {
  return jsonTraceRequest(Array.from({ length: spans }, (_, i) => jsonSpan({ traceId: id, spanId: spanId(), name: `outage ${i}` })));
}

/** Everything the collector serves, while the database is unreachable. */
async function assertUnavailable(c: TestCollector, baseline: Baseline, what: string): Promise<void> {
  const json = await post(c.httpUrl, "/v1/traces", JSON.stringify(oneTrace(traceId())));
  assert.equal(json.status, 503, `${what}: JSON ingest: ${json.body.toString()}`);
  assert.match(header(json, "retry-after") ?? "", /^[1-9][0-9]*$/, `${what}: Retry-After`);
  assert.equal(errorStatus(json, "json").code, UNAVAILABLE);

  const protobuf = await post(c.httpUrl, "/v1/traces", jsonRequestToProtobuf(oneTrace(traceId())), { contentType: "application/x-protobuf" });
  assert.equal(protobuf.status, 503, `${what}: protobuf ingest`);
  assert.ok(header(protobuf, "retry-after"));
  assert.equal(errorStatus(protobuf, "protobuf").code, UNAVAILABLE);

  const rpc = await grpcExport(c.grpcAddress!, jsonRequestToProtobuf(oneTrace(traceId())));
  assert.equal(rpc.code, grpc.status.UNAVAILABLE, `${what}: gRPC: ${rpc.details}`);

  for (const path of ["/api/traces", `/api/traces/${baseline.traceId}`]) {
    const res = await get(c.httpUrl, path);
    assert.equal(res.status, 503, `${what}: GET ${path}: ${res.body.toString()}`);
    assert.equal(res.headers.get("content-type")?.split(";")[0], "application/json");
    assert.equal(res.json().error.status, 503);
    assert.equal(typeof res.json().error.message, "string");
  }

  const health = await get(c.httpUrl, "/api/health");
  assert.equal(health.status, 503, `${what}: health`);
  assert.equal(health.json().status, "unavailable");

  // The process is alive and serving what needs no database.
  assert.equal((await get(c.httpUrl, "/")).status, 200);
}

describe("the database refuses connections, then comes back", () => {
  let c: TestCollector;
  let baseline: Baseline;

  before(async () => {
    c = await startTestCollector();
    baseline = await plantBaseline(c);
  });
  after(async () => {
    await bringBack(c).catch(() => undefined);
    await c.close();
  });

  test("ingest is 503/UNAVAILABLE and the API 503 while it is down; all is well after", async () => {
    await takeDown(c);
    try {
      for (let round = 0; round < 3; round++) {
        await assertUnavailable(c, baseline, `round ${round}`);
        // Kill whatever the collector managed to open meanwhile (nothing, while connections are refused).
        await admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [c.database.name]);
      }
    } finally {
      await bringBack(c);
    }
    assert.equal((await get(c.httpUrl, "/api/health")).status, 200);
    await assertStillServing(c, baseline, "an outage");
    assertNoCrash("connections refused and killed");
  });

  test("a request whose transaction is killed mid-commit gets 503, and its retry is stored once", async () => {
    const id = traceId();
    const body = JSON.stringify(oneTrace(id, 3));
    const lock = await lockSpans(c);
    let answer;
    try {
      const pending = post(c.httpUrl, "/v1/traces", body);
      await lock.waitForBlockedWriters(1);
      await takeDown(c); // kills the blocked transaction (and the lock holder)
      answer = await pending;
    } finally {
      await lock.release();
      await bringBack(c);
    }
    assert.equal(answer.status, 503, answer.body.toString());
    assert.ok(header(answer, "retry-after"));

    const retry = await post(c.httpUrl, "/v1/traces", body);
    assert.equal(retry.status, 200, retry.body.toString());
    assert.equal((await get(c.httpUrl, `/api/traces/${id}`)).json().spans.length, 3);
    await assertStillServing(c, baseline, "a commit killed by the outage");
    assertNoCrash("a transaction killed mid-commit");
  });
});

describe("the database is dropped under the collector", () => {
  let c: TestCollector;
  let baseline: Baseline;

  before(async () => {
    c = await startTestCollector();
    baseline = await plantBaseline(c);
  });
  after(() => c.close());

  test("ingest is 503/UNAVAILABLE, the API and health 503, and the process keeps running", async () => {
    await admin(`DROP DATABASE ${c.database.name} WITH (FORCE)`);
    for (let round = 0; round < 3; round++) await assertUnavailable(c, baseline, `dropped, round ${round}`);
    assertNoCrash("the database dropped");
  });
});
