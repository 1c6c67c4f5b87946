/**
 * The OTLP protocol's own example request (opentelemetry-proto examples/trace.json: uppercase hex
 * ids, nanoseconds as strings, enums as integers) ingests as OTLP/JSON and as OTLP/protobuf and
 * reads back through GET /api/traces/{id}. Expectations are derived from the example file itself.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { get, jsonRequestToProtobuf, post } from "../support/otlp.ts";

const EXAMPLE_TEXT = readFileSync(new URL("./fixtures/otlp-example-trace.json", import.meta.url), "utf8");

interface ExampleKeyValue {
  key: string;
  value: { stringValue?: string };
}
interface ExampleSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: ExampleKeyValue[];
}
interface Example {
  resourceSpans: Array<{
    resource: { attributes: ExampleKeyValue[] };
    scopeSpans: Array<{ scope: { name: string; version: string; attributes: ExampleKeyValue[] }; spans: ExampleSpan[] }>;
  }>;
}

const example = JSON.parse(EXAMPLE_TEXT) as Example;
const resourceSpans = example.resourceSpans[0]!;
const scopeSpans = resourceSpans.scopeSpans[0]!;
const exampleSpan = scopeSpans.spans[0]!;

/** OTLP SpanKind numbers → the API's kind names. */
const OTLP_KIND_NAMES = ["unspecified", "internal", "server", "client", "producer", "consumer"];

/** The example uses only string attributes; the API shows them as a plain object. */
function stringAttributes(list: ExampleKeyValue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, value } of list) {
    assert.equal(typeof value.stringValue, "string", `example attribute ${key} is a string`);
    out[key] = value.stringValue!;
  }
  return out;
}

function expectedSpan(): Record<string, unknown> {
  const start = BigInt(exampleSpan.startTimeUnixNano);
  const end = BigInt(exampleSpan.endTimeUnixNano);
  const resourceAttributes = stringAttributes(resourceSpans.resource.attributes);
  return {
    traceId: exampleSpan.traceId.toLowerCase(),
    spanId: exampleSpan.spanId.toLowerCase(),
    parentSpanId: exampleSpan.parentSpanId.toLowerCase(),
    traceState: "",
    flags: 0,
    name: exampleSpan.name,
    kind: OTLP_KIND_NAMES[exampleSpan.kind],
    startTimeUnixNano: exampleSpan.startTimeUnixNano,
    endTimeUnixNano: exampleSpan.endTimeUnixNano,
    durationNanos: String(end - start),
    status: { code: "unset", message: "" },
    serviceName: resourceAttributes["service.name"],
    attributes: stringAttributes(exampleSpan.attributes),
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    resource: { attributes: resourceAttributes, droppedAttributesCount: 0, schemaUrl: "" },
    scope: {
      name: scopeSpans.scope.name,
      version: scopeSpans.scope.version,
      attributes: stringAttributes(scopeSpans.scope.attributes),
      droppedAttributesCount: 0,
      schemaUrl: "",
    },
  };
}

test("the example is the protocol's: uppercase hex ids, string nanoseconds, enum integers", () => {
  assert.match(exampleSpan.traceId, /^[0-9A-F]{32}$/);
  assert.match(exampleSpan.spanId, /^[0-9A-F]{16}$/);
  assert.notEqual(exampleSpan.traceId, exampleSpan.traceId.toLowerCase());
  assert.equal(typeof exampleSpan.startTimeUnixNano, "string");
  assert.equal(typeof exampleSpan.kind, "number");
});

const ENCODINGS = [
  { name: "OTLP/JSON", contentType: "application/json", gzip: false, body: () => EXAMPLE_TEXT },
  { name: "OTLP/JSON, gzip", contentType: "application/json", gzip: true, body: () => EXAMPLE_TEXT },
  { name: "OTLP/protobuf", contentType: "application/x-protobuf", gzip: false, body: () => jsonRequestToProtobuf(JSON.parse(EXAMPLE_TEXT)) },
];

for (const encoding of ENCODINGS) {
  describe(`the example request as ${encoding.name}`, () => {
    // The example has a fixed trace id, so each encoding gets its own collector and database.
    let c: TestCollector;

    before(async () => {
      c = await startTestCollector();
    });

    after(() => c.close());

    test("is accepted in full (200, no partial success)", async () => {
      const res = await post(c.httpUrl, "/v1/traces", encoding.body(), { contentType: encoding.contentType, gzip: encoding.gzip });
      assert.equal(res.status, 200, res.body.toString());
      if (encoding.contentType === "application/json") assert.deepEqual(res.json(), {});
      else assert.equal(res.body.length, 0, "an empty ExportTraceServiceResponse (no partial_success)");
    });

    test("GET /api/traces/{id} returns the span with lowercase ids and exact nanoseconds", async () => {
      for (const id of [exampleSpan.traceId, exampleSpan.traceId.toLowerCase()]) {
        const res = await get(c.httpUrl, `/api/traces/${id}`);
        assert.equal(res.status, 200, res.body.toString());
        const body = res.json() as { traceId: string; spans: Array<Record<string, unknown>> };
        assert.equal(body.traceId, exampleSpan.traceId.toLowerCase());
        assert.equal(body.spans.length, 1);
        const expected = expectedSpan();
        const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, body.spans[0]![k]]));
        assert.deepEqual(actual, expected);
      }
    });

    test("GET /api/traces lists it; with its parent absent, the span is the trace's root", async () => {
      const res = await get(c.httpUrl, "/api/traces");
      assert.equal(res.status, 200);
      const traces = res.json().traces as Array<Record<string, unknown>>;
      assert.equal(traces.length, 1);
      const start = BigInt(exampleSpan.startTimeUnixNano);
      const t = traces[0]!;
      assert.deepEqual(
        { traceId: t.traceId, rootName: t.rootName, serviceName: t.serviceName, startTimeUnixNano: t.startTimeUnixNano, durationNanos: t.durationNanos, spanCount: t.spanCount, errorCount: t.errorCount },
        {
          traceId: exampleSpan.traceId.toLowerCase(),
          rootName: exampleSpan.name,
          serviceName: stringAttributes(resourceSpans.resource.attributes)["service.name"],
          startTimeUnixNano: String(start),
          durationNanos: String(BigInt(exampleSpan.endTimeUnixNano) - start),
          spanCount: 1,
          errorCount: 0,
        },
      );
    });
  });
}
