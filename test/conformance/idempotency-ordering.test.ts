/**
 * Re-sends and out-of-order arrival through the real transports: an exporter retry (the same
 * spans exported again) is stored once and leaves the trace summary unchanged; spans of one
 * trace sent in separate requests, children first and root last, form one trace with the right
 * root, span count and duration.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type HrTime } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { createOfficialExporter, exportOnce, TRANSPORTS, type Transport } from "../support/official-exporters.ts";
import { otlpJsonTextToProtobuf } from "../support/otlp-json-text-to-protobuf.ts";
import { get, jsonSpan, jsonTraceRequest, post, spanId, traceId } from "../support/otlp.ts";
import { expectedTraceSummary, hrTimeToNanos } from "../support/sdk-expectations.ts";

let c: TestCollector;

before(async () => {
  c = await startTestCollector();
});

after(() => c.close());

interface Summary {
  traceId: string;
  rootName: string;
  spanCount: number;
  errorCount: number;
  startTimeUnixNano: string;
  durationNanos: string;
}

async function summaryOf(id: string): Promise<Summary | undefined> {
  const res = await get(c.httpUrl, "/api/traces?limit=1000");
  assert.equal(res.status, 200, res.body.toString());
  return (res.json().traces as Summary[]).find((t) => t.traceId === id);
}

function pickSummary(s: Summary | undefined): Omit<Summary, "traceId"> | undefined {
  return s && { rootName: s.rootName, spanCount: s.spanCount, errorCount: s.errorCount, startTimeUnixNano: s.startTimeUnixNano, durationNanos: s.durationNanos };
}

/** Span rows stored for a trace, counted in Postgres itself (not through the API). */
async function storedSpanRows(id: string): Promise<number> {
  const { rows } = await c.pool.query<{ n: string }>("SELECT count(*) AS n FROM spans WHERE trace_id = decode($1, 'hex')", [id]);
  return Number(rows[0]!.n);
}

async function apiSpanIds(id: string): Promise<string[]> {
  const res = await get(c.httpUrl, `/api/traces/${id}`);
  assert.equal(res.status, 200, res.body.toString());
  return (res.json().spans as Array<{ spanId: string }>).map((s) => s.spanId).sort();
}

function portFor(transport: Transport): number {
  const address = transport === "grpc" ? c.grpcAddress! : new URL(c.httpUrl).host;
  return Number(address.slice(address.lastIndexOf(":") + 1));
}

/**
 * A three-span trace recorded by the SDK (kept in memory, not exported): root → child (ERROR)
 * → grandchild. The child starts 5 ms before the root (clock skew between services), so the
 * earliest span is not the root.
 */
function recordTrace(label: string): { root: ReadableSpan; child: ReadableSpan; grandchild: ReadableSpan; all: ReadableSpan[] } {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ "service.name": "ordering" }), spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer("conformance-ordering");
  const t0 = Math.floor(Date.now() / 1000);
  const at = (ms: number): HrTime => [t0 + Math.floor(ms / 1000), (ms % 1000) * 1_000_000 + 7];
  const root = tracer.startSpan(`${label} root`, { kind: SpanKind.SERVER, startTime: at(10) });
  const rootContext = trace.setSpan(ROOT_CONTEXT, root);
  const child = tracer.startSpan(`${label} child`, { kind: SpanKind.CLIENT, startTime: at(5) }, rootContext);
  const grandchild = tracer.startSpan(`${label} grandchild`, { startTime: at(20) }, trace.setSpan(rootContext, child));
  child.setStatus({ code: SpanStatusCode.ERROR, message: "failed" });
  grandchild.end(at(30));
  child.end(at(40));
  root.end(at(1500));
  const all = memory.getFinishedSpans();
  const byName = (suffix: string): ReadableSpan => all.find((s) => s.name === `${label} ${suffix}`)!;
  return { root: byName("root"), child: byName("child"), grandchild: byName("grandchild"), all };
}

async function exportSucceeds(transport: Transport, spans: ReadableSpan[]): Promise<void> {
  const exporter = createOfficialExporter({ transport, gzip: false, name: transport }, portFor(transport));
  try {
    const result = await exportOnce(exporter, spans);
    assert.equal(result.code, ExportResultCode.SUCCESS, `export failed: ${result.error?.message}`);
  } finally {
    await exporter.shutdown();
  }
}

