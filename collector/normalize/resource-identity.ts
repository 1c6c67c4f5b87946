import { stringAttribute } from "../model/any-value.ts";
import type { Resource } from "../model/trace.ts";
import { boundedKey, KEY_LIMITS } from "./bounded-key.ts";

export const DEFAULT_PROJECT = "default";
export const PROJECT_ATTRIBUTE = "sightline.project";

/** Which project (tenant) a resource's data belongs to: `sightline.project`, else "default". */
export function projectOf(resource: Resource): string {
  const project = stringAttribute(resource.attributes, PROJECT_ATTRIBUTE)?.trim();
  return project ? boundedKey(project, KEY_LIMITS.project) : DEFAULT_PROJECT;
}

/** The resource's `service.name` (bounded, see bounded-key.ts), or "" when it has none. */
export function serviceNameOf(resource: Resource): string {
  return boundedKey(stringAttribute(resource.attributes, "service.name") ?? "", KEY_LIMITS.serviceName);
}
