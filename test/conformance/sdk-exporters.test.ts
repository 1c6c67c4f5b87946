/**
 * Conformance with the official OpenTelemetry JS OTLP trace exporters (HTTP/JSON, HTTP/protobuf,
 * gRPC; each without and with gzip): a nested trace recorded by the SDK comes back from the JSON
 * API exactly as the SDK recorded it (compared with the SDK's own ReadableSpans).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ExportResultCode } from "@opentelemetry/core";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { parseLosslessJson, type LosslessJson } from "../support/lossless-json.ts";
import { createOfficialExporter, EXPORTER_CASES, type ExporterCase } from "../support/official-exporters.ts";
import { get } from "../support/otlp.ts";
import { comparableApiSpan, expectedApiSpan, expectedTraceSummary } from "../support/sdk-expectations.ts";
import { grpcClientMessages, httpRequestHeads, isGzip, startWireTap, type WireTap } from "../support/wire-tap.ts";
import { sendNestedTrace, type SentTrace } from "./nested-trace-scenario.ts";

let c: TestCollector;

before(async () => {
  c = await startTestCollector();
});

after(() => c.close());

function collectorPort(kase: ExporterCase): number {
  const address = kase.transport === "grpc" ? c.grpcAddress : new URL(c.httpUrl).host;
  assert.ok(address, "the test collector has no gRPC listener");
  return Number(address.slice(address.lastIndexOf(":") + 1));
}

async function apiTrace(traceId: string): Promise<Array<{ [key: string]: LosslessJson }>> {
  const res = await get(c.httpUrl, `/api/traces/${traceId}`);
  assert.equal(res.status, 200, res.body.toString());
  const body = parseLosslessJson(res.body.toString("utf8")) as { traceId: string; spans: Array<{ [key: string]: LosslessJson }> };
  assert.equal(body.traceId, traceId);
  return body.spans;
}

for (const kase of EXPORTER_CASES) {
  describe(`official ${kase.name} exporter`, () => {
    let tap: WireTap;
    let sent: SentTrace;

    before(async () => {
      tap = await startWireTap("127.0.0.1", collectorPort(kase));
      sent = await sendNestedTrace(createOfficialExporter(kase, tap.port));
    });

    after(() => tap.close());

    test("every export call reports SUCCESS", () => {
      assert.ok(sent.results.length >= 1, "the exporter was never called");
      for (const result of sent.results) {
        assert.equal(result.code, ExportResultCode.SUCCESS, `export failed: ${result.error?.message}`);
      }
    });

    test(`the requests went over the wire as ${kase.transport}, ${kase.gzip ? "gzip-compressed" : "uncompressed"}`, () => {
      const wire = Buffer.concat(tap.connections());
      if (kase.transport === "grpc") {
        const messages = grpcClientMessages(wire);
        // One request per export call: nothing needed a retry.
        assert.equal(messages.length, sent.results.length, "gRPC messages on the wire");
        for (const m of messages) {
          assert.equal(m.compressed, kase.gzip, "gRPC compressed flag");
          assert.equal(isGzip(m.body), kase.gzip, "gRPC message body is gzip");
        }
      } else {
        const heads = httpRequestHeads(wire, "POST", "/v1/traces");
        assert.equal(heads.length, sent.results.length, "POST /v1/traces requests on the wire");
        for (const h of heads) {
          assert.equal(h["content-type"], kase.transport === "http/json" ? "application/json" : "application/x-protobuf");
          assert.equal(h["content-encoding"], kase.gzip ? "gzip" : undefined);
        }
      }
    });

    test("GET /api/traces/{id} returns every span exactly as the SDK recorded it", async () => {
      const recorded = sent.spans.filter((s) => s.spanContext().traceId === sent.traceId);
      assert.equal(recorded.length, 3);
      const apiSpans = await apiTrace(sent.traceId);
      assert.deepEqual(
        apiSpans.map((s) => s.spanId).sort(),
        recorded.map((s) => s.spanContext().spanId).sort(),
        "the trace holds exactly the SDK's spans",
      );
      for (const span of recorded) {
        const expected = expectedApiSpan(span);
        const actual = apiSpans.find((s) => s.spanId === span.spanContext().spanId)!;
        assert.deepEqual(comparableApiSpan(actual, expected), expected, `span "${span.name}"`);
      }
    });

    test("the scenario exercises what it claims (guards the expectations above)", () => {
      const byName = new Map(sent.spans.map((s) => [s.name, s]));
      const child = byName.get("charge card")!;
      assert.equal(child.droppedEventsCount, 1);
      assert.equal(child.droppedLinksCount, 1);
      assert.ok(child.events.some((e) => (e.droppedAttributesCount ?? 0) > 0));
      assert.ok(child.links.some((l) => (l.droppedAttributesCount ?? 0) > 0));
      assert.ok(child.links.some((l) => l.context.traceState !== undefined && l.context.isRemote));
      assert.notEqual(byName.get("publish order.created")!.instrumentationScope.name, child.instrumentationScope.name);
      assert.ok(child.events.some((e) => e.name === "exception"), "recordException made an event");
    });

    test("span and link flags keep the W3C flags and the OTLP is-remote bits the exporter sets", async () => {
      const apiSpans = await apiTrace(sent.traceId);
      const child = sent.spans.find((s) => s.name === "charge card")!;
      const apiChild = apiSpans.find((s) => s.spanId === child.spanContext().spanId)!;
      // 0x100: "has is-remote"; 0x200: "is remote" (of the parent for a span, of the context for a link).
      assert.equal(apiChild.flags, BigInt(child.spanContext().traceFlags) | 0x100n);
      const links = apiChild.links as Array<{ spanId: string; flags: bigint }>;
      for (const link of child.links) {
        const apiLink = links.find((l) => l.spanId === link.context.spanId)!;
        assert.equal(apiLink.flags, BigInt(link.context.traceFlags) | 0x100n | (link.context.isRemote ? 0x200n : 0n), `link to ${link.context.spanId}`);
      }
    });

    test("GET /api/traces lists the trace with its root name, span count and error count", async () => {
      const recorded = sent.spans.filter((s) => s.spanContext().traceId === sent.traceId);
      const res = await get(c.httpUrl, "/api/traces?limit=1000");
      assert.equal(res.status, 200);
      const summary = (res.json().traces as Array<Record<string, unknown>>).find((t) => t.traceId === sent.traceId);
      assert.ok(summary, "trace missing from the list");
      const expected = expectedTraceSummary(recorded);
      assert.deepEqual(
        { rootName: summary.rootName, spanCount: summary.spanCount, errorCount: summary.errorCount, startTimeUnixNano: summary.startTimeUnixNano, durationNanos: summary.durationNanos },
        expected,
      );
      assert.equal(expected.errorCount, 1);
      assert.equal(summary.serviceName, "conformance-shop");
    });

    test("the linked-to span is its own trace", async () => {
      const apiSpans = await apiTrace(sent.linkedTraceId);
      assert.equal(apiSpans.length, 1);
      const recorded = sent.spans.find((s) => s.spanContext().traceId === sent.linkedTraceId)!;
      const expected = expectedApiSpan(recorded);
      assert.deepEqual(comparableApiSpan(apiSpans[0]!, expected), expected);
    });
  });
}
