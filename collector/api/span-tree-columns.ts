/**
 * The answer of GET /api/traces/{id}/tree, shared by trace-tree-routes.ts and the UI's waterfall
 * (types only: nothing here the browser build cannot read). Columns, index-aligned, spans in
 * start order. `parent` is the parent's index (-1: a root, or a parent that has not arrived);
 * names and services are indexes into their tables (they repeat);
 * times are nanoseconds after the trace start as numbers (exact up to 104 days).
 */
export interface SpanTreeColumns {
  traceId: string;
  startTimeUnixNano: string;
  spanCount: number;
  spanId: string[];
  parent: number[];
  name: number[];
  names: string[];
  service: number[];
  services: string[];
  /** SpanKind numbers; kindNames[kind] is the name. */
  kind: number[];
  kindNames: string[];
  start: number[];
  duration: number[];
  /** 0 unset, 1 ok, 2 error. */
  status: number[];
  statusNames: string[];
  /** AI columns: null where the span is not an AI span. */
  aiType: Array<string | null>;
  aiModel: Array<string | null>;
  aiTokens: Array<number | null>;
  aiCostUsd: Array<number | null>;
}
