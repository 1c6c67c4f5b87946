import type { TraceBatch } from "../model/trace.ts";
import type { NormalizedTraceBatch } from "../storage/trace-records.ts";
import { projectOf, serviceNameOf } from "./resource-identity.ts";

/** The normalize stage for traces: pure, derives per-resource fields; spans pass through untouched. */
export function normalizeTraces(batch: TraceBatch): NormalizedTraceBatch {
  return {
    resourceSpans: batch.resourceSpans.map((rs) => ({ ...rs, project: projectOf(rs.resource), serviceName: serviceNameOf(rs.resource) })),
  };
}
