import type pg from "pg";
import { KvList, type Attributes } from "../model/any-value.ts";
import type { InstrumentationScope, Resource, Span, SpanEvent } from "../model/trace.ts";
import type { AiFields } from "../normalize/ai/ai-fields.ts";
import { mergeFirstWins } from "../normalize/ai/merge-fields.ts";
import { normalizeAi } from "../normalize/ai/normalize-ai.ts";
import { aiJson } from "./ai-columns.ts";
import { storedTraceToModel } from "./stored-trace.ts";
import { parseJsonTree, treeToAttributes, treeToValue } from "./stored-json.ts";
import type { StoredTrace } from "./trace-reader.ts";

/**
 * The OTel GenAI conventions have also carried message content as LOG events (gen_ai.user.message,
 * gen_ai.choice, gen_ai.client.inference.operation.details …) linked to their span by trace and span
 * id, arriving apart from the span. When a trace is read, such events are read as the span's own
 * events and the span's `ai` object gains what they say; what the span itself said wins.
 */
export async function addAiFromLogEvents(pool: pg.Pool, project: string, trace: StoredTrace): Promise<void> {
  const spanIds = trace.spans.length === 1 ? [Buffer.from(trace.spans[0]!.spanId, "hex")] : null;
  const { rows } = await pool.query<{ span_id: string; name: string; time: string; attributes: string; body: string }>(
    `SELECT encode(span_id, 'hex') AS span_id, coalesce(nullif(event_name, ''), attributes ->> 'event.name') AS name,
            sort_time_unix_nano AS time, attributes::text AS attributes, body::text AS body
       FROM logs
      WHERE project = $1 AND trace_id = $2 AND span_id IS NOT NULL ${spanIds ? "AND span_id = ANY ($3::bytea[])" : ""}
        AND (event_name LIKE 'gen\\_ai.%' OR attributes ->> 'event.name' LIKE 'gen\\_ai.%')
      ORDER BY sort_time_unix_nano, log_id`,
    spanIds ? [project, Buffer.from(trace.traceId, "hex"), spanIds] : [project, Buffer.from(trace.traceId, "hex")],
  );
  if (rows.length === 0) return;
  const events = new Map<string, SpanEvent[]>();
  for (const r of rows) {
    let list = events.get(r.span_id);
    if (!list) events.set(r.span_id, (list = []));
    list.push({ timeUnixNano: BigInt(r.time), name: r.name, attributes: eventAttributes(r.attributes, r.body), droppedAttributesCount: 0 });
  }
  const model = new Map<string, { span: Span; resource: Resource; scope: InstrumentationScope }>();
  for (const rs of storedTraceToModel(trace).resourceSpans) {
    for (const ss of rs.scopeSpans) for (const span of ss.spans) if (events.has(span.spanId)) model.set(span.spanId, { span, resource: rs.resource, scope: ss.scope });
  }
  for (const stored of trace.spans) {
    const found = model.get(stored.spanId);
    if (!found) continue;
    const fromEvents = normalizeAi({ ...found.span, events: [...found.span.events, ...events.get(stored.spanId)!] }, found.resource, { scope: found.scope, priceTable: null });
    if (!fromEvents) continue;
    const merged: AiFields = stored.ai === null ? {} : (JSON.parse(stored.ai) as AiFields);
    if (mergeFirstWins(merged, fromEvents)) stored.ai = aiJson(merged);
  }
}

/** A log event's attributes and, spread out, its body's fields (the event conventions put message fields in the body). */
function eventAttributes(attributesJson: string, bodyJson: string): Attributes {
  const attributes = treeToAttributes(parseJsonTree(attributesJson));
  const body = treeToValue(parseJsonTree(bodyJson));
  if (body instanceof KvList) return [...attributes, ...body.values];
  if (body === null) return attributes;
  return [...attributes, { key: "content", value: body }];
}
