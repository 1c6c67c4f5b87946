import { SPAN_KIND_NAMES, STATUS_CODE_NAMES } from "../model/trace.ts";
import type { StoredResource, StoredScope, StoredSpan, StoredTrace } from "../storage/trace-reader.ts";

/**
 * A stored trace → the API's JSON text. Attribute, event and link JSON is embedded exactly as
 * Postgres returns it, so integers keep all 64 bits and doubles keep their decimal point.
 */
export function renderTraceJson(trace: StoredTrace): string {
  const resources = new Map<string, string>();
  for (const [id, r] of trace.resources) resources.set(id, resourceJson(r));
  const scopes = new Map<string, string>();
  for (const [id, s] of trace.scopes) scopes.set(id, scopeJson(s));
  const parts = trace.spans.map((s) => spanJson(trace.traceId, s, resources.get(s.resourceId) ?? EMPTY_RESOURCE, scopes.get(s.scopeId) ?? EMPTY_SCOPE));
  return `{"traceId":"${trace.traceId}","spans":[${parts.join(",")}]}`;
}

const EMPTY_RESOURCE = `{"attributes":{},"droppedAttributesCount":0,"schemaUrl":""}`;
const EMPTY_SCOPE = `{"name":"","version":"","attributes":{},"droppedAttributesCount":0,"schemaUrl":""}`;

function resourceJson(r: StoredResource): string {
  return `{"attributes":${r.attributes},"droppedAttributesCount":${r.droppedAttributesCount},"schemaUrl":${JSON.stringify(r.schemaUrl)}}`;
}

function scopeJson(s: StoredScope): string {
  return `{"name":${JSON.stringify(s.name)},"version":${JSON.stringify(s.version)},"attributes":${s.attributes},"droppedAttributesCount":${s.droppedAttributesCount},"schemaUrl":${JSON.stringify(s.schemaUrl)}}`;
}

function spanJson(traceId: string, s: StoredSpan, resource: string, scope: string): string {
  const duration = BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano);
  return (
    `{"traceId":"${traceId}","spanId":"${s.spanId}","parentSpanId":"${s.parentSpanId}"` +
    `,"traceState":${JSON.stringify(s.traceState)},"flags":${s.flags},"name":${JSON.stringify(s.name)}` +
    `,"kind":"${SPAN_KIND_NAMES[s.kind] ?? String(s.kind)}"` +
    `,"startTimeUnixNano":"${s.startTimeUnixNano}","endTimeUnixNano":"${s.endTimeUnixNano}","durationNanos":"${duration < 0n ? 0n : duration}"` +
    `,"status":{"code":"${STATUS_CODE_NAMES[s.statusCode] ?? String(s.statusCode)}","message":${JSON.stringify(s.statusMessage)}}` +
    `,"serviceName":${JSON.stringify(s.serviceName)},"runId":${JSON.stringify(s.runId)}` +
    `,"attributes":${s.attributes},"droppedAttributesCount":${s.droppedAttributesCount}` +
    `,"events":${s.events},"droppedEventsCount":${s.droppedEventsCount}` +
    `,"links":${s.links},"droppedLinksCount":${s.droppedLinksCount}` +
    `,"resource":${resource},"scope":${scope}` +
    (s.ai === null ? "" : `,"ai":${s.ai}`) +
    "}"
  );
}
