/**
 * Plain OpenTelemetry JS logs (@opentelemetry/sdk-logs + the official OTLP/HTTP protobuf log
 * exporter, no Sightline code): records with every severity band, string / map / array / bytes
 * bodies, typed attributes, records emitted inside an active span (linked by trace and span id) and
 * a log event with an eventName come back from GET /api/runs/{runId}/logs field for field.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { trace } from "@opentelemetry/api";
import { SeverityNumber, type LogRecord } from "@opentelemetry/api-logs";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { detectResources, hostDetector, processDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";
import { SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { parseLosslessJson, type LosslessJson } from "../support/lossless-json.ts";
import { get } from "../support/otlp.ts";
import { apiJson, documentedImplicitRunId } from "../support/otlp-signals.ts";

const SERVICE = "sdk-logs-test";
const SECOND = 1_700_000_100;

let c: TestCollector;
let runId: string;
let tracerProvider: NodeTracerProvider;
let loggerProvider: LoggerProvider;

/** What was emitted, and what the API must show for it. */
interface Emitted {
  record: LogRecord;
  expected: {
    timeUnixNano: string;
    severityNumber: number;
    severityText: string;
    body: LosslessJson;
    attributes: { [key: string]: LosslessJson };
    traceId: string;
    spanId: string;
    flags: number;
    eventName: string;
  };
}
const emitted: Emitted[] = [];
let spanIds: { traceId: string; spanId: string; flags: number };

before(async () => {
  c = await startTestCollector();
  const detected = detectResources({ detectors: [hostDetector, processDetector] });
  await detected.waitForAsyncAttributes?.();
  const resource = detected.merge(resourceFromAttributes({ "service.name": SERVICE }));
  runId = documentedImplicitRunId({ "service.name": SERVICE, "host.name": resource.attributes["host.name"] as string, "process.pid": process.pid });

  tracerProvider = new NodeTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${c.httpUrl}/v1/traces` }))] });
  tracerProvider.register();
  loggerProvider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${c.httpUrl}/v1/logs` }) })] });
  const logger = loggerProvider.getLogger("sdk-logs-test-scope", "0.0.1");

  // Integers travel as OTLP ints, other numbers as doubles (the OTLP transformer's rule): the API
  // keeps the distinction, which the lossless parse below sees (ints → bigint).
  const at = (i: number): [number, number] => [SECOND, 123_456_789 + i];
  const plain = (i: number, record: LogRecord, expected: Partial<Emitted["expected"]>): void => {
    const full: LogRecord = { timestamp: at(i), observedTimestamp: at(i + 100), ...record };
    emitted.push({
      record: full,
      expected: {
        timeUnixNano: `${SECOND}${String(123_456_789 + i)}`,
        severityNumber: record.severityNumber ?? 0,
        severityText: record.severityText ?? "",
        body: null,
        attributes: {},
        traceId: "",
        spanId: "",
        flags: 0,
        eventName: "",
        ...expected,
      },
    });
    logger.emit(full);
  };

  plain(
    0,
    { severityNumber: SeverityNumber.INFO, severityText: "INFO", body: "epoch 1 done", attributes: { epoch: 1, loss: 0.25, phases: ["train", "eval"], ok: true } },
    { body: "epoch 1 done", attributes: { epoch: 1n, loss: 0.25, phases: ["train", "eval"], ok: true } },
  );
  plain(
    1,
    { severityNumber: SeverityNumber.WARN, severityText: "WARN", body: { message: "slow step", step: 7, timing: { ms: 1234.5, retried: true } } },
    { body: { message: "slow step", step: 7n, timing: { ms: 1234.5, retried: true } } },
  );
  plain(
    2,
    { severityNumber: SeverityNumber.DEBUG, severityText: "DEBUG", body: new Uint8Array([0, 1, 254, 255]) },
    { body: { $bytes: Buffer.from([0, 1, 254, 255]).toString("base64") } },
  );

  const tracer = trace.getTracer("sdk-logs-test-tracer");
  tracer.startActiveSpan("train step", (span) => {
    const ctx = span.spanContext();
    spanIds = { traceId: ctx.traceId, spanId: ctx.spanId, flags: ctx.traceFlags };
    plain(
      3,
      { severityNumber: SeverityNumber.ERROR, severityText: "ERROR", body: ["nan loss", 3, 2.5, false, { at: "step 3" }], attributes: { "exception.type": "RangeError" } },
      { body: ["nan loss", 3n, 2.5, false, { at: "step 3" }], attributes: { "exception.type": "RangeError" }, ...spanIds },
    );
    plain(
      4,
      { eventName: "gen_ai.user.message", severityNumber: SeverityNumber.INFO, body: { content: "What is 2 + 2?" }, attributes: { "gen_ai.system": "openai" } },
      { eventName: "gen_ai.user.message", body: { content: "What is 2 + 2?" }, attributes: { "gen_ai.system": "openai" }, ...spanIds },
    );
    span.end();
  });
  await loggerProvider.forceFlush();
  await tracerProvider.forceFlush();
});

