/**
 * The query language over HTTP: 400 errors with a position for the UI to underline, the explain
 * endpoint, invalid regular expressions, statement timeouts, and the parameter rules of each
 * endpoint that takes q=.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { compileQuery } from "../../collector/query/compile-query.ts";
import { queryWithFilter } from "../../collector/query/execute-filtered.ts";
import { PermanentError } from "../../collector/errors.ts";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { get } from "../support/otlp.ts";
import { loadFixture, TRACE } from "./fixture.ts";

let c: TestCollector;

before(async () => {
  c = await startTestCollector();
  await loadFixture(c);
});

after(() => c.close());

async function error(path: string): Promise<{ status: number; message: string; position?: number; length?: number }> {
  const res = await get(c.httpUrl, path);
  assert.equal(res.status, 400, `${path}: ${res.body.toString()}`);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  const body = res.json();
  assert.equal(body.error.status, 400);
  return body.error;
}

const q = (text: string): string => encodeURIComponent(text);

describe("query errors over HTTP", () => {
  test("400 JSON with the message, position and length", async () => {
    assert.deepEqual(await error(`/api/traces?q=${q("trace.errors > 0 and span.durration > 1s")}`), {
      status: 400,
      message: 'unknown field "span.durration" at 21, did you mean "span.duration"?',
      position: 21,
      length: 14,
    });
    assert.deepEqual(await error(`/api/spans?q=${q('span.name == "a')}`), { status: 400, message: "unterminated string starting at 13: close it with \"", position: 13, length: 2 });
  });

  test("a condition the endpoint cannot answer is a 400 naming it", async () => {
    const e = await error(`/api/runs?q=${q('run.experiment == "mnist" and span.name == "x"')}`);
    assert.equal(e.position, 30);
    assert.match(e.message, /span\.name at 30 does not apply to GET \/api\/runs/);
    assert.match((await error(`/api/metrics?q=${q("ai.model == 'x'")}`)).message, /does not apply to GET \/api\/metrics/);
    assert.match((await error(`/api/traces?q=${q("metric.last > 1")}`)).message, /does not apply to GET \/api\/traces/);
  });

  test("an invalid regular expression: PostgreSQL's reason, at the pattern", async () => {
    const e = await error(`/api/traces?q=${q('span.service == "web" and span.name =~ "(unclosed"')}`);
    assert.equal(e.position, 39);
    assert.equal(e.length, 11);
    assert.match(e.message, /^invalid regular expression at 39: parentheses \(\) not balanced$/);
    const second = await error(`/api/runs?q=${q('run.id =~ "ok" or run.name =~ "a{2,1}"')}`);
    assert.equal(second.position, 30, second.message);
  });

  test("q given twice, and the other parameters, are still checked", async () => {
    assert.match((await error(`/api/traces?q=a&q=b`)).message, /q must be given once/);
    assert.match((await error(`/api/metrics`)).message, /give runs=<id,…>, names=<metric,…> and\/or q=<query>/);
    assert.match((await error(`/api/spans?limit=0`)).message, /limit must be an integer from 1 to 1000/);
    assert.match((await error(`/api/spans?cursor=nope`)).message, /cursor is not a cursor this API returned/);
  });

  test("a query running past the statement timeout is stopped and reported as a 400", async () => {
    const filter = compileQuery(`span.name =~ "x"`, "spans");
    await assert.rejects(queryWithFilter(c.pool, filter, "SELECT pg_sleep(2)", [], 100), (err: unknown) => {
      assert.ok(err instanceof PermanentError);
      assert.equal(err.httpStatus, 400);
      assert.match(err.message, /ran longer than 0\.1 s and was stopped/);
      return true;
    });
  });

  test("the statement runs read-only", async () => {
    const filter = compileQuery(`span.name == "x"`, "spans");
    await assert.rejects(queryWithFilter(c.pool, filter, "CREATE TABLE should_not_exist (x int)", []), /read-only transaction/);
  });
});

describe("GET /api/query/explain", () => {
  test("the tree, the condition and the whole statement with its parameters", async () => {
    const res = await get(c.httpUrl, `/api/query/explain?target=traces&q=${q('span.service == "db" and trace.duration > 1s')}`);
    assert.equal(res.status, 200, res.body.toString());
    const body = res.json();
    assert.equal(body.target, "traces");
    assert.equal(body.query, 'span.service == "db" and trace.duration > 1s');
    assert.equal(body.ast.kind, "and");
    assert.deepEqual(body.ast.operands[0].field.text, "span.service");
    assert.equal(body.ast.operands[1].value.nanos, "1000000000");
    assert.match(body.condition.sql, /t\.service_names @> ARRAY\[\$\d::text\]/);
    assert.deepEqual(body.condition.params, ["1000000000", "db", "db"]);
    assert.match(body.sql, /^SELECT encode\(t\.trace_id, 'hex'\)/);
    assert.match(body.sql, /FROM traces t/);
    assert.deepEqual(body.params, ["default", "1000000000", "db", "db", 51]);
    assert.equal(body.plan, undefined);
  });

  test("every target; plan=true adds PostgreSQL's plan", async () => {
    for (const [target, text] of [["spans", 'ai.model == "gpt-4o"'], ["runs", "run.hparams.lr > 0.01"], ["metrics", 'metric.name == "loss"']] as const) {
      const res = await get(c.httpUrl, `/api/query/explain?plan=true&target=${target}&q=${q(text)}`);
      assert.equal(res.status, 200, res.body.toString());
      const body = res.json();
      assert.equal(body.target, target);
      assert.match(body.plan, /Scan/);
    }
    const analyzed = await get(c.httpUrl, `/api/query/explain?plan=analyze&q=${q(`trace.id == "${TRACE.agent}"`)}`);
    assert.match(analyzed.json().plan, /actual time=/);
  });

  test("errors as from the endpoints; an unknown target is refused", async () => {
    assert.equal((await error(`/api/query/explain?target=runs&q=${q("span.name == 'x'")}`)).position, 0);
    assert.match((await error(`/api/query/explain?target=logs&q=x`)).message, /target must be one of traces, spans, runs, metrics/);
  });

  test("an empty query explains as TRUE", async () => {
    const body = (await get(c.httpUrl, `/api/query/explain?target=runs`)).json();
    assert.equal(body.ast, null);
    assert.deepEqual(body.condition, { sql: "TRUE", params: [] });
  });
});
