/**
 * The compiler: field resolution, type checking against each endpoint, and the SQL it produces —
 * fixed fragments and placeholders only, every value, attribute key and hparams path a parameter.
 * Pure: no database (results against PostgreSQL are in results.test.ts).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { compileQuery, filterSql } from "../../collector/query/compile-query.ts";
import { QueryError } from "../../collector/query/query-error.ts";
import type { QueryTarget } from "../../collector/query/targets.ts";

const NOW = 1_795_651_200_000_000_000n;
const ALIAS: Record<QueryTarget, string> = { traces: "t", spans: "s", runs: "r", metrics: "m" };

function sql(text: string, target: QueryTarget): { sql: string; params: unknown[] } {
  return filterSql(compileQuery(text, target, { now: NOW }), ALIAS[target]);
}

function fails(text: string, target: QueryTarget, message: RegExp, position?: number, length?: number): void {
  try {
    compileQuery(text, target, { now: NOW });
  } catch (err) {
    assert.ok(err instanceof QueryError, `expected a QueryError, got ${String(err)}`);
    assert.match(err.message, message);
    if (position !== undefined) assert.equal(err.position, position, err.message);
    if (length !== undefined) assert.equal(err.length, length, err.message);
    return;
  }
  assert.fail(`"${text}" compiled for ${target} but should fail with ${message}`);
}

/** Placeholders are numbered in order and each parameter is used (PostgreSQL refuses an untyped unused one). */
function checkPlaceholders(out: { sql: string; params: unknown[] }): void {
  const used = new Set([...out.sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
  for (let i = 1; i <= out.params.length; i++) assert.ok(used.has(i), `$${i} unused in ${out.sql}`);
  assert.ok([...used].every((n) => n >= 1 && n <= out.params.length), `placeholder out of range in ${out.sql}`);
}

describe("query compiler: fields", () => {
  test("unknown fields suggest the closest known one", () => {
    fails(`span.durration > 1s`, "traces", /^unknown field "span\.durration" at 0, did you mean "span\.duration"\?$/, 0, 14);
    fails(`not spam.name == "x"`, "spans", /unknown field "spam\.name" at 4, did you mean "span\.name"\?/, 4, 9);
    fails(`duration > 1s`, "traces", /unknown field "duration" at 0, did you mean "span\.duration" or "trace\.duration"\?/);
    fails(`span.atr.http.route == "/"`, "traces", /did you mean "span\.attr\.http\.route"\?/);
    fails(`run.hparam.lr > 1`, "runs", /did you mean "run\.hparams\.lr"\?/);
    fails(`foo.bar == 1`, "traces", /unknown field "foo\.bar" at 0; fields start with span\., ai\., resource, trace\., run\. or metric\./);
    fails(`span.attributes == 1`, "traces", /span\.attributes at 0 needs a key, as in span\.attributes\["http\.route"\]/);
    fails(`run.hparams > 1`, "runs", /run\.hparams at 0 needs a path, as in run\.hparams\.lr/);
  });

  test("the attribute shorthand and the bracket form are the same condition", () => {
    const a = sql(`span.attr.http.route == "/users"`, "spans");
    const b = sql(`span.attributes["http.route"] == "/users"`, "spans");
    assert.deepEqual(a, b);
    assert.deepEqual(a.params, ['{"http.route":"/users"}']);
    assert.deepEqual(sql(`resource.service.version == "1"`, "spans"), sql(`resource["service.version"] == "1"`, "spans"));
    assert.deepEqual(sql(`resource.attr.service.version == "1"`, "spans"), sql(`resource.attributes["service.version"] == "1"`, "spans"));
  });

  test("fields that do not apply to the endpoint are errors, never ignored", () => {
    fails(`span.name == "x"`, "runs", /^span\.name at 0 does not apply to GET \/api\/runs, which returns runs: span conditions work on \/api\/traces or \/api\/spans$/, 0, 9);
    fails(`run.id == "a" and ai.model == "x"`, "runs", /ai\.model at 18 does not apply to GET \/api\/runs/, 18, 8);
    fails(`trace.duration > 1s`, "metrics", /does not apply to GET \/api\/metrics/);
    fails(`metric.name == "loss"`, "traces", /metric\.name at 0 does not apply to GET \/api\/traces, which returns traces: metric conditions work on \/api\/metrics/);
    fails(`metric.last > 1`, "spans", /does not apply to GET \/api\/spans/);
    fails(`metric.context.subset == "x"`, "runs", /does not apply to GET \/api\/runs/);
    for (const target of ["traces", "spans", "runs", "metrics"] as const) assert.ok(compileQuery(`run.experiment == "a"`, target));
  });
});

describe("query compiler: types", () => {
  test("typed columns refuse the wrong kind of value, with a hint", () => {
    fails(`span.duration > 5`, "spans", /span\.duration compares with a duration such as 250ms or 1\.5s; found the number 5 at 16 \(add a unit: 5ms, 5s\)/, 16, 1);
    fails(`span.name == 5`, "spans", /span\.name compares with a string; found the number 5 at 13/, 13, 1);
    fails(`span.name == checkout`, "spans", /found the word checkout at 13 \(strings need quotes: "checkout"\)/);
    fails(`trace.spans > "5"`, "traces", /trace\.spans compares with a number; found a string/);
    fails(`run.created > "yesterday"`, "runs", /run\.created compares with a time: 2026-11-26T08:00:00Z, "2026-11-26", now - 1h; found a string at 14/);
    fails(`run.archived == "yes"`, "runs", /compares with true or false/);
    fails(`span.id == "xyz"`, "spans", /span\.id compares with 16 hex digits in quotes/);
    fails(`span.attr.x > 1s`, "spans", /plain JSON values, which have no unit/);
    fails(`span.attr.x < true`, "spans", /true and false compare only with == and !=/);
  });

  test("enums: known words only, with suggestions; numbers for span kind and status codes", () => {
    fails(`span.kind == sever`, "spans", /^unknown span\.kind value "sever" at 13, did you mean "server"\?$/, 13, 5);
    fails(`span.status == "failed"`, "spans", /unknown span\.status value "failed" at 15 \(one of unset, ok, error\)/);
    fails(`ai.type == lmm`, "spans", /did you mean "llm"\?/);
    fails(`run.status == done`, "runs", /one of running, finished, failed/);
    assert.deepEqual(sql(`span.kind == SERVER`, "spans").params, ["2"]);
    assert.deepEqual(sql(`span.kind == 2`, "spans").params, ["2"]);
    assert.deepEqual(sql(`span.status in [error, "ok"]`, "spans").params, [["2", "1"]]);
  });

  test("operators a field does not support", () => {
    fails(`span.kind < server`, "spans", /span\.kind is a set of named values; it does not support </, 10, 1);
    fails(`span.duration =~ "1"`, "spans", /span\.duration is a duration, not text; it does not support =~/);
    fails(`trace.spans contains "1"`, "traces", /it does not support contains/);
    fails(`trace.service > "a"`, "traces", /trace\.service is a set of strings .* it does not support >/);
    fails(`run.created in [now]`, "runs", /run\.created is a time; it does not support in/);
    fails(`span.name =~ 5`, "spans", /=~ takes a regular expression in quotes or backticks; found the number 5/);
  });

  test("null: == and != only, never in a list", () => {
    fails(`span.attr.x < null`, "spans", /null works only with == and != \(or write "span\.attributes exists"\)/);
    fails(`ai.model in ["a", null]`, "spans", /null cannot be in a list; test "ai\.model exists" instead/, 18, 4);
    assert.deepEqual(sql(`ai.model == null`, "spans"), { sql: "s.ai_model IS NULL", params: [] });
    assert.deepEqual(sql(`ai.model != null`, "spans"), sql(`ai.model exists`, "spans"));
  });

  test("time literals: ISO, quoted ISO, relative; timestamptz fields get microsecond ISO text", () => {
    assert.deepEqual(sql(`trace.start >= 2026-11-26`, "traces").params, [String(NOW)]);
    assert.deepEqual(sql(`trace.start >= "2026-11-26"`, "traces").params, [String(NOW)]);
    assert.deepEqual(sql(`trace.start >= now - 1h`, "traces").params, [String(NOW - 3_600_000_000_000n)]);
    assert.deepEqual(sql(`run.created < 2026-11-26T00:00:00.123456789Z`, "runs").params, ["2026-11-26T00:00:00.123456Z"]);
    fails(`trace.start > 3000-01-01`, "traces", /out of range for nanosecond times/);
  });

  test("numbers: exact integers, numeric beyond int64, float for double columns", () => {
    assert.match(sql(`trace.spans > 5`, "traces").sql, /t\.span_count > \$1::bigint/);
    assert.match(sql(`trace.spans > 5.5`, "traces").sql, /t\.span_count > \$1::numeric/);
    assert.match(sql(`trace.spans > 99999999999999999999`, "traces").sql, /::numeric/);
    assert.match(sql(`ai.cost > 0.5`, "spans").sql, /s\.ai_cost_usd > \$1::float8 AND s\.ai_cost_usd <> 'NaN'::float8/);
    assert.deepEqual(sql(`span.attr.big == 9223372036854775807`, "spans").params, ['{"big":9223372036854775807}']);
  });

  test("bounded identifiers are bounded as at ingest", () => {
    const long = "s".repeat(150);
    const [param] = sql(`span.service == "${long}"`, "spans").params as string[];
    assert.equal(param!.length, 100);
    assert.match(param!, /^s{67}~[0-9a-f]{32}$/);
  });
});

describe("query compiler: SQL", () => {
  test("names use the left(name, 300) index expression", () => {
    assert.deepEqual(sql(`span.name == "GET /"`, "spans"), { sql: `(left(s.name, 300) = left($1::text, 300) AND s.name = $1::text)`, params: ["GET /"] });
    assert.match(sql(`metric.name in ["loss", "acc"]`, "metrics").sql, /left\(m\.name, 300\) = ANY \(ARRAY\(SELECT left\(q_in, 300\) FROM unnest\(\$1::text\[\]\) AS q_in\)\) AND m\.name = ANY \(\$1::text\[\]\)/);
  });

  test("JSON values: containment for equality, typed comparisons otherwise", () => {
    assert.deepEqual(sql(`span.attr.code == 200`, "spans"), { sql: "s.attributes @> $1::jsonb", params: ['{"code":200}'] });
    assert.deepEqual(sql(`span.attr.code > 200`, "spans"), {
      sql: "(jsonb_typeof((s.attributes -> $1::text)) = 'number' AND (s.attributes -> $1::text) > $2::jsonb)",
      params: ["code", "200"],
    });
    assert.match(sql(`span.attr.route < "m"`, "spans").sql, /= 'string' AND/);
    assert.deepEqual(sql(`run.hparams.optimizer.name == "adam"`, "runs"), { sql: "r.hparams @> $1::jsonb", params: ['{"optimizer":{"name":"adam"}}'] });
    assert.deepEqual(sql(`run.hparams.layers.0 == 64`, "runs"), { sql: "(r.hparams #> $1::text[]) = $2::jsonb", params: [["layers", "0"], "64"] });
    assert.deepEqual(sql(`metric.context.subset == "train"`, "metrics"), { sql: "m.context @> $1::jsonb", params: ['{"subset":"train"}'] });
    assert.match(sql(`span.attr.tags contains "a"`, "spans").sql, /^CASE jsonb_typeof\(\(s\.attributes -> \$1::text\)\) WHEN 'string' THEN \(strpos/);
  });

  test("a trace query: trace conditions on the row, one EXISTS per group of span conditions joined by and", () => {
    const out = sql(`trace.duration > 1s and span.service == "db" and span.attr.db.rows > 10`, "traces");
    assert.equal(
      out.sql,
      "((t.end_time_unix_nano - t.start_time_unix_nano) > $1::bigint AND (t.service_names @> ARRAY[$5::text] AND EXISTS (SELECT 1 FROM spans q_s1 WHERE q_s1.project = t.project AND q_s1.trace_id = t.trace_id AND (q_s1.service_name = $2::text AND (jsonb_typeof((q_s1.attributes -> $3::text)) = 'number' AND (q_s1.attributes -> $3::text) > $4::jsonb)))))",
    );
    assert.deepEqual(out.params, ["1000000000", "db", "db.rows", "10", "db"]);
  });

  test("or splits span groups; not stays inside one span", () => {
    assert.equal((sql(`span.name == "a" or span.name == "b"`, "traces").sql.match(/EXISTS/g) ?? []).length, 2);
    assert.equal((sql(`span.name == "a" and span.name == "b"`, "traces").sql.match(/EXISTS/g) ?? []).length, 1);
    const not = sql(`not span.status == error`, "traces").sql;
    assert.match(not, /^EXISTS \(SELECT 1 FROM spans q_s1 .* AND NOT \(q_s1\.status_code = \$1::integer\)\)$/);
    assert.doesNotMatch(not, /error_count/, "no implied trace condition under not");
    assert.match(sql(`span.status == error`, "traces").sql, /^\(t\.error_count > 0 AND EXISTS/);
  });

  test("a trace condition under or with a span condition stays on the trace row, inside the span's EXISTS when mixed", () => {
    assert.match(sql(`span.name == "a" or trace.errors > 0`, "traces").sql, /^\(EXISTS \(.*\) OR t\.error_count > \$2::bigint\)$/);
    assert.match(sql(`span.name == "a" and (trace.errors > 0 or span.kind == server)`, "traces").sql, /EXISTS \(SELECT 1 FROM spans q_s1 .*\(t\.error_count > \$2::bigint OR q_s1\.kind = \$3::integer\)\)\)$/);
  });

  test("span groups are their own EXISTS, on traces and on spans; not on runs or metrics", () => {
    const two = sql(`{span.service == "db"} and {span.status == error}`, "traces").sql;
    assert.equal(two.match(/EXISTS \(SELECT 1 FROM spans/g)?.length, 2);
    assert.match(sql(`not {span.status == error}`, "traces").sql, /^NOT \(\(t\.error_count > 0 AND EXISTS \(SELECT 1 FROM spans q_s1 .*\)\)\)$/);
    assert.match(sql(`{span.status == error} and span.kind == server`, "spans").sql, /^\(EXISTS \(SELECT 1 FROM traces q_t1 WHERE .* AND \(q_t1\.error_count > 0 AND EXISTS \(SELECT 1 FROM spans q_s2 WHERE q_s2\.project = q_t1\.project AND q_s2\.trace_id = q_t1\.trace_id AND q_s2\.status_code = \$1::integer\)\)\) AND s\.kind = \$2::integer\)$/);
    fails(`{run.id == "a"}`, "runs", /^\{ … \} at 0 \(some span of the trace\) does not apply to GET \/api\/runs: span groups work on \/api\/traces and \/api\/spans$/, 0, 1);
    fails(`metric.name == "x" or {run.id == "a"}`, "metrics", /\{ … \} at 22/);
  });

  test("run conditions on traces go through run_traces; mixed with span conditions, through the span's run", () => {
    assert.match(sql(`run.experiment == "mnist" and run.hparams.lr > 0.01`, "traces").sql, /^EXISTS \(SELECT 1 FROM run_traces q_rt1 JOIN runs q_r2 .* AND \(q_r2\.experiment = \$1::text AND/);
    assert.match(sql(`run.experiment == "mnist" and span.name == "x"`, "traces").sql, /EXISTS \(SELECT 1 FROM spans q_s1 .*EXISTS \(SELECT 1 FROM runs q_r2 WHERE q_r2\.project = q_s1\.project AND q_r2\.run_id = q_s1\.run_id AND q_r2\.experiment = \$1::text\)/);
  });

  test("spans reach their trace and run; series their run", () => {
    assert.match(sql(`trace.duration > 1s and span.kind == server`, "spans").sql, /^\(EXISTS \(SELECT 1 FROM traces q_t1 WHERE q_t1\.project = s\.project AND q_t1\.trace_id = s\.trace_id AND .*\) AND s\.kind = \$2::integer\)$/);
    assert.match(sql(`run.hparams.lr > 0.01 and metric.name == "loss"`, "metrics").sql, /^\(EXISTS \(SELECT 1 FROM runs q_r1 WHERE q_r1\.project = m\.project AND q_r1\.run_id = m\.run_id AND/);
    assert.match(sql(`resource["service.version"] == "2"`, "spans").sql, /^EXISTS \(SELECT 1 FROM resources q_res WHERE q_res\.project = s\.project AND q_res\.resource_id = s\.resource_id AND q_res\.attributes @> \$1::jsonb\)$/);
  });

  test("not is the exact complement: nullable conditions are coalesced", () => {
    assert.equal(sql(`not ai.model == "x"`, "spans").sql, "NOT coalesce(s.ai_model = $1::text, false)");
    assert.equal(sql(`not span.name contains "x"`, "spans").sql, "NOT (strpos(s.name, $1::text) > 0)");
    assert.equal(sql(`ai.model != "x"`, "spans").sql, "s.ai_model <> $1::text", "!= needs the value to exist");
    assert.equal(sql(`ai.model not in []`, "spans").sql, "(s.ai_model IS NOT NULL AND s.ai_model <> ALL ($1::text[]))");
  });

  test("sets: has-element semantics, with GIN-friendly operators", () => {
    assert.equal(sql(`trace.service == "db"`, "traces").sql, "t.service_names @> ARRAY[$1::text]");
    assert.equal(sql(`trace.service != "db"`, "traces").sql, "NOT (t.service_names @> ARRAY[$1::text])");
    assert.equal(sql(`run.tags in ["a", "b"]`, "runs").sql, "coalesce(r.edited_tags, r.tags, '{}'::text[]) && $1::text[]");
    assert.match(sql(`span.events.name =~ "^exc"`, "spans").sql, /^EXISTS \(SELECT 1 FROM unnest\(ARRAY\(SELECT q_ev ->> 'name' FROM jsonb_array_elements/);
  });

  test("nothing from the query text ever reaches the SQL text", () => {
    const hostile = [`'; DROP TABLE canary; --`, `" OR 1=1 --`, `$1)--`, `\\'`, `) OR (1=1`, `pg_sleep(10)`, `💥'"\`;`];
    for (const h of hostile) {
      const key = JSON.stringify(h);
      const queries: Array<[string, QueryTarget]> = [
        [`span.name == ${key}`, "spans"],
        [`span.attributes[${key}] > ${key}`, "spans"],
        [`span.attributes[${key}] =~ ${key}`, "traces"],
        [`resource[${key}] contains ${key}`, "spans"],
        [`run.hparams[${key}].x in [${key}, 1]`, "runs"],
        [`metric.context[${key}] startswith ${key}`, "metrics"],
        [`trace.service endswith ${key} or ai.model not in [${key}]`, "traces"],
      ];
      for (const [q, target] of queries) {
        const out = sql(q, target);
        checkPlaceholders(out);
        assert.ok(!out.sql.includes(h), `query text in SQL: ${out.sql}`);
        for (const frag of ["DROP", "canary", "1=1", "pg_sleep", "💥"]) assert.ok(!out.sql.includes(frag), `${frag} in ${out.sql}`);
        const escaped = JSON.stringify(h).slice(1, -1);
        assert.ok(out.params.some((p) => JSON.stringify(p).includes(JSON.stringify(escaped).slice(1, -1)) || JSON.stringify(p).includes(escaped)), `the value went to the parameters: ${JSON.stringify(out.params)}`);
      }
    }
  });

  test("every placeholder is used, for every operator on every kind of field", () => {
    const queries: Array<[string, QueryTarget]> = [
      [`span.attr.x exists and span.attr.y == null and span.attr.z != 1 and span.attr.w in [1, "a", true] and span.attr.v not in [2]`, "spans"],
      [`span.attr.a =~ "x" and span.attr.b !~ "y" and span.attr.c startswith "p" and span.attr.d not endswith "s" and span.attr.e contains 3 and span.attr.f not contains "q"`, "spans"],
      [`span.name != "a" and span.name < "b" and span.name not in ["c"] and span.name endswith "d" and span.id == "00000000000000ff" and span.parent in ["00000000000000fe"]`, "spans"],
      [`trace.id == "0000000000000000000000000000000a" and trace.session contains "s" and trace.root.name startswith "GET"`, "traces"],
      [`run.hparams.a.b exists and run.hparams.a.0 > 1 and run.tags startswith "x" and run.tags not contains "y" and run.archived == false`, "runs"],
    ];
    for (const [q, target] of queries) checkPlaceholders(sql(q, target));
  });

  test("an empty query compiles to TRUE", () => {
    assert.deepEqual(sql("", "traces"), { sql: "TRUE", params: [] });
  });
});
