import type { ResourceSpans } from "../model/trace.ts";

/**
 * What the trace pipeline hands to storage: the decoded OTLP batch with, per resource, the
 * fields the normalize stage derived from it. Storage never re-derives them.
 */
export interface NormalizedResourceSpans extends ResourceSpans {
  project: string;
  serviceName: string;
}

export interface NormalizedTraceBatch {
  resourceSpans: NormalizedResourceSpans[];
}
