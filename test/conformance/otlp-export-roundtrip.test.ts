/**
 * GET /api/traces/{id}/otlp gives back what came in: OTLP/JSON requests (the protocol's example
 * and a hand-made one with every AnyValue type, dropped counts, trace state, flags, events, links,
 * schema URLs and scope attributes) are POSTed as JSON or protobuf, and the export equals the
 * input after the normalisation documented in test/support/otlp-normalize.ts.
 * The JSON API's stored forms (schema.sql) are checked on the same data.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { parseLosslessJson, type LosslessJson } from "../support/lossless-json.ts";
import { normalizeTraceRequest, type Json } from "../support/otlp-normalize.ts";
import { otlpJsonTextToProtobuf } from "../support/otlp-json-text-to-protobuf.ts";
import { get, post } from "../support/otlp.ts";

const FIXTURES = ["otlp-example-trace.json", "every-value-trace.json"].map((file) => ({
  file,
  text: readFileSync(new URL(`./fixtures/${file}`, import.meta.url), "utf8"),
}));

const EVERY_VALUE = FIXTURES[1]!;
const EVERY_VALUE_TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const ROOT_SPAN_ID = "b7ad6b7169203331";
const CHILD_SPAN_ID = "53995c3f42cd8ad8";

const INGEST_FORMATS = [
  { name: "OTLP/JSON", contentType: "application/json", body: (text: string): string | Uint8Array => text },
  { name: "OTLP/protobuf", contentType: "application/x-protobuf", body: (text: string): string | Uint8Array => otlpJsonTextToProtobuf(text) },
];

function traceIdsOf(text: string): string[] {
  return [...new Set(normalizeTraceRequest(JSON.parse(text)).map((s) => s.span.traceId as string))];
}

async function exportOf(c: TestCollector, traceId: string): Promise<Json> {
  const res = await get(c.httpUrl, `/api/traces/${traceId}/otlp`);
  assert.equal(res.status, 200, res.body.toString());
  return res.json() as Json;
}

test("the hand-made request covers what it claims", () => {
  const spans = normalizeTraceRequest(JSON.parse(EVERY_VALUE.text));
  const kinds = new Set(spans.map((s) => s.span.kind ?? 0));
  assert.deepEqual([...kinds].sort(), [0, 2, 3, 4, 5]);
  const root = spans.find((s) => s.span.spanId === ROOT_SPAN_ID)!;
  const valueTypes = new Set(Object.values(root.span.attributes as Record<string, Record<string, unknown>>).map((v) => Object.keys(v)[0] ?? "empty"));
  assert.deepEqual([...valueTypes].sort(), ["arrayValue", "boolValue", "bytesValue", "doubleValue", "empty", "intValue", "kvlistValue", "stringValue"]);
  for (const field of ["traceState", "flags", "droppedAttributesCount", "droppedEventsCount", "droppedLinksCount", "events", "links", "status"]) {
    assert.ok(root.span[field] !== undefined, `root span sets ${field}`);
  }
  assert.ok(root.resourceSchemaUrl && root.scopeSchemaUrl && root.scope.attributes && root.resource.droppedAttributesCount);
});

for (const format of INGEST_FORMATS) {
  describe(`GET /api/traces/{id}/otlp after ingesting ${format.name}`, () => {
    let c: TestCollector;

    before(async () => {
      c = await startTestCollector();
      for (const fixture of FIXTURES) {
        const res = await post(c.httpUrl, "/v1/traces", format.body(fixture.text), { contentType: format.contentType });
        assert.equal(res.status, 200, `${fixture.file}: ${res.body.toString()}`);
        if (format.contentType === "application/json") assert.deepEqual(res.json(), {}, `${fixture.file}: no partial success`);
        else assert.equal(res.body.length, 0, `${fixture.file}: no partial success`);
      }
    });

    after(() => c.close());

    for (const fixture of FIXTURES) {
      test(`${fixture.file} comes back equal to what went in (normalised)`, async () => {
        const sent = normalizeTraceRequest(JSON.parse(fixture.text));
        for (const traceId of traceIdsOf(fixture.text)) {
          const exported = normalizeTraceRequest(await exportOf(c, traceId));
          assert.deepEqual(exported, sent.filter((s) => s.span.traceId === traceId));
        }
      });
    }

    test("the export is OTLP/JSON as the spec writes it: lowercase hex ids, 64-bit integers as strings, enums as integers", async () => {
      const doc = await exportOf(c, EVERY_VALUE_TRACE_ID);
      let checked = 0;
      walk(doc, (key, value) => {
        if (["traceId", "spanId", "parentSpanId"].includes(key)) {
          assert.match(value as string, /^([0-9a-f]{16}|[0-9a-f]{32})$/, `${key} ${JSON.stringify(value)}`);
          checked++;
        }
        if (["startTimeUnixNano", "endTimeUnixNano", "timeUnixNano", "intValue"].includes(key)) {
          assert.equal(typeof value, "string", `${key} ${JSON.stringify(value)}`);
          checked++;
        }
        if (key === "kind" || key === "code") assert.equal(typeof value, "number", `${key} ${JSON.stringify(value)}`);
      });
      assert.ok(checked > 20, `only ${checked} fields checked`);
    });

    test("intValue 2 and doubleValue 2.0 stay distinct in the export", async () => {
      const doc = (await exportOf(c, EVERY_VALUE_TRACE_ID)) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ spanId: string; attributes: Array<{ key: string; value: Json }> }> }> }> };
      const spans = doc.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
      const attrs = new Map(spans.find((s) => s.spanId === CHILD_SPAN_ID)!.attributes.map((kv) => [kv.key, kv.value]));
      assert.deepEqual(attrs.get("db.rows"), { intValue: "2" });
      assert.deepEqual(attrs.get("db.cost"), { doubleValue: 2 });
      const rootAttrs = new Map(spans.find((s) => s.spanId === ROOT_SPAN_ID)!.attributes.map((kv) => [kv.key, kv.value]));
      assert.deepEqual(rootAttrs.get("int.two"), { intValue: "2" });
      assert.deepEqual(rootAttrs.get("double.two"), { doubleValue: 2 });
      assert.deepEqual(rootAttrs.get("int.min"), { intValue: "-9223372036854775808" });
      assert.deepEqual(rootAttrs.get("int.max"), { intValue: "9223372036854775807" });
      assert.deepEqual(rootAttrs.get("double.nan"), { doubleValue: "NaN" });
      assert.deepEqual(rootAttrs.get("empty"), {});
    });

    test("GET /api/traces/{id} shows the stored forms documented in schema.sql", async () => {
      const res = await get(c.httpUrl, `/api/traces/${EVERY_VALUE_TRACE_ID}`);
      assert.equal(res.status, 200);
      const body = parseLosslessJson(res.body.toString("utf8")) as { spans: Array<{ [key: string]: LosslessJson }> };
      const root = body.spans.find((s) => s.spanId === ROOT_SPAN_ID)!;
      const child = body.spans.find((s) => s.spanId === CHILD_SPAN_ID)!;
      const a = root.attributes as { [key: string]: LosslessJson };
      // Integers: integer JSON numbers, all 64 bits (bigint in the lossless parse).
      assert.equal(a["int.min"], -9223372036854775808n);
      assert.equal(a["int.max"], 9223372036854775807n);
      assert.equal(a["int.as_json_number"], 42n);
      assert.equal(a["int.zero"], 0n);
      // Doubles: always with a decimal point (a JS number in the lossless parse), even when integral.
      assert.equal(a["double.two"], 2);
      assert.equal(a["double.one"], 1);
      assert.equal(a["double.zero"], 0);
      assert.equal(a["double.huge"], 1.5e300);
      assert.equal(a["double.tiny"], 5e-324);
      assert.equal(a["double.max"], 1.7976931348623157e308);
      assert.equal(a["double.as_string"], 3.25);
      assert.deepEqual((child.attributes as { [key: string]: LosslessJson })["db.cost"], 2);
      assert.deepEqual((child.attributes as { [key: string]: LosslessJson })["db.rows"], 2n);
      // Values JSON cannot hold: one-key tagged objects.
      assert.deepEqual(a["double.nan"], { $double: "NaN" });
      assert.deepEqual(a["double.infinity"], { $double: "Infinity" });
      assert.deepEqual(a["double.negative_infinity"], { $double: "-Infinity" });
      assert.deepEqual(a["double.negative_zero"], { $double: "-0" });
      assert.deepEqual(a["bytes"], { $bytes: "AAECAwT/+w==" });
      assert.deepEqual(a["bytes.empty"], { $bytes: "" });
      assert.deepEqual(a["bytes.base64url"], { $bytes: Buffer.from("_-8", "base64url").toString("base64") });
      assert.deepEqual(a["kvlist.like_a_tag"], { $kvlist: { $bytes: "not bytes" } });
      assert.deepEqual(a["kvlist.like_a_double_tag"], { $kvlist: { $double: "NaN" } });
      // Everything else: plain JSON.
      assert.equal(a["string.tricky"], "quote \" backslash \\ newline \n tab \t unicode é ✓ 🎉 <script>alert(1)</script>");
      assert.equal(a["string.empty"], "");
      assert.equal(a["bool.false"], false);
      assert.equal(a["empty"], null);
      assert.equal(a["no.value"], null);
      assert.deepEqual(a["array"], ["a", 1n, 1, true, null, { $bytes: "AQI=" }, [-1n, []], { "in.array": { $double: "NaN" } }]);
      assert.deepEqual(a["array.empty"], []);
      assert.deepEqual(a["kvlist"], { "k.string": "v", "k.int": -9223372036854775808n, "k.double": 1, "k.empty": null, "k.nested": { deep: [false] } });
      assert.deepEqual(a["kvlist.empty"], {});
      // Events and links keep their values typed the same way; ids lowercase.
      const [event] = root.events as Array<{ [key: string]: LosslessJson }>;
      assert.deepEqual(event!.attributes, { "cache.key": { $bytes: "3q2+7w==" }, "cache.shards": [1n, 9223372036854775807n], "cache.info": { hit_ratio: 0.25 } });
      const [link] = root.links as Array<{ [key: string]: LosslessJson }>;
      assert.deepEqual(
        { traceId: link!.traceId, spanId: link!.spanId, traceState: link!.traceState, flags: link!.flags, attributes: link!.attributes, droppedAttributesCount: link!.droppedAttributesCount },
        { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", traceState: "rojo=00f067aa0ba902b7", flags: 769n, attributes: { "link.kind": "follows-from", "link.weight": 1 }, droppedAttributesCount: 1n },
      );
      assert.deepEqual(root.scope, {
        name: "every-value.http",
        version: "3.1.4",
        attributes: { "scope.str": "scoped", "scope.int": -1n, "scope.double": 1.5 },
        droppedAttributesCount: 2n,
        schemaUrl: "https://opentelemetry.io/schemas/1.21.0",
      });
      assert.deepEqual(root.resource, {
        attributes: { "service.name": "every-value-frontend", "resource.int": 7n, "resource.double": 7, "resource.list": ["a", false] },
        droppedAttributesCount: 3n,
        schemaUrl: "https://opentelemetry.io/schemas/1.24.0",
      });
    });
  });
}

/** Calls fn(key, value) for every object property in a JSON tree. */
function walk(node: Json, fn: (key: string, value: Json) => void): void {
  if (Array.isArray(node)) for (const item of node) walk(item, fn);
  else if (node !== null && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      fn(k, v);
      walk(v, fn);
    }
  }
}
