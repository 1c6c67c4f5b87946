import { Run } from "../../instrumentation/run.ts";
import { post } from "./otlp.ts";

/**
 * What the browser tests and screenshots look at: a small shop trace (services, an error, typed
 * attributes, events, an LLM call), a hostile trace (HTML and script in every text field), and
 * experiment runs with metrics, a distribution and logs, sent through the real Run API.
 */

type OtlpValue = Record<string, unknown>;

/** A double whose value is integral (2.0): JavaScript numbers cannot say so themselves. */
export class Double {
  constructor(readonly value: number) {}
}

export function otlpValue(v: unknown): OtlpValue {
  if (v instanceof Double) return { doubleValue: v.value };
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (typeof v === "bigint") return { intValue: String(v) };
  if (typeof v === "number") return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(otlpValue) } };
  if (v && typeof v === "object") return { kvlistValue: { values: otlpAttributes(v as Record<string, unknown>) } };
  return {};
}

export function otlpAttributes(attrs: Record<string, unknown>): Array<{ key: string; value: OtlpValue }> {
  return Object.entries(attrs).map(([key, value]) => ({ key, value: otlpValue(value) }));
}

export interface FixtureSpan {
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  /** Milliseconds after the trace start. */
  startMs: number;
  durationMs: number;
  kind?: number;
  attributes?: Record<string, unknown>;
  error?: string;
  events?: Array<{ name: string; atMs: number; attributes?: Record<string, unknown> }>;
}

/** One OTLP/JSON request: spans grouped by service into resources. */
export function traceRequest(traceId: string, startMs: number, spans: FixtureSpan[], extraResource: Record<string, unknown> = {}): Record<string, unknown> {
  const ns = (ms: number): string => (BigInt(Math.round((startMs + ms) * 1000)) * 1000n).toString();
  const services = [...new Set(spans.map((s) => s.service))];
  return {
    resourceSpans: services.map((service) => ({
      resource: { attributes: otlpAttributes({ "service.name": service, "host.name": "test-host", ...extraResource }) },
      scopeSpans: [
        {
          scope: { name: "@sightline/test-fixtures", version: "1.0.0" },
          spans: spans
            .filter((s) => s.service === service)
            .map((s) => ({
              traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? "",
              name: s.name,
              kind: s.kind ?? 1,
              startTimeUnixNano: ns(s.startMs),
              endTimeUnixNano: ns(s.startMs + s.durationMs),
              attributes: otlpAttributes(s.attributes ?? {}),
              events: (s.events ?? []).map((e) => ({ name: e.name, timeUnixNano: ns(e.atMs), attributes: otlpAttributes(e.attributes ?? {}) })),
              status: s.error ? { code: 2, message: s.error } : { code: 0 },
            })),
        },
      ],
    })),
  };
}

export const SHOP_TRACE_ID = "5b8efff798038103d269b633813fc60c";

export function shopTrace(startMs = Date.now() - 60_000): Record<string, unknown> {
  return traceRequest(SHOP_TRACE_ID, startMs, [
    {
      spanId: "eee19b7ec3c1b174",
      name: "POST /checkout",
      service: "web",
      kind: 2,
      startMs: 0,
      durationMs: 480,
      attributes: {
        "http.route": "/checkout",
        "http.status_code": 502,
        "app.cart.ratio": 0.5,
        "app.cart.whole": new Double(2),
        "app.cached": false,
        "app.items": ["book", "pen"],
        "app.order": { id: "A-17", total: 12.5 },
        "app.big": 9007199254740993n,
      },
    },
    { spanId: "a000000000000001", parentSpanId: "eee19b7ec3c1b174", name: "auth.verify", service: "web", startMs: 5, durationMs: 30 },
    {
      spanId: "a000000000000002",
      parentSpanId: "eee19b7ec3c1b174",
      name: "SELECT orders",
      service: "db",
      kind: 3,
      startMs: 40,
      durationMs: 80,
      attributes: { "db.system": "postgresql", "db.statement": "SELECT * FROM orders WHERE user_id = $1" },
    },
    {
      spanId: "a000000000000003",
      parentSpanId: "eee19b7ec3c1b174",
      name: "charge card",
      service: "payments",
      kind: 3,
      startMs: 130,
      durationMs: 300,
      error: "card declined",
      events: [{ name: "exception", atMs: 420, attributes: { "exception.type": "CardDeclined", "exception.message": "insufficient funds" } }],
    },
    { spanId: "a000000000000004", parentSpanId: "a000000000000003", name: "fraud check", service: "payments", startMs: 140, durationMs: 60 },
    {
      spanId: "a000000000000005",
      parentSpanId: "a000000000000003",
      name: "chat gpt-4o",
      service: "payments",
      kind: 3,
      startMs: 210,
      durationMs: 200,
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.system": "openai",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.response.model": "gpt-4o-2024-08-06",
        "gen_ai.usage.input_tokens": 120,
        "gen_ai.usage.output_tokens": 40,
        "gen_ai.input.messages": JSON.stringify([
          { role: "system", parts: [{ type: "text", content: "You explain payment failures." }] },
          { role: "user", parts: [{ type: "text", content: "Why was the card declined?" }] },
        ]),
        "gen_ai.output.messages": JSON.stringify([
          { role: "assistant", parts: [{ type: "text", content: "The issuer reported insufficient funds." }], finish_reason: "stop" },
        ]),
      },
    },
  ]);
}

