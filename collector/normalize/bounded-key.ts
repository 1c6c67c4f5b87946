import { createHash } from "node:crypto";

/**
 * Identifiers that Postgres indexes (project, run id, experiment, tags, the service-name column)
 * must fit a btree entry (~2.7 kB). A longer value keeps its first characters and gets a hash of
 * the whole, so distinct long values stay distinct and the same value always maps the same way.
 * The full text still lives in the resource attributes, which are kept as sent.
 */
export function boundedKey(value: string, maxChars: number): string {
  if (value.length <= maxChars) return value;
  return value.slice(0, maxChars - 33) + "~" + createHash("sha256").update(value).digest("hex").slice(0, 32);
}

export const KEY_LIMITS = { project: 100, serviceName: 100, runId: 200, experiment: 300, tag: 200, session: 200 } as const;
