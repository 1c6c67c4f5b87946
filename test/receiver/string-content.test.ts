import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { get, jsonRequestToProtobuf, jsonSpan, jsonTraceRequest, post, spanId, traceId } from "../support/otlp.ts";
import { spanBytes, spanNameField, traceRequestBytes } from "../support/protobuf-wire.ts";
import { assertStillServing, plantBaseline, type Baseline } from "../support/survival.ts";

/**
 * What strings may hold: 10 MB values, NUL and unpaired surrogates (stored lossily as U+FFFD,
 * never breaking the batch), invalid UTF-8 in protobuf, and markup or SQL (stored and returned
 * verbatim, as JSON strings).
 */

let c: TestCollector;
let baseline: Baseline;

before(async () => {
  c = await startTestCollector();
  baseline = await plantBaseline(c);
});
after(() => c.close());

interface ApiSpan {
  spanId: string;
  name: string;
  serviceName: string;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
  status: { code: string; message: string };
  resource: { attributes: Record<string, unknown> };
}

async function readSpans(id: string): Promise<Map<string, ApiSpan>> {
  const res = await get(c.httpUrl, `/api/traces/${id}`);
  assert.equal(res.status, 200, res.body.toString().slice(0, 500));
  assert.equal(res.headers.get("content-type")?.split(";")[0], "application/json");
  return new Map(res.json().spans.map((s: ApiSpan) => [s.spanId, s]));
}

/** A 10 MB (UTF-16 code units) string of everything JSON, COPY and UTF-8 escape differently. */
function tenMegabyteString(): string {
  const pattern = 'plain text \\ backslash "quote" \t tab \n newline \r return \u0001 control é 中文 😀 <tag> & ';
  return pattern.repeat(Math.ceil(10_000_000 / pattern.length)).slice(0, 10_000_000 - 1) + "$";
}

describe("a 10 MB string attribute", () => {
  const big = tenMegabyteString();

  for (const format of ["json", "protobuf"] as const) {
    test(`is accepted over ${format} and read back exactly`, async () => {
      const id = traceId();
      const sid = spanId();
      const request = jsonTraceRequest([jsonSpan({ traceId: id, spanId: sid, name: "big", attributes: [{ key: "big", value: { stringValue: big } }] })]);
      const res =
        format === "json"
          ? await post(c.httpUrl, "/v1/traces", JSON.stringify(request))
          : await post(c.httpUrl, "/v1/traces", jsonRequestToProtobuf(request), { contentType: "application/x-protobuf" });
      assert.equal(res.status, 200, res.body.toString());
      const span = (await readSpans(id)).get(sid)!;
      assert.equal(typeof span.attributes.big, "string");
      const value = span.attributes.big as string;
      assert.equal(value.length, big.length);
      assert.ok(value === big, "the 10 MB value comes back exactly");
      await assertStillServing(c, baseline, `a 10 MB attribute over ${format}`);
    });
  }
});

