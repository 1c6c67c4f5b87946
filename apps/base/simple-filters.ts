// A relative import (not $ui): the Node unit tests (test/ui/ui-logic.test.ts) import this file.
import type { QueryError } from "../../ui/src/lib/components/query-error.ts";

/**
 * The trace filters the API has without the query language, written in one line:
 *   service=web name="GET /users" status=error duration>250ms duration<2s attr.http.route=/users run=<id>
 * A bare word (or quoted text) is a span name. Errors carry their position, like the server's.
 */
export type TraceParams = Record<string, string | string[]>;

const KEYS = ["service", "name", "status", "duration", "run", "attr.<key>"];

export function parseSimpleFilters(text: string): { params: TraceParams } | { error: QueryError } {
  const params: TraceParams = {};
  const token = /\s*(?:([A-Za-z_][\w.\-/]*)\s*(>=|<=|=|:|>|<)\s*)?("(?:[^"\\]|\\.)*"?|[^\s"]+)/y;
  let at = 0;
  while (at < text.length) {
    token.lastIndex = at;
    const m = token.exec(text);
    if (!m) {
      if (text.slice(at).trim() === "") break;
      return { error: { message: "cannot read this", position: at + (text.slice(at).length - text.slice(at).trimStart().length), length: 1 } };
    }
    const start = m.index + (m[0].length - m[0].trimStart().length);
    const [, key, op, raw = ""] = m;
    at = token.lastIndex;
    if (raw.startsWith('"') && (raw.length < 2 || !raw.endsWith('"'))) return { error: { message: "unterminated quote", position: start, length: m[0].trim().length } };
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw;
    const length = m[0].trim().length;
    if (!key) {
      params.name = value;
      continue;
    }
    const eq = op === "=" || op === ":";
    if (key === "service" || key === "name" || key === "run") {
      if (!eq) return { error: { message: `${key} takes = (e.g. ${key}=value)`, position: start, length } };
      params[key] = value;
    } else if (key === "status") {
      if (!eq || (value !== "error" && value !== "ok")) return { error: { message: "status is error or ok", position: start, length } };
      params.status = value;
    } else if (key === "duration") {
      if (!/^\d+(\.\d+)?(ns|us|µs|ms|s|m|h)?$/.test(value)) return { error: { message: "a duration such as 250ms, 1.5s or 2m", position: start, length } };
      if (op === ">" || op === ">=") params.minDuration = value;
      else if (op === "<" || op === "<=") params.maxDuration = value;
      else return { error: { message: "duration takes > or < (e.g. duration>250ms)", position: start, length } };
    } else if (key.startsWith("attr.") && key.length > 5) {
      if (!eq) return { error: { message: "attributes take = (e.g. attr.http.route=/users)", position: start, length } };
      const k = key;
      const prev = params[k];
      params[k] = prev === undefined ? value : ([] as string[]).concat(prev, value);
    } else {
      return { error: { message: `unknown filter "${key}"; filters are ${KEYS.join(", ")}`, position: start, length: key.length } };
    }
  }
  return { params };
}
