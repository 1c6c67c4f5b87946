import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { get } from "../support/otlp.ts";
import { SHOP_TRACE_ID, sendTrace, shopTrace } from "../support/ui-fixtures.ts";

describe("GET /api/traces/{id}/tree and /spans/{spanId}: what the trace view reads", () => {
  let collector: TestCollector;
  before(async () => {
    collector = await startTestCollector({ grpcPort: null });
    await sendTrace(collector.httpUrl, shopTrace(1_700_000_000_000));
  });
  after(() => collector.close());

  it("answers the span tree as compact index-aligned columns", async () => {
    const res = await get(collector.httpUrl, `/api/traces/${SHOP_TRACE_ID}/tree`);
    assert.equal(res.status, 200);
    const t = res.json();
    assert.equal(t.spanCount, 6);
    assert.equal(t.startTimeUnixNano, "1700000000000000000");
    assert.deepEqual(t.spanId.slice(0, 2), ["eee19b7ec3c1b174", "a000000000000001"]);
    assert.deepEqual(t.parent, [-1, 0, 0, 0, 3, 3]);
    assert.deepEqual(t.names[t.name[3]], "charge card");
    assert.equal(t.services[t.service[2]], "db");
    assert.equal(t.kindNames[t.kind[0]], "server");
    assert.deepEqual(t.start.slice(0, 3), [0, 5_000_000, 40_000_000]);
    assert.equal(t.duration[0], 480_000_000);
    assert.equal(t.status[3], 2);
    for (const col of ["aiType", "aiModel", "aiTokens", "aiCostUsd"]) assert.equal(t[col].length, 6);
  });

  it("answers one span with everything, attribute types kept in the JSON text", async () => {
    const res = await get(collector.httpUrl, `/api/traces/${SHOP_TRACE_ID}/spans/EEE19B7EC3C1B174`);
    assert.equal(res.status, 200);
    const text = res.body.toString();
    assert.match(text, /"app\.cart\.whole": ?2\.0\b/);
    assert.match(text, /"app\.big": ?9007199254740993\b/);
    const span = res.json();
    assert.equal(span.name, "POST /checkout");
    assert.equal(span.kind, "server");
    assert.equal(span.resource.attributes["service.name"], "web");
    assert.equal(span.scope.name, "@sightline/test-fixtures");
    const charge = (await get(collector.httpUrl, `/api/traces/${SHOP_TRACE_ID}/spans/a000000000000003`)).json();
    assert.deepEqual(charge.status, { code: "error", message: "card declined" });
    assert.equal(charge.events[0].name, "exception");
  });

  it("searches a trace's span names, attributes and events", async () => {
    const search = async (text: string) => (await get(collector.httpUrl, `/api/traces/${SHOP_TRACE_ID}/search?text=${encodeURIComponent(text)}`)).json().spanIds;
    assert.deepEqual(await search("orders WHERE"), ["a000000000000002"]); // db.statement
    assert.deepEqual(await search("carddeclined"), ["a000000000000003"]); // an event attribute (exception.type)
    assert.deepEqual(await search("CHARGE"), ["a000000000000003"]); // the name, any case
    assert.deepEqual(await search("100%_"), []); // LIKE wildcards are literal
    assert.equal((await get(collector.httpUrl, `/api/traces/${SHOP_TRACE_ID}/search?text=`)).status, 400);
  });

  it("answers 404 for an unknown trace or span and 400 for malformed ids", async () => {
    assert.equal((await get(collector.httpUrl, `/api/traces/${"1".repeat(32)}/tree`)).status, 404);
    assert.equal((await get(collector.httpUrl, `/api/traces/${SHOP_TRACE_ID}/spans/${"1".repeat(16)}`)).status, 404);
    assert.equal((await get(collector.httpUrl, `/api/traces/xyz/tree`)).status, 400);
    assert.equal((await get(collector.httpUrl, `/api/traces/${SHOP_TRACE_ID}/spans/xyz`)).status, 400);
  });
});