describe("NUL and unpaired surrogates", () => {
  test("over JSON they are stored as U+FFFD and do not break the batch", async () => {
    const id = traceId();
    const odd = spanId();
    const normal = spanId();
    const request = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "svc\u0000nul" } }] },
          scopeSpans: [
            {
              scope: { name: "scope\ud800" },
              spans: [
                jsonSpan({
                  traceId: id,
                  spanId: odd,
                  name: "name\u0000with nul",
                  attributes: [
                    { key: "high", value: { stringValue: "lone \ud800 high" } },
                    { key: "low", value: { stringValue: "lone \udc00 low" } },
                    { key: "reversed", value: { stringValue: "\udc00\ud800" } },
                    { key: "pair", value: { stringValue: "a real pair 😀 stays" } },
                    { key: "key\u0000nul", value: { stringValue: "nul in the key" } },
                    { key: "list", value: { arrayValue: { values: [{ stringValue: "\u0000" }, { stringValue: "\udfff" }] } } },
                  ],
                  events: [{ timeUnixNano: "1700000000500000000", name: "event\u0000", attributes: [{ key: "e", value: { stringValue: "\ud83d" } }] }],
                  status: { code: 2, message: "status \udbff message" },
                }),
                jsonSpan({ traceId: id, spanId: normal, name: "a normal span" }),
              ],
            },
          ],
        },
      ],
    };
    const res = await post(c.httpUrl, "/v1/traces", JSON.stringify(request));
    assert.equal(res.status, 200, res.body.toString());
    assert.deepEqual(res.json(), {}, "no span rejected");

    const spans = await readSpans(id);
    assert.equal(spans.size, 2, "both spans stored");
    assert.equal(spans.get(normal)!.name, "a normal span");
    const s = spans.get(odd)!;
    assert.equal(s.name, "name\ufffdwith nul");
    assert.equal(s.serviceName, "svc\ufffdnul");
    assert.equal(s.resource.attributes["service.name"], "svc\ufffdnul");
    assert.deepEqual(s.attributes, {
      high: "lone \ufffd high",
      low: "lone \ufffd low",
      reversed: "\ufffd\ufffd",
      pair: "a real pair 😀 stays",
      "key\ufffdnul": "nul in the key",
      list: ["\ufffd", "\ufffd"],
    });
    assert.equal(s.events[0]!.name, "event\ufffd");
    assert.deepEqual(s.events[0]!.attributes, { e: "\ufffd" });
    assert.equal(s.status.message, "status \ufffd message");

    const list = await get(c.httpUrl, `/api/traces?service=${encodeURIComponent("svc\ufffdnul")}`);
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.json().traces.map((t: { traceId: string }) => t.traceId),
      [id],
      "the trace list holds it under the stored service name",
    );
    await assertStillServing(c, baseline, "NUL and lone surrogates over JSON");
  });

  test("over protobuf, NUL and invalid UTF-8 are stored as U+FFFD", async () => {
    const id = traceId();
    const nul = spanId();
    const invalid = spanId();
    const invalidUtf8 = Buffer.concat([Buffer.from("ok "), Buffer.from([0xff]), Buffer.from(" "), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(" end")]);
    const body = traceRequestBytes([
      spanBytes(jsonSpan({ traceId: id, spanId: nul, name: "nul\u0000name", attributes: [{ key: "v", value: { stringValue: "\u0000\u0000" } }] })),
      spanBytes(jsonSpan({ traceId: id, spanId: invalid }), spanNameField(invalidUtf8)),
    ]);
    const res = await post(c.httpUrl, "/v1/traces", body, { contentType: "application/x-protobuf" });
    assert.equal(res.status, 200, res.body.toString());
    assert.equal(res.body.length, 0, "an empty ExportTraceServiceResponse: nothing rejected");

    const spans = await readSpans(id);
    assert.equal(spans.get(nul)!.name, "nul\ufffdname");
    assert.deepEqual(spans.get(nul)!.attributes, { v: "\ufffd\ufffd" });
    const name = spans.get(invalid)!.name;
    assert.match(name, /^ok \ufffd+ \ufffd+ end$/, JSON.stringify(name));
    await assertStillServing(c, baseline, "NUL and invalid UTF-8 over protobuf");
  });
});

describe("markup and SQL in values", () => {
  const hostile = {
    script: '<script>alert("xss")</script>',
    closing: "</script><img src=x onerror=alert(1)>",
    attribute: "'\"><svg onload=alert(document.cookie)>",
    template: "{{constructor.constructor('alert(1)')()}} ${alert(1)}",
    sql: "'); DROP TABLE spans; --",
    entities: "&lt;not decoded&gt; &amp;",
    messages: JSON.stringify([{ role: "user", parts: [{ type: "text", content: "<iframe src=javascript:alert(1)>" }] }]),
  };

  for (const format of ["json", "protobuf"] as const) {
    test(`are stored and returned verbatim as JSON strings (${format})`, async () => {
      const id = traceId();
      const sid = spanId();
      const request = jsonTraceRequest(
        [
          jsonSpan({
            traceId: id,
            spanId: sid,
            name: "<b onmouseover=alert(1)>span</b>",
            attributes: Object.entries(hostile).map(([key, v]) => ({ key, value: { stringValue: v } })),
            events: [{ timeUnixNano: "1700000000500000000", name: "<script>event</script>", attributes: [] }],
          }),
        ],
        { "service.name": "<svc>&amp;" },
      );
      const res =
        format === "json"
          ? await post(c.httpUrl, "/v1/traces", JSON.stringify(request))
          : await post(c.httpUrl, "/v1/traces", jsonRequestToProtobuf(request), { contentType: "application/x-protobuf" });
      assert.equal(res.status, 200, res.body.toString());

      const span = (await readSpans(id)).get(sid)!;
      assert.deepEqual(span.attributes, hostile);
      assert.equal(span.name, "<b onmouseover=alert(1)>span</b>");
      assert.equal(span.events[0]!.name, "<script>event</script>");
      assert.equal(span.serviceName, "<svc>&amp;");

      const stored = await c.pool.query<{ script: string; sql: string }>(
        "SELECT attributes->>'script' AS script, attributes->>'sql' AS sql FROM spans WHERE span_id = decode($1, 'hex')",
        [sid],
      );
      assert.deepEqual(stored.rows, [{ script: hostile.script, sql: hostile.sql }], "stored as sent");
      await assertStillServing(c, baseline, `markup and SQL over ${format}`);
    });
  }
});
