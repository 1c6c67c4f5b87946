import type { Span } from "../model/trace.ts";
import { ownRunId } from "../normalize/run-identity.ts";
import { AI_COLUMNS, aiCopyFields } from "./ai-columns.ts";
import { copyHexBytes, copyJson, copyText } from "./copy-text.ts";
import { resourceRow, scopeRow, type ResourceRow, type ScopeRow } from "./resource-rows.ts";
import { attributesJson, jsonString } from "./stored-json.ts";
import type { NormalizedTraceBatch } from "./trace-records.ts";

/** Model → rows (the ToRow half of the storage seam): COPY text for spans, parameters for the rest. */

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
  "run_id",
  ...AI_COLUMNS,
] as const;

/**
 * A spans row as the readers select it: ids as hex (`encode(…, 'hex')`, "" for no parent), int8
 * times as text, JSON columns as text. Each reader picks the columns it selects.
 */
export interface SelectedSpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  trace_state: string;
  flags: string;
  name: string;
  kind: number;
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  service_name: string;
  status_code: number;
  status_message: string;
  attributes: string;
  dropped_attributes_count: number;
  events: string;
  dropped_events_count: number;
  links: string;
  dropped_links_count: number;
  resource_id: string;
  scope_id: string;
  run_id: string;
  ai: string | null;
  ai_type: string | null;
  ai_model: string | null;
  ai_provider: string | null;
  ai_input_tokens: string | null;
  ai_output_tokens: string | null;
  ai_total_tokens: string | null;
  ai_cost_usd: number | null;
  ai_session_id: string | null;
  ai_user_id: string | null;
  ai_tool_name: string | null;
  ai_agent_name: string | null;
}

export interface RunTrace {
  project: string;
  runId: string;
  traceId: string;
}

export interface EncodedSpans {
  /** COPY text, one line per span, columns as SPAN_COLUMNS. */
  copyText: string;
  spanCount: number;
  resources: ResourceRow[];
  scopes: ScopeRow[];
  /** The (run, trace) pairs of the batch, distinct per resource (insertRunTraces merges across). */
  runTraces: RunTrace[];
}

export function encodeSpans(batch: NormalizedTraceBatch): EncodedSpans {
  const lines: string[] = [];
  const resources: ResourceRow[] = [];
  const scopes: ScopeRow[] = [];
  const runTraces: RunTrace[] = [];
  for (const rs of batch.resourceSpans) {
    const project = copyText(rs.project);
    const serviceName = copyText(rs.serviceName);
    const resource = resourceRow(rs.project, rs.serviceName, rs.resource, rs.schemaUrl);
    // Per run, the traces its spans belong to (most spans belong to their resource's run).
    const tracesByRun = new Map<string, Set<string>>();
    let resourceUsed = false;
    for (const ss of rs.scopeSpans) {
      if (ss.spans.length === 0) continue;
      resourceUsed = true;
      const scope = scopeRow(rs.project, ss.scope, ss.schemaUrl);
      scopes.push(scope);
      const ids = "\t" + copyHexBytes(resource.resourceId) + "\t" + copyHexBytes(scope.scopeId) + "\t";
      for (const span of ss.spans) {
        const runId = ownRunId(span.attributes, rs.runId);
        lines.push(spanLine(project, serviceName, span) + ids + copyText(runId) + aiCopyFields(batch.ai.get(span)));
        let traces = tracesByRun.get(runId);
        if (!traces) tracesByRun.set(runId, (traces = new Set()));
        traces.add(span.traceId);
      }
    }
    if (resourceUsed) resources.push(resource);
    for (const [runId, traces] of tracesByRun) for (const traceId of traces) runTraces.push({ project: rs.project, runId, traceId });
  }
  return { copyText: lines.length === 0 ? "" : lines.join("\n") + "\n", spanCount: lines.length, resources, scopes, runTraces };
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
