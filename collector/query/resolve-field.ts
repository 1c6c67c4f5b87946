import type { Path } from "./ast.ts";
import { COLUMN_FIELDS, FIELDS_BY_NAME, JSON_PREFIXES, type FieldDef } from "./fields.ts";
import { QueryError } from "./query-error.ts";
import { closest, didYouMean } from "./suggest.ts";

/** A path resolved against the catalogue: the field, and for JSON containers the key or path (from the query, bound as a parameter). */
export interface ResolvedField {
  field: FieldDef;
  /** JSON key (keyStyle "key"): the remaining segments joined by ".". */
  key?: string;
  /** JSON path (keyStyle "path"): the remaining segments. */
  jsonPath?: string[];
}

/** Longest accepted attribute key / hparams path, in characters. */
export const MAX_KEY_LENGTH = 1000;

export function resolveField(path: Path): ResolvedField {
  const names = path.segments.map((s) => s.name);
  if (path.segments.every((s) => !s.quoted)) {
    const exact = FIELDS_BY_NAME.get(names.join("."));
    if (exact) return { field: exact };
  }
  for (const { prefix, field } of JSON_PREFIXES) {
    if (prefix.length > names.length || path.segments.slice(0, prefix.length).some((s, i) => s.quoted || s.name !== prefix[i])) continue;
    const rest = path.segments.slice(prefix.length);
    if (rest.length === 0) {
      const example = field.keyStyle === "path" ? `${prefix.join(".")}.lr` : `${prefix.join(".")}["http.route"]`;
      throw new QueryError(`${path.text} at ${path.position} needs a ${field.keyStyle === "path" ? "path" : "key"}, as in ${example}`, path.position, path.length);
    }
    const keys = rest.map((s) => s.name);
    if (keys.some((k) => k.length === 0)) throw new QueryError(`empty key in ${path.text} at ${path.position}`, path.position, path.length);
    if (keys.join(".").length > MAX_KEY_LENGTH) throw new QueryError(`the key in ${path.text.slice(0, 40)}… at ${path.position} is longer than ${MAX_KEY_LENGTH} characters`, path.position, path.length);
    return field.keyStyle === "key" ? { field, key: keys.join(".") } : { field, jsonPath: keys };
  }
  throw unknownField(path, names);
}

function unknownField(path: Path, names: string[]): QueryError {
  const text = names.join(".");
  const shown = text.length > 80 ? text.slice(0, 80) + "…" : text;
  let options = closest(text, COLUMN_FIELDS.map((f) => f.name));
  // A misspelt JSON prefix keeps the user's key: span.atr.http.route → span.attr.http.route.
  if (options.length === 0) {
    for (const { prefix } of JSON_PREFIXES) {
      if (names.length <= prefix.length) continue;
      if (closest(names.slice(0, prefix.length).join("."), [prefix.join(".")]).length > 0) {
        options = [[...prefix, ...names.slice(prefix.length)].join(".")];
        break;
      }
    }
  }
  // A bare or mis-scoped name: duration → span.duration or trace.duration.
  if (options.length === 0) {
    const last = names[names.length - 1]!;
    options = COLUMN_FIELDS.filter((f) => f.name.endsWith("." + last) && f.name !== text).map((f) => f.name).slice(0, 3);
  }
  if (options.length === 0 && names.length === 1 && ["attributes", "attr"].includes(names[0]!)) options = ["span.attributes"];
  const hint = options.length > 0 ? didYouMean(options) : `; fields start with span., ai., resource, trace., run. or metric. (see docs/query-language.md)`;
  return new QueryError(`unknown field "${shown}" at ${path.position}${hint}`, path.position, path.length);
}
