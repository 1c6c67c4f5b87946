/**
 * Query results against a real PostgreSQL, on a fixture where every right answer is known
 * (fixture.ts): each endpoint returns its own kind, span conditions joined by `and` hold on one
 * span, `or` and `not` behave as documented, JSON types decide comparisons, and q= combines with
 * the endpoints' simple parameters by AND.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { get } from "../support/otlp.ts";
import { loadFixture, SPAN, TRACE, TRACE_NAMES, type SpanName, type TraceName } from "./fixture.ts";

let c: TestCollector;

before(async () => {
  c = await startTestCollector();
  await loadFixture(c);
});

after(() => c.close());

async function api(path: string): Promise<Record<string, any>> {
  const res = await get(c.httpUrl, path);
  assert.equal(res.status, 200, `${path}: ${res.body.toString().slice(0, 400)}`);
  return res.json();
}

const byTraceId = new Map<string, string>(Object.entries(TRACE).map(([name, id]) => [id, name]));
const bySpanId = new Map<string, string>(Object.entries(SPAN).map(([name, id]) => [id, name]));

async function traces(q: string, extra = ""): Promise<string[]> {
  const body = await api(`/api/traces?q=${encodeURIComponent(q)}${extra}`);
  return body.traces.map((t: { traceId: string }) => byTraceId.get(t.traceId) ?? t.traceId);
}

async function spans(q: string): Promise<string[]> {
  const body = await api(`/api/spans?q=${encodeURIComponent(q)}`);
  return body.spans.map((s: { spanId: string }) => bySpanId.get(s.spanId) ?? s.spanId);
}

async function runs(q: string): Promise<string[]> {
  const body = await api(`/api/runs?archived=all&limit=1000&q=${encodeURIComponent(q)}`);
  return body.runs.map((r: { runId: string }) => r.runId).sort();
}

async function series(q: string, extra = ""): Promise<string[]> {
  const body = await api(`/api/metrics?q=${encodeURIComponent(q)}${extra}`);
  return body.series.map((s: { series: { runId: string; name: string; context: { subset: string } } }) => `${s.series.runId}/${s.series.name}/${s.series.context.subset}`).sort();
}

/** [query, expected traces, newest first] */
const TRACE_CASES: Array<[string, TraceName[]]> = [
  // service, name, status, duration, time
  [`span.service == "db"`, ["search", "checkout"]],
  [`trace.service == "db"`, ["search", "checkout"]],
  [`not trace.service == "db"`, ["health", "train", "agent", "report"]],
  [`trace.service != "db"`, ["health", "train", "agent", "report"]],
  [`span.name == "SELECT orders"`, ["checkout"]],
  [`span.name in ["SELECT orders", "GET /health"]`, ["health", "checkout"]],
  [`span.status == error`, ["report", "checkout"]],
  [`trace.errors == 0`, ["health", "train", "agent", "search"]],
  [`span.status == ok`, ["health"]],
  [`trace.duration > 1s`, ["train", "agent", "report"]],
  [`trace.duration >= 30ms and trace.duration < 1s`, ["search", "checkout"]],
  [`span.duration > 1s`, ["train", "agent", "report"]],
  [`trace.start >= 2023-11-14T22:13:45Z and trace.start < 2023-11-14T22:14:05Z`, ["agent", "report"]],
  [`span.start >= "2023-11-14T22:13:30.005Z" and span.start < 2023-11-14T22:13:30.006Z`, []],
  [`span.start >= 2023-11-14T22:13:40.005Z and span.start <= 2023-11-14T22:13:40.005Z`, ["search"]],
  [`trace.spans >= 3`, ["agent", "checkout"]],
  [`trace.root.name startswith "GET"`, ["health", "report", "search"]],
  [`trace.root.service == "agent"`, ["agent"]],
  // attributes: types decide
  [`span.attr.http.status_code == 200`, ["search", "checkout"]],
  [`span.attributes["http.status_code"] == "500"`, ["report"]],
  [`span.attr.http.status_code >= 500`, []],
  [`span.attr.http.status_code >= "500"`, ["report"]],
  [`span.attr.http.status_code != 200`, ["report"]],
  [`span.attr.http.status_code in [200, "500"]`, ["report", "search", "checkout"]],
  [`span.attr.ratio == 0.5 and span.attr.ratio < 1 and span.attr.retries == 3.0`, ["checkout"]],
  [`span.attr.big == 9223372036854775807`, ["report"]],
  [`span.attr.big == 9223372036854775806`, []],
  [`span.attr.cache.hit == true`, ["checkout"]],
  [`span.attr.cache.hit == "true"`, []],
  [`span.attr.tags contains "a" and span.attr.tags not contains "z"`, ["checkout"]],
  [`span.attr.http.route contains "ear"`, ["search"]],
  [`span.attr.http.route =~ "^/(search|report)$"`, ["report", "search"]],
  [`span.attr.user.id exists`, ["search"]],
  [`span.attr.user.id == null`, ["health", "train", "agent", "report", "search", "checkout"]],
  [`span.attr.http.route endswith "port" or span.attr.db.rows > 100`, ["report", "search"]],
  // the same span
  [`span.service == "web" and span.attr.db.system == "postgresql"`, []],
  [`span.service == "db" and span.attr.db.rows > 100`, ["search"]],
  [`span.attr.db.rows > 100 or span.attr.user.id == "u1"`, ["search"]],
  [`span.kind == server and span.attr.http.route in ["/search", "/report"]`, ["report", "search"]],
  [`span.name == "SELECT orders" and trace.duration > 100ms`, ["checkout"]],
  [`span.name == "SELECT orders" and (trace.duration > 1s or span.kind == client)`, ["checkout"]],
  [`span.status == error and span.service == "web"`, ["report"]],
  [`span.parent == null and span.name == "SELECT orders"`, []],
  [`span.parent != null and span.service == "billing"`, ["checkout"]],
  [`span.id == "00000000000000C2"`, ["checkout"]],
  [`trace.id == "${TRACE.agent}"`, ["agent"]],
  // not: per span
  [`not span.status == error`, ["health", "train", "agent", "search", "checkout"]],
  [`not span.name =~ "^(GET|POST)"`, ["train", "agent", "search", "checkout"]],
  [`span.name !~ "^(GET|POST)"`, ["train", "agent", "search", "checkout"]],
  [`not (span.service == "db" or span.service == "web")`, ["train", "agent", "checkout"]],
  [`not span.attr.user.id exists and trace.service == "web" and span.kind == server`, ["health", "report", "checkout"]],
  // span groups: each { } is some span of the trace, on its own
  [`{span.service == "db"} and {span.status == error}`, ["checkout"]],
  [`span.service == "db" and span.status == error`, []],
  [`not {span.status == error}`, ["health", "train", "agent", "search"]],
  [`not {span.kind == client}`, ["health", "report"]],
  [`{span.name == "SELECT orders"} or trace.duration > 4s`, ["report", "checkout"]],
  [`{span.service == "web" and {span.service == "billing"}}`, ["checkout"]],
  [`{span.service == "web"} and not {span.service == "db"}`, ["health", "report"]],
  // events, resource, status message
  [`span.events.name == "exception"`, ["checkout"]],
  [`span.events.name exists`, ["checkout"]],
  [`resource["service.version"] == "2.0"`, ["health"]],
  [`resource.service.version == "1.0" and span.kind == client`, ["search", "checkout"]],
  [`span.status.message contains "declined"`, ["checkout"]],
  // AI
  [`ai.model == "gpt-4o"`, ["agent"]],
  [`ai.type == llm and ai.tokens.total > 1000`, ["agent"]],
  [`ai.provider == "openai"`, ["train", "agent"]],
  [`ai.model startswith "gpt-4o"`, ["train", "agent"]],
  [`ai.cost > 0.01`, ["agent"]],
  [`ai.session == "s1" and ai.tool == "search"`, ["agent"]],
  [`ai.agent == "planner"`, ["agent"]],
  [`ai.user == "alice" and ai.tokens.input < 1000`, ["agent"]],
  [`trace.cost > 0.01`, ["agent"]],
  [`trace.tokens >= 15 and trace.tokens < 100`, ["train"]],
  [`trace.llm_calls == 2 and trace.session == "s1"`, ["agent"]],
  [`ai.type exists`, ["train", "agent"]],
  // runs behind traces
  [`run.experiment == "mnist"`, ["train"]],
  [`run.hparams.optimizer.name == "adam" and run.status == finished`, ["train"]],
  [`run.id == "run-a" or span.service == "billing"`, ["train", "checkout"]],
  [`run.experiment == "mnist" and span.name == "chat gpt-4o-mini"`, ["train"]],
  [`run.experiment == "mnist" and span.name == "chat gpt-4o"`, []],
];

