import { storableString } from "./stored-json.ts";

/** Field encoders for PostgreSQL's COPY text format (tab-separated, \N for NULL, backslash escapes). */

const NEEDS_ESCAPE = /[\\\n\r\t]/;
/** Anything COPY text must escape, or Postgres cannot store (the common case has none). */
const NEEDS_WORK = /[\\\n\r\t\u0000\ud800-\udfff]/;

export function copyText(s: string): string {
  if (!NEEDS_WORK.test(s)) return s;
  const clean = storableString(s);
  if (!NEEDS_ESCAPE.test(clean)) return clean;
  return clean.replace(/[\\\n\r\t]/g, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\t"));
}

/** JSON text is already free of raw control characters; only its backslashes need doubling. */
export function copyJson(json: string): string {
  return json.includes("\\") ? json.replace(/\\/g, "\\\\") : json;
}

/** A bytea from lowercase hex, or NULL for "". */
export function copyHexBytes(hex: string): string {
  return hex === "" ? "\\N" : "\\\\x" + hex;
}
