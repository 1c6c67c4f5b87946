import { boundedKey } from "../normalize/bounded-key.ts";
import { storableString } from "../storage/stored-json.ts";
import type { Condition, Expr, Literal, Operator } from "./ast.ts";
import type { BoundCondition, BoundExpr, ColumnTest, JsonTest, SetTest, SqlValue, TextFunction } from "./bound.ts";
import type { ColumnField, JsonField, SetField } from "./fields.ts";
import { INT64_MAX, isIntegerText, nanosToIso, timestampNanos } from "./literals.ts";
import { queryError, type SourceRange } from "./query-error.ts";
import { resolveField } from "./resolve-field.ts";
import { closest, didYouMean } from "./suggest.ts";
import { domainHint, TARGET_DOMAINS, TARGET_ENDPOINT, type QueryTarget } from "./targets.ts";

/** Longest regular expression accepted, in characters. */
export const MAX_PATTERN_LENGTH = 2000;

/** Type-checks a parsed query for one endpoint; every error points at the offending text. */
export function bindQuery(expr: Expr, target: QueryTarget): BoundExpr {
  switch (expr.kind) {
    case "and":
    case "or":
      return { kind: expr.kind, operands: expr.operands.map((e) => bindQuery(e, target)) };
    case "not":
      return { kind: "not", operand: bindQuery(expr.operand, target) };
    case "group":
      if (target !== "traces" && target !== "spans") {
        throw queryError(`{ … } at ${expr.position} (some span of the trace) does not apply to ${TARGET_ENDPOINT[target]}: span groups work on /api/traces and /api/spans`, { position: expr.position, length: 1 });
      }
      return { kind: "group", operand: bindQuery(expr.operand, target) };
    case "condition":
      return bindCondition(expr, target);
  }
}

function bindCondition(c: Condition, target: QueryTarget): BoundCondition {
  const resolved = resolveField(c.field);
  const field = resolved.field;
  if (!TARGET_DOMAINS[target].includes(field.domain)) {
    throw queryError(
      `${c.field.text} at ${c.field.position} does not apply to ${TARGET_ENDPOINT[target]}, which returns ${target}: ${field.domain} conditions work on ${domainHint(field.domain)}`,
      c.field,
    );
  }
  const ctx = new Check(c, field.name);
  const test =
    field.shape === "column" ? bindColumn(ctx, field) : field.shape === "set" ? bindSet(ctx, field) : bindJson(ctx, field, resolved.key, resolved.jsonPath);
  return { kind: "condition", domain: field.domain, source: c, test };
}

/** Error helpers for one condition. */
class Check {
  constructor(
    readonly c: Condition,
    readonly fieldName: string,
  ) {}

  get op(): Operator {
    return this.c.operator;
  }

  single(): Literal {
    const v = this.c.value;
    if (!v || v.kind === "list") throw this.fail(`${this.op} takes one value`, this.c.operatorRange);
    return v;
  }

  list(): Literal[] {
    const v = this.c.value;
    if (!v || v.kind !== "list") throw this.fail(`${this.op} takes a list`, this.c.operatorRange);
    for (const item of v.items) if (item.kind === "null") throw this.fail(`null cannot be in a list; test "${this.fieldName} exists" instead`, item);
    return v.items;
  }

  unsupported(what: string): Error {
    return this.fail(`${this.fieldName} ${what}; it does not support ${this.op}`, this.c.operatorRange);
  }

  expected(what: string, got: Literal): Error {
    const hint = got.kind === "name" ? ` (strings need quotes: "${got.value}")` : "";
    return this.fail(`${this.fieldName} compares with ${what}; found ${describe(got)} at ${got.position}${hint}`, got);
  }

  fail(message: string, at: SourceRange): Error {
    return queryError(message, at);
  }

  pattern(): string {
    const v = this.single();
    if (v.kind !== "string") throw this.fail(`${this.op} takes a regular expression in quotes or backticks; found ${describe(v)} at ${v.position}`, v);
    if (v.value.length > MAX_PATTERN_LENGTH) throw this.fail(`the regular expression at ${v.position} is longer than ${MAX_PATTERN_LENGTH} characters`, v);
    return storableString(v.value);
  }

  textArgument(): string {
    const v = this.single();
    if (v.kind !== "string") throw this.expected("a string", v);
    return storableString(v.value);
  }
}

function describe(v: Literal): string {
  switch (v.kind) {
    case "string":
      return "a string";
    case "number":
      return `the number ${v.text}`;
    case "boolean":
      return String(v.value);
    case "null":
      return "null";
    case "duration":
      return `the duration ${v.text}`;
    case "time":
      return `the time ${v.text}`;
    case "name":
      return `the word ${v.value}`;
  }
}

const TEXT_FUNCTIONS: Partial<Record<Operator, { fn: TextFunction; negated: boolean }>> = {
  contains: { fn: "contains", negated: false },
  "not contains": { fn: "contains", negated: true },
  startswith: { fn: "startswith", negated: false },
  "not startswith": { fn: "startswith", negated: true },
  endswith: { fn: "endswith", negated: false },
  "not endswith": { fn: "endswith", negated: true },
};