describe("GET /api/traces?q=", () => {
  for (const [q, expected] of TRACE_CASES) {
    test(q, async () => assert.deepEqual(await traces(q), expected));
  }

  test("traces = the traces of the matching spans (the rule behind the semantics)", async () => {
    for (const [q] of TRACE_CASES) {
      const body = await api(`/api/spans?limit=1000&q=${encodeURIComponent(q)}`);
      const ofSpans = [...new Set(body.spans.map((s: { traceId: string }) => byTraceId.get(s.traceId)))].sort();
      assert.deepEqual(ofSpans, [...(await traces(q))].sort(), q);
    }
  });

  test("an empty q is no filter", async () => {
    assert.deepEqual(await traces(""), TRACE_NAMES);
    assert.deepEqual(await traces("   "), TRACE_NAMES);
  });

  test("q combines with the simple parameters by AND (at trace level)", async () => {
    assert.deepEqual(await traces(`span.status == error`, "&service=web"), ["report", "checkout"]);
    assert.deepEqual(await traces(`span.status == error`, "&service=billing"), ["checkout"]);
    assert.deepEqual(await traces(`trace.duration > 1s`, "&status=ok"), ["train", "agent"]);
    assert.deepEqual(await traces(`span.service == "db"`, "&attr.http.route=/search"), ["search"]);
    assert.deepEqual(await traces(`trace.spans >= 1`, `&run=run-a`), ["train"]);
    assert.deepEqual(await traces(`trace.spans >= 1`, `&minDuration=1s&maxDuration=4s`), ["train", "agent"]);
  });

  test("pages with a cursor under a query", async () => {
    const first = await api(`/api/traces?limit=2&q=${encodeURIComponent("trace.spans >= 1")}`);
    assert.equal(first.traces.length, 2);
    const second = await api(`/api/traces?limit=10&cursor=${first.nextCursor}&q=${encodeURIComponent("trace.spans >= 1")}`);
    assert.deepEqual([...first.traces, ...second.traces].map((t: { traceId: string }) => byTraceId.get(t.traceId)), TRACE_NAMES);
  });
});