for (const transport of TRANSPORTS) {
  describe(`through the official ${transport} exporter`, () => {
    test("an exporter retry (the same spans exported twice) is stored once; the summary is unchanged", async () => {
      const t = recordTrace(`retry ${transport}`);
      const id = t.root.spanContext().traceId;
      await exportSucceeds(transport, t.all);
      const first = pickSummary(await summaryOf(id));
      assert.deepEqual(first, expectedTraceSummary(t.all));

      await exportSucceeds(transport, t.all);
      await exportSucceeds(transport, [t.child]);
      assert.deepEqual(pickSummary(await summaryOf(id)), first);
      assert.equal(await storedSpanRows(id), 3);
      assert.deepEqual(await apiSpanIds(id), t.all.map((s) => s.spanContext().spanId).sort());
    });

    test("children first, root last, in separate requests: one trace with the right root, count and duration", async () => {
      const t = recordTrace(`out-of-order ${transport}`);
      const id = t.root.spanContext().traceId;

      await exportSucceeds(transport, [t.grandchild]);
      assert.deepEqual(pickSummary(await summaryOf(id)), expectedPartial([t.grandchild], t.grandchild));

      await exportSucceeds(transport, [t.child]);
      // No parentless span yet: until one arrives, the root is the earliest span (schema.sql, traces).
      assert.deepEqual(pickSummary(await summaryOf(id)), expectedPartial([t.grandchild, t.child], t.child));

      await exportSucceeds(transport, [t.root]);
      const summary = pickSummary(await summaryOf(id));
      assert.deepEqual(summary, expectedTraceSummary(t.all));
      assert.equal(summary!.rootName, t.root.name, "the parentless span is the root though the child started earlier");
      assert.equal(summary!.startTimeUnixNano, String(hrTimeToNanos(t.child.startTime)));
      assert.equal(await storedSpanRows(id), 3);
    });

    test("children and root exported concurrently in separate requests form the same trace", async () => {
      const t = recordTrace(`concurrent ${transport}`);
      const id = t.root.spanContext().traceId;
      await Promise.all([[t.grandchild], [t.child], [t.root], [t.child]].map((spans) => exportSucceeds(transport, spans)));
      assert.deepEqual(pickSummary(await summaryOf(id)), expectedTraceSummary(t.all));
      assert.equal(await storedSpanRows(id), 3);
    });
  });
}

/** The summary of a trace whose spans so far are `spans`, with `root` standing in as its root. */
function expectedPartial(spans: ReadableSpan[], root: ReadableSpan): Omit<Summary, "traceId"> {
  const start = spans.map((s) => hrTimeToNanos(s.startTime)).reduce((a, b) => (a < b ? a : b));
  const end = spans.map((s) => hrTimeToNanos(s.endTime)).reduce((a, b) => (a > b ? a : b));
  return {
    rootName: root.name,
    spanCount: spans.length,
    errorCount: spans.filter((s) => s.status.code === SpanStatusCode.ERROR).length,
    startTimeUnixNano: String(start),
    durationNanos: String(end - start),
  };
}

describe("the same request posted twice, in each encoding", () => {
  const id = traceId();
  const root = spanId();
  const request = jsonTraceRequest([
    jsonSpan({ traceId: id, spanId: root, name: "resent root", startTimeUnixNano: "1700000000000000000", endTimeUnixNano: "1700000000250000000" }),
    jsonSpan({ traceId: id, spanId: spanId(), parentSpanId: root, name: "resent child", startTimeUnixNano: "1700000000100000000", endTimeUnixNano: "1700000000200000000", status: { code: 2 } }),
  ]);
  const text = JSON.stringify(request);
  const expected = { rootName: "resent root", spanCount: 2, errorCount: 1, startTimeUnixNano: "1700000000000000000", durationNanos: "250000000" };

  test("OTLP/JSON twice, then the same spans as OTLP/protobuf and gzip: still two spans", async () => {
    for (const send of [
      () => post(c.httpUrl, "/v1/traces", text),
      () => post(c.httpUrl, "/v1/traces", text),
      () => post(c.httpUrl, "/v1/traces", otlpJsonTextToProtobuf(text), { contentType: "application/x-protobuf" }),
      () => post(c.httpUrl, "/v1/traces", otlpJsonTextToProtobuf(text), { contentType: "application/x-protobuf", gzip: true }),
    ]) {
      const res = await send();
      assert.equal(res.status, 200, res.body.toString());
      assert.deepEqual(pickSummary(await summaryOf(id)), expected);
    }
    assert.equal(await storedSpanRows(id), 2);
  });
});
