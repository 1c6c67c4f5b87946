/**
 * The OTLP protocol's own logs and events examples (opentelemetry-proto examples/logs.json and
 * events.json, copied byte-for-byte into fixtures/) ingest over every transport — OTLP/JSON and
 * OTLP/protobuf over HTTP, with and without gzip, and OTLP/gRPC — and read back through
 * GET /api/runs/{runId}/logs. Every expectation is derived from the example files.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { parseLosslessJson, type LosslessJson } from "../support/lossless-json.ts";
import { get } from "../support/otlp.ts";
import { apiJson, documentedImplicitRunId, expectedApiAttributes, expectedApiValue, exportVia, TRANSPORTS } from "../support/otlp-signals.ts";

type KeyValue = { key: string; value: unknown };
interface ExampleRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  traceId?: string;
  spanId?: string;
  eventName?: string;
  body: unknown;
  attributes: KeyValue[];
}
interface Example {
  resourceLogs: Array<{ resource: { attributes: KeyValue[] }; scopeLogs: Array<{ scope: { name: string; version: string }; logRecords: ExampleRecord[] }> }>;
}

const FILES = ["otlp-example-logs.json", "otlp-example-events.json"].map((name) => {
  const text = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
  return { name, text, example: JSON.parse(text) as Example };
});

const records = FILES.flatMap((f) => f.example.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords)));
const serviceNames = new Set(FILES.map((f) => expectedApiAttributes(f.example.resourceLogs[0]!.resource.attributes)["service.name"] as string));
const serviceName = [...serviceNames][0]!;
const runId = documentedImplicitRunId({ "service.name": serviceName });

function expectedLog(r: ExampleRecord): Record<string, LosslessJson> {
  return {
    runId,
    timeUnixNano: r.timeUnixNano,
    observedTimeUnixNano: r.observedTimeUnixNano,
    severityNumber: BigInt(r.severityNumber),
    severityText: r.severityText,
    body: expectedApiValue(r.body),
    attributes: expectedApiAttributes(r.attributes),
    droppedAttributesCount: 0n,
    flags: 0n,
    traceId: (r.traceId ?? "").toLowerCase(),
    spanId: (r.spanId ?? "").toLowerCase(),
    eventName: r.eventName ?? "",
  };
}

test("the examples are the protocol's: one resource, uppercase hex ids, a kvlist event body, typed attributes", () => {
  assert.equal(serviceNames.size, 1, "both examples come from the same service: one implicit run");
  assert.equal(records.length, 2);
  const [log, event] = records;
  assert.match(log!.traceId!, /^[0-9A-F]{32}$/);
  assert.match(log!.spanId!, /^[0-9A-F]{16}$/);
  assert.equal(event!.eventName, "browser.page_view");
  assert.ok((event!.body as { kvlistValue?: unknown }).kvlistValue, "the event body is a map");
  const types = new Set(log!.attributes.map((a) => Object.keys(a.value as object)[0]));
  assert.deepEqual(types, new Set(["stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue"]));
});

for (const transport of TRANSPORTS) {
  describe(`the logs and events examples over ${transport}`, () => {
    let c: TestCollector;

    before(async () => {
      c = await startTestCollector();
      for (const f of FILES) {
        const outcome = await exportVia(c, transport, "logs", f.text);
        assert.deepEqual(outcome, { accepted: true, status: transport.startsWith("grpc") ? 0 : 200, rejected: 0, message: "" }, f.name);
      }
    });

    after(() => c.close());

    test("both records belong to the service's implicit run", async () => {
      const { run } = await apiJson(c, `/api/runs/${runId}`);
      assert.equal(run.implicit, true);
      assert.equal(run.name, serviceName);
      assert.equal(run.logCount, records.length);
      assert.equal(run.traceCount, 0, "a log's trace id alone makes no trace");
    });

    test("each record reads back with its times, severity, body, typed attributes, ids and event name", async () => {
      const res = await get(c.httpUrl, `/api/runs/${runId}/logs`);
      assert.equal(res.status, 200);
      const { logs } = parseLosslessJson(res.body.toString("utf8")) as { logs: Array<Record<string, LosslessJson>> };
      assert.equal(logs.length, records.length);
      for (const r of records) {
        const got = logs.find((l) => l.eventName === (r.eventName ?? ""));
        assert.ok(got, `record with event name ${JSON.stringify(r.eventName ?? "")}`);
        const { logId, ...rest } = got;
        assert.match(String(logId), /^[0-9a-f]{32}$/);
        assert.deepEqual(rest, expectedLog(r));
      }
    });

    test("eventName and minSeverity select the records", async () => {
      const event = records.find((r) => r.eventName)!;
      const byName = await apiJson(c, `/api/runs/${runId}/logs?eventName=${encodeURIComponent(event.eventName!)}`);
      assert.deepEqual(byName.logs.map((l: { eventName: string }) => l.eventName), [event.eventName]);
      const top = Math.max(...records.map((r) => r.severityNumber));
      const severe = await apiJson(c, `/api/runs/${runId}/logs?minSeverity=${top}`);
      assert.deepEqual(
        severe.logs.map((l: { severityNumber: number }) => l.severityNumber),
        records.filter((r) => r.severityNumber >= top).map((r) => r.severityNumber),
      );
    });
  });
}
