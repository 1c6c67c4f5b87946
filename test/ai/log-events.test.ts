/**
 * GenAI content sent as LOG events (the OTel GenAI event conventions of 1.27–1.36, and the
 * inference-details event), linked to a span by trace and span id and arriving on their own:
 * reading the trace shows them in the span's `ai` object, while what the span itself states wins.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestCollector, type TestCollector } from "../support/collector.ts";
import { get, post, spanId, traceId } from "../support/otlp.ts";

let c: TestCollector;
before(async () => (c = await startTestCollector()));
after(() => c.close());

const str = (v: string) => ({ stringValue: v });
const kvlist = (o: Record<string, unknown>) => ({ kvlistValue: { values: Object.entries(o).map(([key, value]) => ({ key, value })) } });

async function sendSpan(trace: string, id: string, attributes: Array<{ key: string; value: unknown }>): Promise<void> {
  const body = { resourceSpans: [{ resource: { attributes: [{ key: "service.name", value: str("chatbot") }] }, scopeSpans: [{ spans: [{ traceId: trace, spanId: id, name: "chat gpt-4o", kind: 3, startTimeUnixNano: "1000", endTimeUnixNano: "2000", attributes }] }] }] };
  assert.equal((await post(c.httpUrl, "/v1/traces", JSON.stringify(body))).status, 200);
}

async function sendLogs(trace: string, id: string, records: Array<Record<string, unknown>>): Promise<void> {
  const body = { resourceLogs: [{ resource: { attributes: [{ key: "service.name", value: str("chatbot") }] }, scopeLogs: [{ logRecords: records.map((r, i) => ({ timeUnixNano: String(1100 + i), traceId: trace, spanId: id, ...r })) }] }] };
  const res = await post(c.httpUrl, "/v1/logs", JSON.stringify(body));
  assert.equal(res.status, 200, res.body.toString());
}

test("message log events fill the span's messages; the span's own model and usage stay", async () => {
  const trace = traceId();
  const id = spanId();
  // The logs come first: the span is not there yet.
  await sendLogs(trace, id, [
    { eventName: "gen_ai.system.message", body: kvlist({ content: str("Be brief.") }) },
    { eventName: "gen_ai.user.message", body: kvlist({ content: str("<b>Hi</b> <script>alert(1)</script>") }) },
    // Older senders put the event name in an attribute.
    { attributes: [{ key: "event.name", value: str("gen_ai.choice") }], body: kvlist({ index: { intValue: "0" }, finish_reason: str("stop"), message: kvlist({ role: str("assistant"), content: str("Hello!") }) }) },
    { eventName: "app.unrelated", body: str("not a GenAI event") },
  ]);
  await sendSpan(trace, id, [
    { key: "gen_ai.operation.name", value: str("chat") },
    { key: "gen_ai.system", value: str("openai") },
    { key: "gen_ai.request.model", value: str("gpt-4o") },
    { key: "gen_ai.usage.input_tokens", value: { intValue: "12" } },
    { key: "gen_ai.usage.output_tokens", value: { intValue: "3" } },
  ]);
  const [span] = (await get(c.httpUrl, `/api/traces/${trace}`)).json().spans;
  assert.equal(span.ai.type, "llm");
  assert.equal(span.ai.model, "gpt-4o");
  assert.equal(span.ai.provider, "openai");
  assert.deepEqual(span.ai.usage, { inputTokens: 12, outputTokens: 3, totalTokens: 15 });
  assert.deepEqual(
    span.ai.input.map((m: { role: string; parts: Array<{ content: string }> }) => [m.role, m.parts[0]!.content]),
    [
      ["system", "Be brief."],
      ["user", "<b>Hi</b> <script>alert(1)</script>"],
    ],
  );
  assert.equal(span.ai.output[0].role, "assistant");
  assert.equal(span.ai.output[0].parts[0].content, "Hello!");
  // The single-span read of the UI says the same.
  const one = (await get(c.httpUrl, `/api/traces/${trace}/spans/${id}`)).json();
  assert.deepEqual(one.ai.input, span.ai.input);
});

test("what the span states wins over its log events", async () => {
  const trace = traceId();
  const id = spanId();
  await sendSpan(trace, id, [
    { key: "gen_ai.operation.name", value: str("chat") },
    { key: "gen_ai.input.messages", value: str(JSON.stringify([{ role: "user", parts: [{ type: "text", content: "from the span" }] }])) },
  ]);
  await sendLogs(trace, id, [{ eventName: "gen_ai.user.message", body: kvlist({ content: str("from a log event") }) }]);
  const [span] = (await get(c.httpUrl, `/api/traces/${trace}`)).json().spans;
  assert.deepEqual(span.ai.input, [{ role: "user", parts: [{ type: "text", content: "from the span" }] }]);
});

test("a span that is no AI span by itself becomes one through its inference-details log event", async () => {
  const trace = traceId();
  const id = spanId();
  await sendSpan(trace, id, []);
  await sendLogs(trace, id, [
    {
      eventName: "gen_ai.client.inference.operation.details",
      attributes: [
        { key: "gen_ai.operation.name", value: str("chat") },
        { key: "gen_ai.output.messages", value: str(JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: "done" }], finish_reason: "stop" }])) },
      ],
    },
  ]);
  const [span] = (await get(c.httpUrl, `/api/traces/${trace}`)).json().spans;
  assert.equal(span.ai.type, "llm");
  assert.equal(span.ai.output[0].parts[0].content, "done");
});