after(async () => {
  try {
    await loggerProvider?.shutdown();
    await tracerProvider?.shutdown();
  } finally {
    await c.close();
  }
});

async function logsText(query = ""): Promise<{ json: { logs: Array<Record<string, unknown>>; nextCursor: string | null }; lossless: { logs: Array<Record<string, LosslessJson>> } }> {
  const res = await get(c.httpUrl, `/api/runs/${runId}/logs${query}`);
  assert.equal(res.status, 200, res.body.toString());
  const text = res.body.toString("utf8");
  return { json: JSON.parse(text), lossless: parseLosslessJson(text) as { logs: Array<Record<string, LosslessJson>> } };
}

describe("SDK logs through the official OTLP/HTTP protobuf exporter", () => {
  test("the records belong to the implicit run of the SDK resource", async () => {
    const { run } = await apiJson(c, `/api/runs/${runId}`);
    assert.equal(run.implicit, true);
    assert.equal(run.experiment, SERVICE);
    assert.equal(run.logCount, emitted.length);
    assert.equal(run.traceCount, 1, "the span of the same resource is in the same run");
  });

  test("every record comes back in time order with severity, body, attributes, ids, flags and event name", async () => {
    const { json, lossless } = await logsText();
    assert.equal(json.nextCursor, null);
    assert.equal(json.logs.length, emitted.length);
    emitted.forEach(({ expected }, i) => {
      const got = lossless.logs[i]!;
      const comparable = {
        timeUnixNano: got.timeUnixNano,
        severityNumber: Number(got.severityNumber),
        severityText: got.severityText,
        body: got.body,
        attributes: got.attributes,
        traceId: got.traceId,
        spanId: got.spanId,
        flags: Number(got.flags),
        eventName: got.eventName,
      };
      assert.deepEqual(comparable, expected, `record ${i}`);
      assert.equal(json.logs[i]!.runId, runId);
      assert.equal(json.logs[i]!.observedTimeUnixNano, `${SECOND}${String(123_456_789 + i + 100)}`);
    });
  });

  test("records emitted inside the span link to the stored span", async () => {
    const { spans } = await apiJson(c, `/api/traces/${spanIds.traceId}`);
    assert.deepEqual(spans.map((s: { spanId: string; name: string }) => [s.spanId, s.name]), [[spanIds.spanId, "train step"]]);
    assert.notEqual(spanIds.flags & 1, 0, "the span was sampled");
  });

  test("filters: eventName keeps the event, minSeverity the warnings and errors", async () => {
    const events = (await logsText("?eventName=gen_ai.user.message")).json.logs;
    assert.deepEqual(events.map((l) => [l.eventName, l.body]), [["gen_ai.user.message", { content: "What is 2 + 2?" }]]);
    const severe = (await logsText(`?minSeverity=${SeverityNumber.WARN}`)).json.logs;
    assert.deepEqual(severe.map((l) => l.severityText), ["WARN", "ERROR"]);
  });

  test("pages with a cursor, without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { json: { logs: Array<Record<string, unknown>>; nextCursor: string | null } } = await logsText(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      assert.ok(page.json.logs.length <= 2);
      seen.push(...page.json.logs.map((l) => l.timeUnixNano as string));
      cursor = page.json.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, emitted.map((e) => e.expected.timeUnixNano));
  });
});
