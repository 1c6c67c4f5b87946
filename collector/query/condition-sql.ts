import type { ColumnTest, JsonTest, SetTest, SqlValue, TextFunction } from "./bound.ts";

/**
 * One type-checked condition → an SQL boolean over its row's alias. Every piece of SQL text here
 * is a constant or comes from the field catalogue; values, attribute keys and hparams paths go
 * through `param` (which returns a placeholder such as $7).
 *
 * `nullable` says whether the expression can be NULL (a missing value): the compiler then wraps
 * it in coalesce(…, false) under `not`, so `not` is always the exact complement.
 */
export interface Sql {
  text: string;
  nullable: boolean;
}

export type Param = (value: unknown) => string;

const CMP: Record<string, string> = { "==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">=" };

function value(v: SqlValue, p: Param): string {
  return v.sqlType === "bytea" ? `decode(${p(v.param)}, 'hex')` : `${p(v.param)}::${v.sqlType}`;
}

function valueList(values: SqlValue[], sqlType: SqlValue["sqlType"], p: Param): string {
  const params = values.map((v) => v.param);
  return sqlType === "bytea" ? `ARRAY(SELECT decode(q_hex, 'hex') FROM unnest(${p(params)}::text[]) AS q_hex)` : `${p(params)}::${sqlType}[]`;
}

function textTest(fn: TextFunction, expr: string, arg: string): string {
  switch (fn) {
    case "contains":
      return `strpos(${expr}, ${arg}) > 0`;
    case "startswith":
      return `starts_with(${expr}, ${arg})`;
    case "endswith":
      return `right(${expr}, char_length(${arg})) = ${arg}`;
  }
}

export function columnSql(t: ColumnTest, row: string, p: Param): Sql {
  const f = t.field;
  const e = f.sql(row);
  const nullable = f.nullable;
  switch (t.op) {
    case "exists":
      return { text: nullable ? `${e} IS NOT NULL` : "TRUE", nullable: false };
    case "missing":
      return { text: nullable ? `${e} IS NULL` : "FALSE", nullable: false };
    case "compare": {
      const v = value(t.value, p);
      if (f.prefixIndexed && t.cmp === "==") return { text: `(left(${e}, 300) = left(${v}, 300) AND ${e} = ${v})`, nullable };
      const cmp = `${e} ${CMP[t.cmp]} ${v}`;
      // NaN sorts above every number in PostgreSQL; a comparison with a number never matches it.
      if (f.cast === "float8" && t.cmp !== "==" && t.cmp !== "!=") return { text: `(${cmp} AND ${e} <> 'NaN'::float8)`, nullable };
      return { text: cmp, nullable };
    }
    case "in": {
      const list = valueList(t.values, t.sqlType, p);
      if (t.negated) return { text: nullable ? `(${e} IS NOT NULL AND ${e} <> ALL (${list}))` : `${e} <> ALL (${list})`, nullable: false };
      if (f.prefixIndexed) return { text: `(left(${e}, 300) = ANY (ARRAY(SELECT left(q_in, 300) FROM unnest(${list}) AS q_in)) AND ${e} = ANY (${list}))`, nullable };
      return { text: `${e} = ANY (${list})`, nullable };
    }
    case "match":
      return { text: `${e} ${t.negated ? "!~" : "~"} ${p(t.pattern)}::text`, nullable };
    case "text": {
      const test = textTest(t.fn, e, `${p(t.value)}::text`);
      return { text: t.negated ? `NOT (${test})` : test, nullable };
    }
  }
}

export function setSql(t: SetTest, row: string, p: Param): Sql {
  const e = t.field.sql(row);
  switch (t.op) {
    case "exists":
      return { text: `cardinality(${e}) > 0`, nullable: false };
    case "missing":
      return { text: `cardinality(${e}) = 0`, nullable: false };
    case "has": {
      const test = t.values.length === 1 ? `${e} @> ARRAY[${p(t.values[0])}::text]` : `${e} && ${p(t.values)}::text[]`;
      return { text: t.negated ? `NOT (${test})` : test, nullable: false };
    }
    case "match":
      return { text: `${t.negated ? "NOT " : ""}EXISTS (SELECT 1 FROM unnest(${e}) AS q_el WHERE q_el ~ ${p(t.pattern)}::text)`, nullable: false };
    case "text":
      return { text: `${t.negated ? "NOT " : ""}EXISTS (SELECT 1 FROM unnest(${e}) AS q_el WHERE ${textTest(t.fn, "q_el", `${p(t.value)}::text`)})`, nullable: false };
  }
}

/** The JSON object {key: value} (or {a: {b: value}} for an hparams path), for containment (@>), which GIN indexes answer. */
function containment(t: JsonTest, json: string): string {
  const keys = t.key !== undefined ? [t.key] : t.jsonPath!;
  return keys.reduceRight((inner, k) => `{${JSON.stringify(k)}:${inner}}`, json);
}

/** Containment equals "the value at the path equals" unless a path segment could index an array. */
function containmentExact(t: JsonTest): boolean {
  return t.key !== undefined || !t.jsonPath!.some((s) => /^-?\d+$/.test(s));
}

export function jsonSql(t: JsonTest, row: string, p: Param): Sql {
  if (t.field.container === "resource.attributes") {
    const inner = jsonOn(t, "q_res.attributes", p);
    return {
      text: `EXISTS (SELECT 1 FROM resources q_res WHERE q_res.project = ${row}.project AND q_res.resource_id = ${row}.resource_id AND ${inner.text})`,
      nullable: false,
    };
  }
  const container = t.field.container === "span.attributes" ? `${row}.attributes` : t.field.container === "run.hparams" ? `${row}.hparams` : `${row}.context`;
  return jsonOn(t, container, p);
}

function jsonOn(t: JsonTest, container: string, p: Param): Sql {
  // Only bind the key when the SQL uses it: an unused parameter has no type and fails the statement.
  if (t.op === "equal" && !t.negated && containmentExact(t)) return { text: `${container} @> ${p(containment(t, t.json))}::jsonb`, nullable: false };
  const x = t.key !== undefined ? `(${container} -> ${p(t.key)}::text)` : `(${container} #> ${p(t.jsonPath)}::text[])`;
  const str = `jsonb_typeof(${x}) = 'string'`;
  switch (t.op) {
    case "exists":
      return { text: `jsonb_typeof(${x}) <> 'null'`, nullable: true };
    case "missing":
      return { text: `coalesce(jsonb_typeof(${x}), 'null') = 'null'`, nullable: false };
    case "equal":
      if (t.negated) return { text: `(jsonb_typeof(${x}) <> 'null' AND ${x} <> ${p(t.json)}::jsonb)`, nullable: true };
      return { text: `${x} = ${p(t.json)}::jsonb`, nullable: true };
    case "order":
      return { text: `(jsonb_typeof(${x}) = '${t.type === "number" ? "number" : "string"}' AND ${x} ${CMP[t.cmp]} ${p(t.json)}::jsonb)`, nullable: true };
    case "in":
      if (t.negated) return { text: `(jsonb_typeof(${x}) <> 'null' AND ${x} <> ALL (${p(t.jsons)}::jsonb[]))`, nullable: true };
      return { text: `${x} = ANY (${p(t.jsons)}::jsonb[])`, nullable: true };
    case "match":
      return { text: `(${str} AND (${x} #>> '{}') ${t.negated ? "!~" : "~"} ${p(t.pattern)}::text)`, nullable: true };
    case "text": {
      const test = textTest(t.fn, `(${x} #>> '{}')`, `${p(t.value)}::text`);
      return { text: `(${str} AND ${t.negated ? `NOT (${test})` : test})`, nullable: true };
    }
    case "contains": {
      const not = t.negated ? "NOT " : "";
      const inArray = `${not}${x} @> ${p(t.element)}::jsonb`;
      if (t.substring === null) return { text: `(jsonb_typeof(${x}) = 'array' AND ${inArray})`, nullable: true };
      return {
        text: `CASE jsonb_typeof(${x}) WHEN 'string' THEN ${not}(strpos(${x} #>> '{}', ${p(t.substring)}::text) > 0) WHEN 'array' THEN ${inArray} ELSE false END`,
        nullable: false,
      };
    }
  }
}
