import type { ResourceSpans, ScopeSpans, Span, TraceBatch } from "../model/trace.ts";
import { JsonNumber, parseJsonTree, treeToAttributes, type JsonTree } from "./stored-json.ts";
import type { StoredTrace } from "./trace-reader.ts";

/** Stored rows → the in-memory model (the FromRow half), with every OTLP type restored. Used by the OTLP export. */
export function storedTraceToModel(trace: StoredTrace): TraceBatch {
  const byResource = new Map<string, ResourceSpans>();
  const byScope = new Map<string, ScopeSpans>();
  for (const row of trace.spans) {
    let rs = byResource.get(row.resourceId);
    if (!rs) {
      const stored = trace.resources.get(row.resourceId);
      rs = {
        resource: { attributes: stored ? treeToAttributes(parseJsonTree(stored.attributes)) : [], droppedAttributesCount: stored?.droppedAttributesCount ?? 0 },
        schemaUrl: stored?.schemaUrl ?? "",
        scopeSpans: [],
      };
      byResource.set(row.resourceId, rs);
    }
    const scopeKey = row.resourceId + "/" + row.scopeId;
    let ss = byScope.get(scopeKey);
    if (!ss) {
      const stored = trace.scopes.get(row.scopeId);
      ss = {
        scope: {
          name: stored?.name ?? "",
          version: stored?.version ?? "",
          attributes: stored ? treeToAttributes(parseJsonTree(stored.attributes)) : [],
          droppedAttributesCount: stored?.droppedAttributesCount ?? 0,
        },
        schemaUrl: stored?.schemaUrl ?? "",
        spans: [],
      };
      byScope.set(scopeKey, ss);
      rs.scopeSpans.push(ss);
    }
    ss.spans.push(spanFromRow(trace.traceId, row));
  }
  return { resourceSpans: [...byResource.values()] };
}

function spanFromRow(traceId: string, row: StoredTrace["spans"][number]): Span {
  return {
    traceId,
    spanId: row.spanId,
    parentSpanId: row.parentSpanId,
    traceState: row.traceState,
    flags: row.flags,
    name: row.name,
    kind: row.kind,
    startTimeUnixNano: BigInt(row.startTimeUnixNano),
    endTimeUnixNano: BigInt(row.endTimeUnixNano),
    attributes: treeToAttributes(parseJsonTree(row.attributes)),
    droppedAttributesCount: row.droppedAttributesCount,
    events: objects(row.events).map((e) => ({
      timeUnixNano: BigInt(str(e.timeUnixNano)),
      name: str(e.name),
      attributes: treeToAttributes(e.attributes ?? {}),
      droppedAttributesCount: num(e.droppedAttributesCount),
    })),
    droppedEventsCount: row.droppedEventsCount,
    links: objects(row.links).map((l) => ({
      traceId: str(l.traceId),
      spanId: str(l.spanId),
      traceState: str(l.traceState),
      attributes: treeToAttributes(l.attributes ?? {}),
      droppedAttributesCount: num(l.droppedAttributesCount),
      flags: num(l.flags),
    })),
    droppedLinksCount: row.droppedLinksCount,
    status: { code: row.statusCode, message: row.statusMessage },
  };
}

function objects(json: string): Array<{ [key: string]: JsonTree }> {
  const tree = parseJsonTree(json);
  return Array.isArray(tree) ? (tree as Array<{ [key: string]: JsonTree }>) : [];
}

function str(t: JsonTree | undefined): string {
  return typeof t === "string" ? t : "";
}

function num(t: JsonTree | undefined): number {
  return t instanceof JsonNumber ? Number(t.text) : 0;
}
