import type { TraceBatch } from "../model/trace.ts";
import type { NormalizedTraceBatch } from "../storage/trace-records.ts";
import { projectOf, serviceNameOf } from "./resource-identity.ts";
import { ownRunId, runOf, type ProjectRun } from "./run-identity.ts";

/** The normalize stage for traces: pure, derives per-resource fields and runs; spans pass through untouched. */
export function normalizeTraces(batch: TraceBatch): NormalizedTraceBatch {
  const runs: ProjectRun[] = [];
  const resourceSpans = batch.resourceSpans.map((rs) => {
    const project = projectOf(rs.resource);
    const run = runOf(rs.resource);
    const used = new Set<string>();
    for (const ss of rs.scopeSpans) for (const span of ss.spans) used.add(ownRunId(span.attributes, run.runId));
    // The resource's run is stated only when some span belongs to it (a process working for named runs makes no empty run).
    for (const id of used) runs.push(id === run.runId ? { ...run, project, resourceAttributes: rs.resource.attributes } : { runId: id, implicit: false, project });
    return { ...rs, project, serviceName: serviceNameOf(rs.resource), runId: run.runId };
  });
  return { runs, resourceSpans };
}
