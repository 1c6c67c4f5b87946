import { createHash } from "node:crypto";
import { storableString } from "../storage/stored-json.ts";

/**
 * Identifiers that Postgres indexes (project, run id, experiment, tags, the service-name column)
 * must fit a btree entry (~2.7 kB). A longer value keeps its first characters and gets a hash of
 * the whole, so distinct long values stay distinct and the same value always maps the same way.
 * The full text still lives in the resource attributes, which are kept as sent.
 * Keys come out in the form PostgreSQL stores (storableString: no NUL, no lone surrogate), so two
 * values that would be stored alike are one key from here on, not two rows of one key in a write.
 */
export function boundedKey(value: string, maxChars: number): string {
  const bounded = value.length <= maxChars ? value : value.slice(0, maxChars - 33) + "~" + createHash("sha256").update(value).digest("hex").slice(0, 32);
  return storableString(bounded);
}

export const KEY_LIMITS = { project: 100, serviceName: 100, runId: 200, experiment: 300, tag: 200, session: 200 } as const;
