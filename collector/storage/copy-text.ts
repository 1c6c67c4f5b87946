import { storableString } from "./stored-json.ts";

/** Field encoders for PostgreSQL's COPY text format (tab-separated, \N for NULL, backslash escapes). */

const NEEDS_ESCAPE = /[\\\n\r\t]/;

export function copyText(s: string): string {
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
