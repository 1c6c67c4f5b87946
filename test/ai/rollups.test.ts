/**
 * AI rollups through OTLP and the API: per trace (LLM calls, tokens, cost, first input, last
 * output), per run, per session (conversations with their traces in order) and per model — kept
 * right when spans arrive out of order, in several requests, and again (retries).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { get, post, spanId, traceId } from "../support/otlp.ts";

let c: TestCollector;
after(() => c.close());

const S = 1_000_000_000n;
const T0 = 1_800_000_000n * S;
const RUN = "support-bot-eval-7";
const SESSION = "conv-42";

type Attr = Record<string, string | number>;

function kv(a: Attr): unknown[] {
  return Object.entries(a).map(([key, v]) => ({ key, value: typeof v === "string" ? { stringValue: v } : Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v } }));
}

function span(trace: string, id: string, name: string, startSec: bigint, attributes: Attr, parent = ""): Record<string, unknown> {
  return { traceId: trace, spanId: id, parentSpanId: parent, name, kind: 3, startTimeUnixNano: String(T0 + startSec * S), endTimeUnixNano: String(T0 + startSec * S + S / 2n), attributes: kv(attributes) };
}

function chat(model: string, question: string, answer: string, input: number, output: number, extra: Attr = {}): Attr {
  return {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "acme",
    "gen_ai.request.model": model,
    "gen_ai.usage.input_tokens": input,
    "gen_ai.usage.output_tokens": output,
    "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: question }] }]),
    "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: answer }], finish_reason: "stop" }]),
    ...extra,
  };
}

async function send(spans: Array<Record<string, unknown>>): Promise<void> {
  const body = { resourceSpans: [{ resource: { attributes: kv({ "service.name": "support-bot", "sightline.run.id": RUN }) }, scopeSpans: [{ scope: { name: "test" }, spans }] }] };
  const res = await post(c.httpUrl, "/v1/traces", JSON.stringify(body));
  assert.equal(res.status, 200, res.body.toString());
  assert.deepEqual(res.json(), {});
}

const a = { trace: traceId(), root: spanId(), first: spanId(), second: spanId(), tool: spanId() };
const b = { trace: traceId(), root: spanId(), call: spanId() };
// Model "acme-large" is in no price table: cost comes only from spans that state it (llm.cost.total, OpenInference).
const CALLS = {
  first: chat("acme-large", "Where is my order?", "Let me look it up.", 100, 20),
  second: chat("acme-large", "Order 17", "It ships tomorrow.", 300, 40, { "llm.cost.total": 0.25 }),
  b: chat("acme-small", "And the refund?", "Refunded.", 50, 5, { "llm.cost.total": 0.125 }),
};

before(async () => {
  c = await startTestCollector();
  // Trace A arrives backwards: the LLM calls first (without the conversation id), the tool, then the agent root that names the conversation.
  await send([span(a.trace, a.second, "chat acme-large", 3n, CALLS.second, a.root)]);
  await send([span(a.trace, a.first, "chat acme-large", 1n, CALLS.first, a.root), span(a.trace, a.tool, "execute_tool lookup", 2n, { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "lookup" }, a.root)]);
  await send([span(a.trace, a.root, "invoke_agent support", 0n, { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "support", "gen_ai.conversation.id": SESSION, "user.id": "dana" })]);
  // A retry of the whole trace changes nothing.
  await send([
    span(a.trace, a.first, "chat acme-large", 1n, CALLS.first, a.root),
    span(a.trace, a.second, "chat acme-large", 3n, CALLS.second, a.root),
    span(a.trace, a.root, "invoke_agent support", 0n, { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "support", "gen_ai.conversation.id": SESSION, "user.id": "dana" }),
  ]);
  // Trace B, later in the same conversation: the session id is on the LLM call itself.
  await send([span(b.trace, b.call, "chat acme-small", 100n, { ...CALLS.b, "gen_ai.conversation.id": SESSION }, b.root), span(b.trace, b.root, "invoke_agent support", 99n, { "gen_ai.operation.name": "invoke_agent", "gen_ai.conversation.id": SESSION })]);
});

describe("AI rollups", () => {
  test("a trace counts its LLM calls, tokens and cost once, and shows the first input and the last output", async () => {
    const { traces } = (await get(c.httpUrl, "/api/traces?limit=10")).json();
    const ta = traces.find((t: { traceId: string }) => t.traceId === a.trace);
    assert.deepEqual(ta.ai, {
      llmCalls: 2,
      inputTokens: 400,
      outputTokens: 60,
      totalTokens: 460,
      costUsd: 0.25,
      firstInput: "Where is my order?",
      lastOutput: "It ships tomorrow.",
      sessionIds: [SESSION],
    });
    assert.equal(ta.spanCount, 4);
  });

  test("each span of the trace view has its canonical ai object", async () => {
    const { spans } = (await get(c.httpUrl, `/api/traces/${a.trace}`)).json();
    const byId = new Map(spans.map((s: { spanId: string }) => [s.spanId, s]));
    const first = byId.get(a.first) as { ai: Record<string, unknown> };
    assert.equal(first.ai.type, "llm");
    assert.equal(first.ai.model, "acme-large");
    assert.deepEqual(first.ai.usage, { inputTokens: 100, outputTokens: 20, totalTokens: 120 });
    assert.deepEqual(first.ai.input, [{ role: "user", parts: [{ type: "text", content: "Where is my order?" }] }]);
    assert.equal((byId.get(a.tool) as { ai: { tool: { name: string } } }).ai.tool.name, "lookup");
    assert.equal((byId.get(a.root) as { ai: { type: string; sessionId: string } }).ai.type, "agent");
  });

  test("the run rolls up every LLM call of its spans", async () => {
    const { run } = (await get(c.httpUrl, `/api/runs/${RUN}`)).json();
    assert.deepEqual(run.ai, { llmCalls: 3, inputTokens: 450, outputTokens: 65, totalTokens: 515, costUsd: 0.375 });
  });

  test("a session lists its traces in order with the conversation's totals, whichever span named it and whenever", async () => {
    const list = (await get(c.httpUrl, "/api/sessions")).json();
    const s = list.sessions.find((x: { sessionId: string }) => x.sessionId === SESSION);
    assert.deepEqual(
      { traceCount: s.traceCount, llmCalls: s.llmCalls, inputTokens: s.inputTokens, outputTokens: s.outputTokens, totalTokens: s.totalTokens, costUsd: s.costUsd, userId: s.userId },
      { traceCount: 2, llmCalls: 3, inputTokens: 450, outputTokens: 65, totalTokens: 515, costUsd: 0.375, userId: "dana" },
    );
    assert.equal(s.firstTimeUnixNano, String(T0));
    const detail = (await get(c.httpUrl, `/api/sessions/${SESSION}`)).json();
    assert.deepEqual(detail.traces.map((t: { traceId: string }) => t.traceId), [a.trace, b.trace]);
    assert.equal(detail.traces[1].ai.firstInput, "And the refund?");
    assert.equal((await get(c.httpUrl, "/api/sessions/no-such-session")).status, 404);
  });

  test("usage and cost per model over a time range", async () => {
    const all = (await get(c.httpUrl, `/api/ai/models?start=${T0}&end=${T0 + 1000n * S}`)).json();
    assert.deepEqual(
      all.models.map((m: Record<string, unknown>) => [m.provider, m.model, m.calls, m.inputTokens, m.outputTokens, m.costUsd, m.unpricedCalls]),
      [
        ["acme", "acme-large", 2, 400, 60, 0.25, 1],
        ["acme", "acme-small", 1, 50, 5, 0.125, 0],
      ],
    );
    const early = (await get(c.httpUrl, `/api/ai/models?start=${T0}&end=${T0 + 50n * S}`)).json();
    assert.deepEqual(early.models.map((m: { model: string; calls: number }) => [m.model, m.calls]), [["acme-large", 2]]);
    assert.equal((await get(c.httpUrl, `/api/ai/models?start=${T0 + 10n}&end=${T0}`)).status, 400);
  });
});
