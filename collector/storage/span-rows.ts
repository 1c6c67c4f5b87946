import { createHash } from "node:crypto";
import type { InstrumentationScope, Span } from "../model/trace.ts";
import { copyHexBytes, copyJson, copyText } from "./copy-text.ts";
import { attributesJson, jsonString } from "./stored-json.ts";
import type { NormalizedTraceBatch } from "./trace-records.ts";

/** Model → rows (the ToRow half of the storage seam): COPY text for spans, parameters for resources and scopes. */

export const SPAN_COLUMNS = [
  "project",
  "trace_id",
  "span_id",
  "parent_span_id",
  "trace_state",
  "flags",
  "name",
  "kind",
  "start_time_unix_nano",
  "end_time_unix_nano",
  "service_name",
  "status_code",
  "status_message",
  "attributes",
  "dropped_attributes_count",
  "events",
  "dropped_events_count",
  "links",
  "dropped_links_count",
  "resource_id",
  "scope_id",
] as const;

export interface ResourceRow {
  project: string;
  resourceId: string;
  attributes: string;
  droppedAttributesCount: number;
  schemaUrl: string;
  serviceName: string;
}

export interface ScopeRow {
  project: string;
  scopeId: string;
  name: string;
  version: string;
  attributes: string;
  droppedAttributesCount: number;
  schemaUrl: string;
}

export interface EncodedSpans {
  /** COPY text, one line per span, columns as SPAN_COLUMNS. */
  copyText: string;
  spanCount: number;
  resources: ResourceRow[];
  scopes: ScopeRow[];
}

export function encodeSpans(batch: NormalizedTraceBatch): EncodedSpans {
  const lines: string[] = [];
  const resources: ResourceRow[] = [];
  const scopes: ScopeRow[] = [];
  for (const rs of batch.resourceSpans) {
    const project = copyText(rs.project);
    const serviceName = copyText(rs.serviceName);
    const resourceAttributes = attributesJson(rs.resource.attributes);
    const resourceId = contentId(resourceAttributes, String(rs.resource.droppedAttributesCount), rs.schemaUrl);
    let resourceUsed = false;
    for (const ss of rs.scopeSpans) {
      if (ss.spans.length === 0) continue;
      resourceUsed = true;
      const scope = scopeRow(rs.project, ss.scope, ss.schemaUrl);
      scopes.push(scope);
      const ids = "\t" + copyHexBytes(resourceId) + "\t" + copyHexBytes(scope.scopeId);
      for (const span of ss.spans) lines.push(spanLine(project, serviceName, span) + ids);
    }
    if (resourceUsed) {
      resources.push({
        project: rs.project,
        resourceId,
        attributes: resourceAttributes,
        droppedAttributesCount: rs.resource.droppedAttributesCount,
        schemaUrl: rs.schemaUrl,
        serviceName: rs.serviceName,
      });
    }
  }
  return { copyText: lines.length === 0 ? "" : lines.join("\n") + "\n", spanCount: lines.length, resources, scopes };
}

function spanLine(project: string, serviceName: string, s: Span): string {
  return (
    project +
    "\t" + copyHexBytes(s.traceId) +
    "\t" + copyHexBytes(s.spanId) +
    "\t" + copyHexBytes(s.parentSpanId) +
    "\t" + copyText(s.traceState) +
    "\t" + s.flags +
    "\t" + copyText(s.name) +
    "\t" + s.kind +
    "\t" + s.startTimeUnixNano +
    "\t" + s.endTimeUnixNano +
    "\t" + serviceName +
    "\t" + s.status.code +
    "\t" + copyText(s.status.message) +
    "\t" + copyJson(attributesJson(s.attributes)) +
    "\t" + s.droppedAttributesCount +
    "\t" + copyJson(eventsJson(s)) +
    "\t" + s.droppedEventsCount +
    "\t" + copyJson(linksJson(s)) +
    "\t" + s.droppedLinksCount
  );
}

function eventsJson(s: Span): string {
  if (s.events.length === 0) return "[]";
  return (
    "[" +
    s.events
      .map(
        (e) =>
          `{"timeUnixNano":"${e.timeUnixNano}","name":${jsonString(e.name)},"attributes":${attributesJson(e.attributes)},"droppedAttributesCount":${e.droppedAttributesCount}}`,
      )
      .join(",") +
    "]"
  );
}

function linksJson(s: Span): string {
  if (s.links.length === 0) return "[]";
  return (
    "[" +
    s.links
      .map(
        (l) =>
          `{"traceId":${jsonString(l.traceId)},"spanId":${jsonString(l.spanId)},"traceState":${jsonString(l.traceState)},"flags":${l.flags},"attributes":${attributesJson(l.attributes)},"droppedAttributesCount":${l.droppedAttributesCount}}`,
      )
      .join(",") +
    "]"
  );
}

function scopeRow(project: string, scope: InstrumentationScope, schemaUrl: string): ScopeRow {
  const attributes = attributesJson(scope.attributes);
  return {
    project,
    scopeId: contentId(scope.name, scope.version, attributes, String(scope.droppedAttributesCount), schemaUrl),
    name: scope.name,
    version: scope.version,
    attributes,
    droppedAttributesCount: scope.droppedAttributesCount,
    schemaUrl,
  };
}

/** A 16-byte content hash (hex) naming a resource or scope; parts are length-prefixed so they cannot run together. */
function contentId(...parts: string[]): string {
  const h = createHash("md5");
  for (const p of parts) h.update(`${p.length}:${p}`);
  return h.digest("hex");
}
