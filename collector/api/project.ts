import { DEFAULT_PROJECT } from "../normalize/resource-identity.ts";
import { optionalString, type Query } from "./query-params.ts";

/** Every API read is scoped to one project: `?project=`, default "default". (API keys will choose it once auth exists.) */
export function projectParam(query: Query): string {
  return optionalString(query, "project") || DEFAULT_PROJECT;
}
