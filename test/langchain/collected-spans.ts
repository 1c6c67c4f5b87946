/**
 * Reading back what an instrumentation sent, through the collector's API (GET /api/traces,
 * GET /api/traces/{id}), and shaping it for assertions: span trees, parsed JSON attributes.
 */
import assert from "node:assert/strict";
import { trace } from "@opentelemetry/api";
import { get } from "../support/otlp.ts";

export interface ApiSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  status: { code: string; message?: string };
  attributes: Record<string, unknown>;
  events: Array<{ name: string; timeUnixNano: string; attributes: Record<string, unknown> }>;
  resource: { attributes: Record<string, unknown> };
  scope: { name: string; version: string };
  /** The canonical AI fields the normalization stage adds (not asserted yet). */
  ai?: Record<string, unknown>;
}

export async function fetchTrace(baseUrl: string, traceId: string): Promise<ApiSpan[]> {
  const res = await get(baseUrl, `/api/traces/${traceId}`);
  assert.equal(res.status, 200, `GET /api/traces/${traceId}: ${res.body.toString()}`);
  return (res.json() as { spans: ApiSpan[] }).spans;
}

/**
 * Runs fn under a root span named `rootName` (an error in fn is left for the spans to tell),
 * flushes the exporter and returns the spans of that trace as the collector has them.
 */
export async function tracedSpans(baseUrl: string, tracerName: string, rootName: string, fn: () => Promise<unknown>, flush: () => Promise<void>): Promise<ApiSpan[]> {
  const traceId = await trace.getTracer(tracerName).startActiveSpan(rootName, async (span) => {
    try {
      await fn();
    } catch {
      // the spans tell
    } finally {
      span.end();
    }
    return span.spanContext().traceId;
  });
  await flush();
  return fetchTrace(baseUrl, traceId);
}

/** Every span the collector holds (this test file's own database), in start order. */
export async function fetchAllSpans(baseUrl: string): Promise<ApiSpan[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await get(baseUrl, `/api/traces?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    assert.equal(res.status, 200);
    const page = res.json() as { traces: Array<{ traceId: string }>; nextCursor: string | null };
    ids.push(...page.traces.map((t) => t.traceId));
    cursor = page.nextCursor;
  } while (cursor);
  const spans = (await Promise.all(ids.map((id) => fetchTrace(baseUrl, id)))).flat();
  return spans.sort(byStart);
}

export function byStart(a: ApiSpan, b: ApiSpan): number {
  const d = BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** A span tree as nested [name, kind, children] for deepEqual: ["invoke_agent x", "internal", [...]]. */
export type Shape = [name: string, kind: string, children: Shape[]];

export function shapeOf(spans: ApiSpan[], root: ApiSpan): Shape {
  const children = spans.filter((s) => s.parentSpanId === root.spanId && s.traceId === root.traceId).sort(byStart);
  return [root.name, root.kind, children.map((c) => shapeOf(spans, c))];
}

/** The span and everything below it, in start order. */
export function subtree(spans: ApiSpan[], root: ApiSpan): ApiSpan[] {
  const out = [root];
  for (const child of spans.filter((s) => s.parentSpanId === root.spanId && s.traceId === root.traceId).sort(byStart)) out.push(...subtree(spans, child));
  return out;
}

export function only(spans: ApiSpan[], predicate: (s: ApiSpan) => boolean, what: string): ApiSpan {
  const found = spans.filter(predicate);
  assert.equal(found.length, 1, `expected exactly one span: ${what}; found ${found.map((s) => s.name).join(", ") || "none"}`);
  return found[0]!;
}

export function named(spans: ApiSpan[], name: string): ApiSpan[] {
  return spans.filter((s) => s.name === name).sort(byStart);
}

/** A JSON string attribute, parsed. */
export function jsonAttr(span: ApiSpan, key: string): unknown {
  const value = span.attributes[key];
  assert.equal(typeof value, "string", `${span.name}: ${key} is a JSON string (got ${JSON.stringify(value)})`);
  return JSON.parse(value as string) as unknown;
}

/** Attribute keys with a prefix, for "nothing of this kind was sent" checks. */
export function keysWith(span: ApiSpan, prefix: string): string[] {
  return Object.keys(span.attributes).filter((k) => k.startsWith(prefix));
}