/** `x == null` is "x is missing", `x != null` is "x exists"; null with any other operator is refused. */
function nullTest(ctx: Check): "exists" | "missing" | undefined {
  const v = ctx.c.value;
  if (!v || v.kind !== "null") return undefined;
  if (ctx.op === "==") return "missing";
  if (ctx.op === "!=") return "exists";
  throw ctx.fail(`null works only with == and != (or write "${ctx.fieldName} exists")`, v);
}

function bindColumn(ctx: Check, field: ColumnField): ColumnTest {
  const base = { shape: "column" as const, field };
  if (ctx.op === "exists") return { ...base, op: "exists" };
  const nt = nullTest(ctx);
  if (nt) return { ...base, op: nt };
  const value = (lit: Literal, forEquality: boolean): SqlValue => columnValue(ctx, field, lit, forEquality);
  switch (ctx.op) {
    case "==":
    case "!=":
      return { ...base, op: "compare", cmp: ctx.op, value: value(ctx.single(), true) };
    case "<":
    case "<=":
    case ">":
    case ">=":
      if (field.type === "enum" || field.type === "bool" || field.type === "id") throw ctx.unsupported(`is ${article(field.type)}`);
      return { ...base, op: "compare", cmp: ctx.op, value: value(ctx.single(), false) };
    case "in":
    case "not in": {
      if (field.type === "bool" || field.type === "time") throw ctx.unsupported(`is ${article(field.type)}`);
      const values = ctx.list().map((l) => value(l, true));
      const sqlType = values.some((v) => v.sqlType === "numeric") ? "numeric" : (values[0]?.sqlType ?? field.cast);
      return { ...base, op: "in", negated: ctx.op === "not in", values: values.map((v) => ({ ...v, sqlType })), sqlType };
    }
    case "=~":
    case "!~":
      if (field.type !== "text") throw ctx.unsupported(`is ${article(field.type)}, not text`);
      return { ...base, op: "match", negated: ctx.op === "!~", pattern: ctx.pattern() };
    default: {
      const tf = TEXT_FUNCTIONS[ctx.op]!;
      if (field.type !== "text") throw ctx.unsupported(`is ${article(field.type)}, not text`);
      return { ...base, op: "text", ...tf, value: ctx.textArgument() };
    }
  }
}

function article(type: string): string {
  const names: Record<string, string> = { enum: "a set of named values", bool: "true or false", id: "an id", time: "a time", number: "a number", duration: "a duration", text: "text" };
  return names[type] ?? type;
}

function columnValue(ctx: Check, field: ColumnField, lit: Literal, forEquality: boolean): SqlValue {
  switch (field.type) {
    case "text": {
      if (lit.kind !== "string") throw ctx.expected("a string", lit);
      const s = storableString(lit.value);
      return { param: forEquality && field.bounded ? boundedKey(s, field.bounded) : s, sqlType: "text" };
    }
    case "number": {
      if (lit.kind !== "number") throw ctx.expected("a number", lit);
      if (field.cast === "float8") return { param: lit.text, sqlType: "float8" };
      return { param: lit.text, sqlType: isIntegerText(lit.text) && fitsInt64(lit.text) ? "bigint" : "numeric" };
    }
    case "duration":
      if (lit.kind !== "duration") {
        const hint = lit.kind === "number" ? ` (add a unit: ${lit.text}ms, ${lit.text}s)` : "";
        throw ctx.fail(`${ctx.fieldName} compares with a duration such as 250ms or 1.5s; found ${describe(lit)} at ${lit.position}${hint}`, lit);
      }
      return { param: String(lit.nanos), sqlType: "bigint" };
    case "time": {
      let nanos: bigint | null = null;
      if (lit.kind === "time") nanos = lit.nanos;
      else if (lit.kind === "string") nanos = timestampNanos(lit.value.trim());
      if (nanos === null) throw ctx.fail(`${ctx.fieldName} compares with a time: 2026-11-26T08:00:00Z, "2026-11-26", now - 1h; found ${describe(lit)} at ${lit.position}`, lit);
      if (field.cast === "timestamptz") {
        if (nanos < -62_135_596_800_000_000_000n || nanos > 253_402_300_799_000_000_000n) throw ctx.fail(`the time at ${lit.position} is out of range`, lit);
        return { param: nanosToIso(nanos), sqlType: "timestamptz" };
      }
      if (nanos < -INT64_MAX || nanos > INT64_MAX) throw ctx.fail(`the time at ${lit.position} is out of range for nanosecond times (years 1678–2262)`, lit);
      return { param: String(nanos), sqlType: "bigint" };
    }
    case "enum": {
      const values = field.values!;
      let word: string | undefined;
      if (lit.kind === "name" || lit.kind === "string") word = lit.value;
      else if (lit.kind === "number" && field.cast === "integer" && /^\d{1,9}$/.test(lit.text)) return { param: lit.text, sqlType: "integer" };
      if (word === undefined) throw ctx.expected(`one of ${Object.keys(values).join(", ")}`, lit);
      const stored = Object.hasOwn(values, word.toLowerCase()) ? values[word.toLowerCase()] : undefined;
      if (stored === undefined) {
        const shown = word.length > 40 ? word.slice(0, 40) + "…" : word;
        const options = closest(word, Object.keys(values));
        const tail = options.length > 0 ? didYouMean(options) : ` (one of ${Object.keys(values).join(", ")})`;
        throw ctx.fail(`unknown ${ctx.fieldName} value "${shown}" at ${lit.position}${tail}`, lit);
      }
      return { param: String(stored), sqlType: field.cast === "integer" ? "integer" : "text" };
    }
    case "bool":
      if (lit.kind !== "boolean") throw ctx.expected("true or false", lit);
      return { param: lit.value, sqlType: "boolean" };
    case "id": {
      const digits = field.idBytes! * 2;
      if (lit.kind !== "string" || !new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(lit.value)) {
        throw ctx.fail(`${ctx.fieldName} compares with ${digits} hex digits in quotes; found ${describe(lit)} at ${lit.position}`, lit);
      }
      return { param: lit.value.toLowerCase(), sqlType: "bytea" };
    }
  }
}