export const XSS_TRACE_ID = "0badc0de0badc0de0badc0de0badc0de";
export const XSS_SCRIPT = `<script>window.__xss = 1; alert("xss-script")</script>`;
export const XSS_IMG = `<img src=x onerror="window.__xss = 2; alert('xss-img')">`;

/** Every text a span has, made of HTML that would run if anything rendered it as HTML. */
export function xssTrace(startMs = Date.now() - 30_000): Record<string, unknown> {
  const messages = JSON.stringify([
    { role: "user", parts: [{ type: "text", content: `Summarize ${XSS_SCRIPT}` }] },
    { role: "assistant", parts: [{ type: "text", content: `Sure ${XSS_IMG}` }, { type: "tool_call", id: "call_1", name: "<b>search</b>", arguments: { q: XSS_IMG } }] },
  ]);
  return traceRequest(
    XSS_TRACE_ID,
    startMs,
    [
      {
        spanId: "b000000000000001",
        name: `agent ${XSS_IMG}`,
        service: `svc ${XSS_SCRIPT}`,
        startMs: 0,
        durationMs: 100,
        attributes: { [`key ${XSS_IMG}`]: XSS_SCRIPT },
      },
      {
        spanId: "b000000000000002",
        parentSpanId: "b000000000000001",
        name: `chat ${XSS_SCRIPT}`,
        service: `svc ${XSS_SCRIPT}`,
        startMs: 10,
        durationMs: 80,
        attributes: {
          "gen_ai.operation.name": "chat",
          "gen_ai.request.model": `gpt-4o ${XSS_IMG}`,
          "gen_ai.input.messages": messages,
          "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: XSS_SCRIPT + XSS_IMG }] }]),
          "gen_ai.prompt.0.role": "user",
          "gen_ai.prompt.0.content": XSS_IMG,
          "input.value": XSS_SCRIPT,
          "llm.input_messages.0.message.role": "user",
          "llm.input_messages.0.message.content": XSS_IMG,
        },
        events: [{ name: XSS_IMG, atMs: 20, attributes: { "gen_ai.prompt": XSS_SCRIPT } }],
      },
    ],
    { "deployment.environment": XSS_IMG },
  );
}

export async function sendTrace(baseUrl: string, request: Record<string, unknown>): Promise<void> {
  const res = await post(baseUrl, "/v1/traces", JSON.stringify(request));
  if (res.status !== 200) throw new Error(`ingest failed: ${res.status} ${res.body.toString()}`);
}

export interface FixtureRun {
  runId: string;
  name: string;
  lr: number;
}

/** Three runs of one experiment (lr 0.1, 0.01, 0.001) with loss (train and val), accuracy, a distribution, logs. */
export async function sendRuns(baseUrl: string, experiment = "mnist"): Promise<FixtureRun[]> {
  const specs = [
    { name: "lr-0.1", lr: 0.1, batch: 32 },
    { name: "lr-0.01", lr: 0.01, batch: 64 },
    { name: "lr-0.001", lr: 0.001, batch: 128 },
  ];
  const out: FixtureRun[] = [];
  for (const [i, s] of specs.entries()) {
    const run = new Run({
      experiment,
      name: s.name,
      hparams: { lr: s.lr, batch: s.batch, optimizer: { name: i === 0 ? "sgd" : "adam", momentum: 0.9 } },
      tags: i === 0 ? ["baseline"] : ["sweep"],
      endpoint: baseUrl,
      serviceName: "trainer",
      flushIntervalMs: 50,
    });
    const t0 = Date.now() - 600_000 + i * 1000;
    for (let step = 0; step < 60; step++) {
      const loss = 2.3 * Math.exp(-step * s.lr * 2) + 0.05 * Math.sin(step) + 0.1;
      run.track(loss, { name: "loss", step, epoch: Math.floor(step / 20), context: { subset: "train" }, time: t0 + step * 1000 });
      if (step % 5 === 0) run.track(loss * 1.1, { name: "loss", step, epoch: Math.floor(step / 20), context: { subset: "val" }, time: t0 + step * 1000 });
      run.track(1 - loss / 3, { name: "accuracy", step, context: { subset: "train" }, time: t0 + step * 1000 });
    }
    for (let step = 0; step < 60; step += 10) {
      const values = Array.from({ length: 500 }, (_, k) => Math.sin(k * 7.3 + step) * (1 - step / 120));
      run.trackDistribution(values, { name: "weights", step, context: { layer: "dense_1" }, bins: 24 });
    }
    run.log.info(`training ${s.name} started`);
    run.log.warn("learning rate warmup skipped");
    await run.close();
    out.push({ runId: run.runId, name: s.name, lr: s.lr });
  }
  return out;
}
