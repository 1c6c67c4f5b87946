import type { Condition, ComparisonOperator } from "./ast.ts";
import type { ColumnField, Domain, JsonField, SetField } from "./fields.ts";

/**
 * A query after type checking: the same tree, with each condition resolved to a catalogue field
 * and its literal converted to exactly what will be bound. Rendering SQL from it cannot fail.
 */
export type BoundExpr =
  | { kind: "and"; operands: BoundExpr[] }
  | { kind: "or"; operands: BoundExpr[] }
  | { kind: "not"; operand: BoundExpr }
  | { kind: "group"; operand: BoundExpr }
  | BoundCondition;

export interface BoundCondition {
  kind: "condition";
  domain: Domain;
  source: Condition;
  test: ColumnTest | SetTest | JsonTest;
}

/** A value bound as one parameter, cast to an SQL type chosen by the catalogue (never by the query). */
export interface SqlValue {
  param: string | boolean;
  sqlType: "text" | "bigint" | "numeric" | "integer" | "float8" | "timestamptz" | "boolean" | "bytea";
}

export type TextFunction = "contains" | "startswith" | "endswith";

export type ColumnTest = { shape: "column"; field: ColumnField } & (
  | { op: "exists" | "missing" }
  | { op: "compare"; cmp: ComparisonOperator; value: SqlValue }
  | { op: "in"; negated: boolean; values: SqlValue[]; sqlType: SqlValue["sqlType"] }
  | { op: "match"; negated: boolean; pattern: string }
  | { op: "text"; fn: TextFunction; negated: boolean; value: string }
);

export type SetTest = { shape: "set"; field: SetField } & (
  | { op: "exists" | "missing" }
  | { op: "has"; negated: boolean; values: string[] }
  | { op: "match"; negated: boolean; pattern: string }
  | { op: "text"; fn: TextFunction; negated: boolean; value: string }
);

export type JsonType = "string" | "number" | "boolean";

export type JsonTest = { shape: "json"; field: JsonField; key?: string; jsonPath?: string[] } & (
  | { op: "exists" | "missing" }
  | { op: "equal"; negated: boolean; json: string }
  | { op: "order"; cmp: "<" | "<=" | ">" | ">="; json: string; type: "string" | "number" }
  | { op: "in"; negated: boolean; jsons: string[] }
  | { op: "match"; negated: boolean; pattern: string }
  | { op: "text"; fn: TextFunction; negated: boolean; value: string }
  | { op: "contains"; negated: boolean; element: string; substring: string | null }
);
