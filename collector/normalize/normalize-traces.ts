import type { Span, TraceBatch } from "../model/trace.ts";
import type { AiFields } from "./ai/ai-fields.ts";
import { normalizeAi } from "./ai/normalize-ai.ts";
import type { PriceTable } from "./ai/price-table.ts";
import type { NormalizedTraceBatch } from "../storage/trace-records.ts";
import { projectOf, serviceNameOf } from "./resource-identity.ts";
import { ownRunId, runOf, type ProjectRun } from "./run-identity.ts";

export interface NormalizeTracesOptions {
  /** Prices for derived LLM costs (loadPriceTable()); default the built-in table; null: no derived costs. */
  priceTable?: PriceTable | null;
}

/**
 * The normalize stage for traces: pure. Derives per-resource fields and runs, and each span's
 * canonical AI fields (normalize/ai); spans themselves pass through untouched.
 */
export function normalizeTraces(batch: TraceBatch, options: NormalizeTracesOptions = {}): NormalizedTraceBatch {
  const runs: ProjectRun[] = [];
  const ai = new Map<Span, AiFields>();
  const resourceSpans = batch.resourceSpans.map((rs) => {
    const project = projectOf(rs.resource);
    const run = runOf(rs.resource);
    const used = new Set<string>();
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        used.add(ownRunId(span.attributes, run.runId));
        const fields = normalizeAi(span, rs.resource, { scope: ss.scope, priceTable: options.priceTable });
        if (fields) ai.set(span, fields);
      }
    }
    // The resource's run is stated only when some span belongs to it (a process working for named runs makes no empty run).
    for (const id of used) runs.push(id === run.runId ? { ...run, project, resourceAttributes: rs.resource.attributes } : { runId: id, implicit: false, project });
    return { ...rs, project, serviceName: serviceNameOf(rs.resource), runId: run.runId };
  });
  return { runs, resourceSpans, ai };
}
