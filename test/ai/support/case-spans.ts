import type { SpanEvent } from "../../../collector/model/trace.ts";
import { emptyResource, makeSpan, type FixtureSpan } from "./fixture-spans.ts";
import { plainToAttributes } from "./plain-json-values.ts";

/**
 * Hand-made cases (test/ai/fixtures/cases/**): small JSON files, one era of one dialect each.
 *
 *   { "description": "…", "scope"?: { "name": "ai" }, "resource"?: { <attributes> },
 *     "spans": [ { "label"?, "name", "kind"?, "status"?: { "code", "message" },
 *                  "attributes": { … }, "events"?: [ { "name", "attributes" } ] } ] }
 *
 * Attribute values are plain JSON typed as the JS SDK would send them (plain-json-values.ts).
 */
interface CaseJson {
  description: string;
  scope?: { name: string; version?: string };
  resource?: Record<string, unknown>;
  spans: CaseSpanJson[];
}

interface CaseSpanJson {
  label?: string;
  name: string;
  kind?: number;
  status?: { code: number; message?: string };
  attributes?: Record<string, unknown>;
  events?: Array<{ name: string; attributes?: Record<string, unknown> }>;
}

export function spansFromCase(json: unknown): FixtureSpan[] {
  const c = json as CaseJson;
  if (typeof c.description !== "string" || !Array.isArray(c.spans)) throw new Error("a case needs a description and spans");
  return c.spans.map((s, i) => ({
    label: s.label ?? s.name,
    span: makeSpan({
      spanId: (i + 1).toString(16).padStart(16, "0"),
      name: s.name,
      kind: s.kind ?? 1,
      attributes: plainToAttributes(s.attributes),
      events: (s.events ?? []).map((e, j): SpanEvent => ({ name: e.name, timeUnixNano: BigInt(j), attributes: plainToAttributes(e.attributes), droppedAttributesCount: 0 })),
      status: { code: s.status?.code ?? 0, message: s.status?.message ?? "" },
    }),
    resource: { ...emptyResource(), attributes: plainToAttributes(c.resource) },
    ...(c.scope ? { scope: { name: c.scope.name, version: c.scope.version ?? "", attributes: [], droppedAttributesCount: 0 } } : {}),
  }));
}