const SPAN_CASES: Array<[string, SpanName[]]> = [
  [`span.service == "db"`, ["s_db", "c_db"]],
  [`ai.type == llm`, ["t_llm", "a_llm2", "a_llm1"]],
  [`ai.cost > 0.001 and trace.service == "agent"`, ["a_llm2", "a_llm1"]],
  [`trace.duration > 4s`, ["r_root"]],
  [`run.experiment == "mnist"`, ["t_llm", "t_root"]],
  [`not ai.model == "gpt-4o" and trace.service == "agent"`, ["a_tool", "a_llm2", "a_root"]],
  [`ai.model != "gpt-4o" and trace.service == "agent"`, ["a_llm2"]],
  [`resource.service.version == "1.0" and span.kind == client`, ["s_db", "c_pay", "c_db"]],
  [`span.parent == null and trace.errors > 0`, ["r_root", "c_root"]],
  [`span.duration < 25ms`, ["h_root", "s_db"]],
  [`{span.status == error} and span.kind == server`, ["r_root", "c_root"]],
  [`span.service == "db" and not {span.attr.user.id exists}`, ["c_db"]],
];

describe("GET /api/spans?q=", () => {
  for (const [q, expected] of SPAN_CASES) {
    test(q, async () => assert.deepEqual(await spans(q), expected));
  }

  test("spans carry their fields, attributes as stored, and the AI fields", async () => {
    const body = await api(`/api/spans?q=${encodeURIComponent(`span.id == "${SPAN.a_llm2}"`)}`);
    assert.deepEqual(body.spans[0], {
      traceId: TRACE.agent,
      spanId: SPAN.a_llm2,
      parentSpanId: SPAN.a_root,
      name: "chat claude-sonnet-4",
      kind: "client",
      startTimeUnixNano: String(1_700_000_041_200_000_000n),
      endTimeUnixNano: String(1_700_000_042_700_000_000n),
      durationNanos: "1500000000",
      status: { code: "unset", message: "" },
      serviceName: "agent",
      runId: body.spans[0].runId,
      attributes: {},
      ai: { type: "llm", model: "claude-sonnet-4", provider: "anthropic", usage: { inputTokens: 2000, outputTokens: 500, totalTokens: 2500 }, costUsd: 0.03, sessionId: "s1", userId: "alice" },
    });
    const big = await get(c.httpUrl, `/api/spans?q=${encodeURIComponent("span.attr.big exists")}`);
    assert.match(big.body.toString(), /"big": ?9223372036854775807/, "64-bit integers exact in the JSON text");
  });

  test("pages newest first with a cursor, with and without q", async () => {
    const all: string[] = [];
    let cursor = "";
    for (let i = 0; i < 10; i++) {
      const body = await api(`/api/spans?limit=4${cursor ? `&cursor=${cursor}` : ""}`);
      all.push(...body.spans.map((s: { spanId: string }) => bySpanId.get(s.spanId)));
      if (!body.nextCursor) break;
      cursor = body.nextCursor;
    }
    assert.deepEqual(all, ["h_root", "t_llm", "t_root", "a_tool", "a_llm2", "a_llm1", "a_root", "r_root", "s_db", "s_root", "c_pay", "c_db", "c_root"]);
  });

  test("start and end bound the span start", async () => {
    const body = await api(`/api/spans?start=${1_700_000_040_000_000_000n}&end=${1_700_000_042_000_000_000n}`);
    assert.deepEqual(body.spans.map((s: { spanId: string }) => bySpanId.get(s.spanId)), ["a_llm2", "a_llm1", "a_root"]);
  });
});