function fitsInt64(text: string): boolean {
  const n = BigInt(text);
  return n <= INT64_MAX && n >= -INT64_MAX - 1n;
}

function bindSet(ctx: Check, field: SetField): SetTest {
  const base = { shape: "set" as const, field };
  if (ctx.op === "exists") return { ...base, op: "exists" };
  const nt = nullTest(ctx);
  if (nt) return { ...base, op: nt };
  const element = (lit: Literal): string => {
    if (lit.kind !== "string") throw ctx.expected("a string", lit);
    const s = storableString(lit.value);
    return field.bounded ? boundedKey(s, field.bounded) : s;
  };
  switch (ctx.op) {
    case "==":
    case "!=":
    case "contains":
    case "not contains":
      return { ...base, op: "has", negated: ctx.op === "!=" || ctx.op === "not contains", values: [element(ctx.single())] };
    case "in":
    case "not in":
      return { ...base, op: "has", negated: ctx.op === "not in", values: ctx.list().map(element) };
    case "=~":
    case "!~":
      return { ...base, op: "match", negated: ctx.op === "!~", pattern: ctx.pattern() };
    case "startswith":
    case "not startswith":
    case "endswith":
    case "not endswith":
      return { ...base, op: "text", ...TEXT_FUNCTIONS[ctx.op]!, value: ctx.textArgument() };
    default:
      throw ctx.unsupported("is a set of strings (use ==, !=, contains, in, =~, startswith, endswith, exists)");
  }
}

function bindJson(ctx: Check, field: JsonField, key: string | undefined, jsonPath: string[] | undefined): JsonTest {
  const base = { shape: "json" as const, field, ...(key !== undefined ? { key: storableString(key) } : {}), ...(jsonPath ? { jsonPath: jsonPath.map(storableString) } : {}) };
  if (ctx.op === "exists") return { ...base, op: "exists" };
  const nt = nullTest(ctx);
  if (nt) return { ...base, op: nt };
  switch (ctx.op) {
    case "==":
    case "!=":
      return { ...base, op: "equal", negated: ctx.op === "!=", json: jsonScalar(ctx, ctx.single()).json };
    case "<":
    case "<=":
    case ">":
    case ">=": {
      const lit = ctx.single();
      const v = jsonScalar(ctx, lit);
      if (v.type === "boolean") throw ctx.fail(`true and false compare only with == and !=`, lit);
      return { ...base, op: "order", cmp: ctx.op, json: v.json, type: v.type };
    }
    case "in":
    case "not in":
      return { ...base, op: "in", negated: ctx.op === "not in", jsons: ctx.list().map((l) => jsonScalar(ctx, l).json) };
    case "=~":
    case "!~":
      return { ...base, op: "match", negated: ctx.op === "!~", pattern: ctx.pattern() };
    case "contains":
    case "not contains": {
      const lit = ctx.single();
      const v = jsonScalar(ctx, lit);
      return { ...base, op: "contains", negated: ctx.op === "not contains", element: `[${v.json}]`, substring: lit.kind === "string" ? storableString(lit.value) : null };
    }
    default:
      return { ...base, op: "text", ...TEXT_FUNCTIONS[ctx.op]!, value: ctx.textArgument() };
  }
}

/** A literal as stored-JSON text: strings JSON-quoted, numbers exactly as written, booleans. */
function jsonScalar(ctx: Check, lit: Literal): { json: string; type: "string" | "number" | "boolean" } {
  switch (lit.kind) {
    case "string":
      return { json: JSON.stringify(storableString(lit.value)), type: "string" };
    case "number":
      return { json: lit.text, type: "number" };
    case "boolean":
      return { json: String(lit.value), type: "boolean" };
    case "duration":
      throw ctx.fail(`${ctx.fieldName} holds plain JSON values, which have no unit: compare with a number (nanoseconds, seconds …) instead of ${lit.text} at ${lit.position}`, lit);
    default:
      throw ctx.expected("a string, number or boolean", lit);
  }
}
