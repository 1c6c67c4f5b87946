import { stringAttribute } from "../model/any-value.ts";
import type { LogsBatch, ResourceLogs } from "../model/logs.ts";
import { attributesJson } from "../storage/stored-json.ts";
import { projectOf, serviceNameOf } from "./resource-identity.ts";
import { runOf, type ProjectRun } from "./run-identity.ts";
import { ATTR } from "./sightline-attributes.ts";

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
    runs.push({ ...run, project, resourceAttributes: attributesJson(rl.resource.attributes) });
    for (const id of recordRunIds(rl)) if (id !== run.runId) runs.push({ runId: id, implicit: false, project });
    return { ...rl, project, serviceName: serviceNameOf(rl.resource), runId: run.runId };
  });
  return { runs, resourceLogs };
}

/** A record's own sightline.run.id attribute wins over its resource's run (see docs/mapping.md). */
export function recordRunId(attributes: Parameters<typeof stringAttribute>[0], fallback: string): string {
  return stringAttribute(attributes, ATTR.runId)?.trim() || fallback;
}

function recordRunIds(rl: ResourceLogs): Set<string> {
  const ids = new Set<string>();
  for (const sl of rl.scopeLogs) for (const r of sl.logRecords) {
    const id = stringAttribute(r.attributes, ATTR.runId)?.trim();
    if (id) ids.add(id);
  }
  return ids;
}
