import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { get, jsonSpan, jsonTraceRequest, post, spanId, traceId } from "../support/otlp.ts";
import { readSchema } from "../../collector/storage/migrate.ts";

const S = 1_000_000_000n;
const T0 = 1_700_000_000n * S;

let c: TestCollector;
const ids = { checkout: traceId(), search: traceId(), slowError: traceId(), otherService: traceId() };

before(async () => {
  c = await startTestCollector();
  const at = (sec: bigint, durMs: bigint) => ({ startTimeUnixNano: String(T0 + sec * S), endTimeUnixNano: String(T0 + sec * S + durMs * 1_000_000n) });
  const root1 = spanId();
  await send("web", [
    jsonSpan({ traceId: ids.checkout, spanId: root1, name: "POST /checkout", ...at(10n, 120n), attributes: [{ key: "http.route", value: { stringValue: "/checkout" } }, { key: "http.status_code", value: { intValue: "200" } }] }),
    jsonSpan({ traceId: ids.checkout, spanId: spanId(), parentSpanId: root1, name: "SELECT orders", ...at(10n, 50n), attributes: [{ key: "db.system", value: { stringValue: "postgresql" } }] }),
  ]);
  await send("web", [jsonSpan({ traceId: ids.search, spanId: spanId(), name: "GET /search", ...at(20n, 30n), attributes: [{ key: "http.route", value: { stringValue: "/search" } }, { key: "http.status_code", value: { intValue: "200" } }] })]);
  await send("web", [jsonSpan({ traceId: ids.slowError, spanId: spanId(), name: "GET /report", ...at(30n, 5000n), status: { code: 2, message: "boom" } })]);
  await send("billing", [jsonSpan({ traceId: ids.otherService, spanId: spanId(), name: "charge", ...at(40n, 80n) })]);
});

after(() => c.close());

async function send(service: string, spans: Array<Record<string, unknown>>): Promise<void> {
  const res = await post(c.httpUrl, "/v1/traces", JSON.stringify(jsonTraceRequest(spans, { "service.name": service })));
  assert.equal(res.status, 200, res.body.toString());
}

async function list(query: string): Promise<string[]> {
  const res = await get(c.httpUrl, `/api/traces${query}`);
  assert.equal(res.status, 200, res.body.toString());
  return res.json().traces.map((t: { traceId: string }) => t.traceId);
}

describe("GET /api/traces", () => {
  test("lists newest first with the summary fields", async () => {
    const res = await get(c.httpUrl, "/api/traces");
    const body = res.json();
    assert.deepEqual(
      body.traces.map((t: { traceId: string }) => t.traceId),
      [ids.otherService, ids.slowError, ids.search, ids.checkout],
    );
    const checkout = body.traces[3];
    assert.equal(checkout.rootName, "POST /checkout");
    assert.equal(checkout.serviceName, "web");
    assert.equal(checkout.spanCount, 2);
    assert.equal(checkout.errorCount, 0);
    assert.equal(checkout.durationNanos, "120000000");
    assert.equal(checkout.startTimeUnixNano, String(T0 + 10n * S));
    assert.equal(body.traces[2 - 1].errorCount, 1);
    assert.equal(body.nextCursor, null);
  });

  test("filters by service, span name, status, duration and time range", async () => {
    assert.deepEqual(await list("?service=billing"), [ids.otherService]);
    assert.deepEqual(await list("?name=SELECT%20orders"), [ids.checkout]);
    assert.deepEqual(await list("?service=web&name=charge"), []);
    assert.deepEqual(await list("?status=error"), [ids.slowError]);
    assert.deepEqual(await list("?status=ok"), [ids.otherService, ids.search, ids.checkout]);
    assert.deepEqual(await list("?minDuration=1s"), [ids.slowError]);
    assert.deepEqual(await list("?maxDuration=100ms"), [ids.otherService, ids.search]);
    assert.deepEqual(await list("?minDuration=31ms&maxDuration=0.12s"), [ids.otherService, ids.checkout]);
    assert.deepEqual(await list(`?start=${T0 + 15n * S}&end=${T0 + 35n * S}`), [ids.slowError, ids.search]);
    const iso = new Date(Number((T0 + 35n * S) / 1_000_000n)).toISOString();
    assert.deepEqual(await list(`?start=${encodeURIComponent(iso)}`), [ids.otherService]);
  });

  test("filters by attribute equality, typed by the stored value", async () => {
    assert.deepEqual(await list("?attr.http.route=/search"), [ids.search]);
    assert.deepEqual(await list("?attr.http.status_code=200"), [ids.search, ids.checkout]);
    assert.deepEqual(await list("?attr.http.status_code=200&attr.http.route=/checkout"), [ids.checkout]);
    assert.deepEqual(await list("?attr.db.system=postgresql&name=SELECT%20orders"), [ids.checkout]);
    // Conditions on one span must hold on the same span.
    assert.deepEqual(await list("?attr.db.system=postgresql&name=POST%20/checkout"), []);
  });

  test("pages with a cursor without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(c.httpUrl, `/api/traces?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      const body = res.json();
      assert.ok(body.traces.length <= 1);
      seen.push(...body.traces.map((t: { traceId: string }) => t.traceId));
      cursor = body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, [ids.otherService, ids.slowError, ids.search, ids.checkout]);
  });

  test("answers bad parameters with 400 and a JSON message", async () => {
    for (const q of ["?limit=0", "?limit=abc", "?minDuration=fast", "?status=maybe", "?cursor=%%%", "?start=yesterday", "?service=a&service=b"]) {
      const res = await get(c.httpUrl, `/api/traces${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(typeof res.json().error.message, "string", q);
    }
  });

  test("scopes every query to a project", async () => {
    assert.deepEqual(await list("?project=elsewhere"), []);
  });
});

describe("GET /api/traces/{id}", () => {
  test("returns 404 for an unknown trace and 400 for a malformed id", async () => {
    assert.equal((await get(c.httpUrl, `/api/traces/${traceId()}`)).status, 404);
    assert.equal((await get(c.httpUrl, "/api/traces/not-hex")).status, 400);
  });

  test("accepts the id in any case", async () => {
    const res = await get(c.httpUrl, `/api/traces/${ids.checkout.toUpperCase()}`);
    assert.equal(res.status, 200);
    assert.equal(res.json().spans.length, 2);
  });

  test("unknown API paths are JSON 404s", async () => {
    const res = await get(c.httpUrl, "/api/nope");
    assert.equal(res.status, 404);
    assert.match(res.json().error.message, /no such API endpoint/);
  });

  test("health reports the storage", async () => {
    const res = await get(c.httpUrl, "/api/health");
    assert.equal(res.status, 200);
    const body = res.json();
    assert.equal(body.status, "ok");
    assert.equal(body.storage.kind, "external");
    assert.equal(body.storage.schemaVersion, readSchema().version);
  });
});
