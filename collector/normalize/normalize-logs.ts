import type { LogsBatch, ResourceLogs } from "../model/logs.ts";
import { projectOf, serviceNameOf } from "./resource-identity.ts";
import { ownRunId, runOf, type ProjectRun } from "./run-identity.ts";

export interface NormalizedResourceLogs extends ResourceLogs {
  project: string;
  serviceName: string;
  runId: string;
}

export interface NormalizedLogsBatch {
  runs: ProjectRun[];
  resourceLogs: NormalizedResourceLogs[];
}

/** The normalize stage for logs: project, service and run from each resource; records pass through untouched. */
export function normalizeLogs(batch: LogsBatch): NormalizedLogsBatch {
  const runs: ProjectRun[] = [];
  const resourceLogs = batch.resourceLogs.map((rl) => {
    const project = projectOf(rl.resource);
    const run = runOf(rl.resource);
    // As for spans: the resource's run is stated only when some record belongs to it.
    for (const id of recordRunIds(rl, run.runId)) runs.push(id === run.runId ? { ...run, project, resourceAttributes: rl.resource.attributes } : { runId: id, implicit: false, project });
    return { ...rl, project, serviceName: serviceNameOf(rl.resource), runId: run.runId };
  });
  return { runs, resourceLogs };
}

function recordRunIds(rl: ResourceLogs, resourceRunId: string): Set<string> {
  const ids = new Set<string>();
  for (const sl of rl.scopeLogs) for (const r of sl.logRecords) ids.add(ownRunId(r.attributes, resourceRunId));
  return ids;
}
