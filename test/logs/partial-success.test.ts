/**
 * OTLP partial success and idempotency for /v1/logs and LogsService/Export, over every transport:
 * records with a malformed trace or span id or a time beyond 2262 are dropped and counted in
 * rejectedLogRecords while the valid records of the same request are stored; re-sending a request
 * (over any transport) stores nothing twice, while identical records within one request stay two.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { anyValue, apiJson, exportVia, logsRequest, TRANSPORTS, type Json, type Plain } from "../support/otlp-signals.ts";

const T = 1_700_000_000_000_000_000n;
const TRACE = "5b8efff798038103d269b633813fc60c";
const SPAN = "eee19b7ec3c1b174";

let c: TestCollector;

before(async () => {
  c = await startTestCollector();
});

after(() => c.close());

function record(i: number, fields: Json = {}): Json {
  return { timeUnixNano: String(T + BigInt(i)), severityNumber: 9, severityText: "INFO", body: { stringValue: `record ${i}` }, ...fields };
}

async function logCount(project: string): Promise<number> {
  const { rows } = await c.pool.query<{ n: string }>("SELECT count(*) AS n FROM logs WHERE project = $1", [project]);
  return Number(rows[0]!.n);
}

function request(project: string): Json {
  return logsRequest({ "sightline.project": project, "sightline.run.id": "logs-partial" }, [
    record(0, { traceId: TRACE, spanId: SPAN }),
    record(1, { traceId: TRACE.slice(0, 30), spanId: SPAN }),
    record(2, { traceId: TRACE, spanId: SPAN.slice(0, 10) }),
    record(3, { timeUnixNano: ((1n << 63n) + 1n).toString() }),
    record(4, { body: anyValue({ message: "kept", step: 4n }) }),
  ]);
}

for (const transport of TRANSPORTS) {
  describe(`log records over ${transport}`, () => {
    const project = `logs-${transport.replace(/\W/g, "-")}`;

    test("invalid records are counted with their reasons; valid ones are stored", async () => {
      const outcome = await exportVia(c, transport, "logs", JSON.stringify(request(project)));
      assert.equal(outcome.accepted, true, outcome.message);
      assert.equal(outcome.rejected, 3);
      assert.match(outcome.message, /invalid trace id/);
      assert.match(outcome.message, /invalid span id/);
      assert.match(outcome.message, /2262/);
      const { logs } = await apiJson(c, `/api/runs/logs-partial/logs?project=${project}`);
      assert.deepEqual(
        logs.map((l: { body: unknown; traceId: string; spanId: string }) => [l.body, l.traceId, l.spanId]),
        [
          ["record 0", TRACE, SPAN],
          [{ message: "kept", step: 4 }, "", ""],
        ],
      );
    });

    test("re-sending the same request, over this or another transport, stores nothing twice", async () => {
      const text = JSON.stringify(request(project));
      for (const again of [transport, ...TRANSPORTS.filter((t) => t !== transport).slice(0, 2)]) {
        const outcome = await exportVia(c, again, "logs", text);
        assert.deepEqual([outcome.accepted, outcome.rejected], [true, 3], again);
        assert.equal(await logCount(project), 2, `after re-sending over ${again}`);
      }
      const { run } = await apiJson(c, `/api/runs/logs-partial?project=${project}`);
      assert.equal(run.logCount, 2);
    });
  });
}

test("identical records within one request are two records", async () => {
  const twin = record(7, { attributes: [{ key: "k", value: { stringValue: "v" } }] });
  const body = JSON.stringify(logsRequest({ "sightline.project": "twins", "sightline.run.id": "t" }, [twin, twin]));
  assert.equal((await exportVia(c, "http/json", "logs", body)).rejected, 0);
  assert.equal(await logCount("twins"), 2);
  await exportVia(c, "http/json", "logs", body);
  assert.equal(await logCount("twins"), 2, "and re-sending them adds none");
});

describe("OTLP/JSON records that cannot be read are rejected one by one", () => {
  const deep = (levels: number): Plain => (levels === 0 ? "bottom" : { next: deep(levels - 1) });
  const cases: Array<{ name: string; record: Json }> = [
    { name: "a trace id that is not hex", record: record(1, { traceId: "zz".repeat(16) }) },
    { name: "a severityNumber that is no severity", record: record(2, { severityNumber: "LOUD" }) },
    { name: "a time that is not a number", record: record(3, { timeUnixNano: "yesterday" }) },
    { name: "a body nested 100 levels deep", record: record(4, { body: anyValue(deep(100)) }) },
    { name: "an attribute value of the wrong type", record: record(5, { attributes: [{ key: "k", value: { intValue: "one" } }] }) },
  ];
  for (const kase of cases) {
    test(kase.name, async () => {
      const project = `json-${kase.name.replace(/\W+/g, "-")}`;
      const body = logsRequest({ "sightline.project": project, "sightline.run.id": "j" }, [record(0), kase.record, record(9)]);
      const outcome = await exportVia(c, "http/json", "logs", JSON.stringify(body));
      assert.deepEqual([outcome.accepted, outcome.rejected], [true, 1], outcome.message);
      assert.ok(outcome.message.length > 0);
      const { logs } = await apiJson(c, `/api/runs/j/logs?project=${project}`);
      assert.deepEqual(logs.map((l: { body: string }) => l.body), ["record 0", "record 9"]);
    });
  }
});
