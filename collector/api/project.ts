import { boundedKey, KEY_LIMITS } from "../normalize/bounded-key.ts";
import { DEFAULT_PROJECT } from "../normalize/resource-identity.ts";
import { optionalString, type Query } from "./query-params.ts";

/** Every API read is scoped to one project: `?project=`, default "default". (API keys will choose it once auth exists.) */
export function projectParam(query: Query): string {
  const project = optionalString(query, "project");
  return project ? boundedKey(project, KEY_LIMITS.project) : DEFAULT_PROJECT;
}

/** A run id as stored: bounded like the collector bounds it at ingest. */
export function runIdParam(runId: string): string {
  return boundedKey(runId, KEY_LIMITS.runId);
}