const RUN_CASES: Array<[string, string[]]> = [
  [`run.experiment == "mnist"`, ["run-a", "run-b"]],
  [`run.hparams.lr > 0.005`, ["run-a", "run-c"]],
  [`run.hparams.lr == 0.01`, ["run-a"]],
  [`run.hparams.lr < "1"`, []],
  [`run.hparams.optimizer.name in ["adam", "sgd"]`, ["run-a", "run-b"]],
  [`run.hparams.optimizer.betas.1 == 0.999`, ["run-a"]],
  [`run.hparams.layers.0 == 64`, ["run-a"]],
  [`run.hparams.layers contains 32`, ["run-a"]],
  [`run.hparams.batch_size exists`, ["run-c"]],
  [`run.hparams.batch_size >= 128 and run.hparams["batch_size"] <= 128`, ["run-c"]],
  [`run.hparams.warmup == true`, ["run-a"]],
  [`run.tags contains "gpu"`, ["run-a", "run-c"]],
  [`run.tags == "gpu" and run.status == failed`, ["run-c"]],
  [`not run.tags contains "gpu" and run.experiment == "mnist"`, ["run-b"]],
  [`run.status in [running, failed] and run.experiment in ["mnist", "cifar"]`, ["run-b", "run-c"]],
  [`run.id =~ "^run-[ab]$"`, ["run-a", "run-b"]],
  [`run.experiment == "mnist" and run.created > 2000-01-01 and run.created < now + 1h`, ["run-a", "run-b"]],
  [`run.ended exists and run.implicit == false`, ["run-a", "run-c"]],
];

describe("GET /api/runs?q=", () => {
  for (const [q, expected] of RUN_CASES) {
    test(q, async () => assert.deepEqual(await runs(q), expected));
  }

  test("implicit runs answer too (their experiment is their service)", async () => {
    assert.deepEqual(await runs(`run.implicit == true and run.experiment in ["web", "db"]`).then((r) => r.length), 2, "web (both versions: one identity) and db");
  });

  test("q combines with experiment=, tag=, status=", async () => {
    const body = await api(`/api/runs?experiment=mnist&tag=gpu&q=${encodeURIComponent("run.hparams.lr > 0.001")}`);
    assert.deepEqual(body.runs.map((r: { runId: string }) => r.runId), ["run-a"]);
    assert.equal(body.total, 1);
  });
});

const SERIES_CASES: Array<[string, string[]]> = [
  [`metric.name == "loss"`, ["run-a/loss/train", "run-a/loss/val", "run-b/loss/train", "run-c/loss/train"]],
  [`metric.name == "loss" and metric.context.subset == "val"`, ["run-a/loss/val"]],
  [`run.experiment == "mnist" and metric.name == "loss" and metric.context.subset == "train"`, ["run-a/loss/train", "run-b/loss/train"]],
  [`metric.last < 0.5`, ["run-a/loss/train", "run-c/loss/train"]],
  [`metric.name == "accuracy" and metric.max > 0.95`, ["run-c/accuracy/train"]],
  [`metric.min <= 0.2 and metric.name != "loss"`, ["run-c/accuracy/train"]],
  [`metric.steps == 3 and metric.last_step == 2 and run.id == "run-b"`, ["run-b/loss/train"]],
  [`run.hparams.lr >= 0.01 and metric.name == "accuracy"`, ["run-a/accuracy/train", "run-c/accuracy/train"]],
  [`metric.context.subset != "train"`, ["run-a/loss/val"]],
  [`metric.kind == gauge and metric.name =~ "^acc"`, ["run-a/accuracy/train", "run-c/accuracy/train"]],
];

describe("GET /api/metrics?q=", () => {
  for (const [q, expected] of SERIES_CASES) {
    test(q, async () => assert.deepEqual(await series(q), expected));
  }

  test("q combines with runs=, names= and context=", async () => {
    assert.deepEqual(await series(`run.hparams.lr > 0.005`, "&names=loss"), ["run-a/loss/train", "run-a/loss/val", "run-c/loss/train"]);
    assert.deepEqual(await series(`metric.name == "loss"`, "&runs=run-b,run-c"), ["run-b/loss/train", "run-c/loss/train"]);
    assert.deepEqual(await series(`run.experiment == "mnist"`, `&context=${encodeURIComponent('{"subset":"val"}')}`), ["run-a/loss/val"]);
  });

  test("series come with their points", async () => {
    const body = await api(`/api/metrics?q=${encodeURIComponent(`run.id == "run-c" and metric.name == "accuracy"`)}`);
    assert.deepEqual(body.series[0].points.value, [0.2, 0.95, 0.99]);
  });
});
