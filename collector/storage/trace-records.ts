import type { AiFields } from "../normalize/ai/ai-fields.ts";
import type { ProjectRun } from "../normalize/run-identity.ts";
import type { ResourceSpans, Span } from "../model/trace.ts";

/**
 * What the trace pipeline hands to storage: the decoded OTLP batch with, per resource, the
 * fields the normalize stage derived from it. Storage never re-derives them.
 */
export interface NormalizedResourceSpans extends ResourceSpans {
  project: string;
  serviceName: string;
  /** The resource's run; a span with its own sightline.run.id belongs to that run instead. */
  runId: string;
}

export interface NormalizedTraceBatch {
  /** Every run the batch's spans belong to, as the data states them. */
  runs: ProjectRun[];
  resourceSpans: NormalizedResourceSpans[];
  /** The canonical AI fields of the batch's AI spans (spans no dialect recognises are absent). */
  ai: Map<Span, AiFields>;
}
