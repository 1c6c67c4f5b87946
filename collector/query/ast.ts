import type { SourceRange } from "./query-error.ts";

/**
 * The typed syntax tree of a query. `and` / `or` are n-ary (a chain of 10,000 `or`s is one node,
 * not a 10,000-deep tree). Every node keeps its place in the query text for error messages.
 */
export type Expr = AndExpr | OrExpr | NotExpr | SpanGroup | Condition;

export interface AndExpr extends SourceRange {
  kind: "and";
  operands: Expr[];
}

export interface OrExpr extends SourceRange {
  kind: "or";
  operands: Expr[];
}

export interface NotExpr extends SourceRange {
  kind: "not";
  operand: Expr;
}

/** `{ … }`: some span of the trace satisfies the inner query (TraceQL's spanset). A condition on the trace. */
export interface SpanGroup extends SourceRange {
  kind: "group";
  operand: Expr;
}

export type ComparisonOperator = "==" | "!=" | "<" | "<=" | ">" | ">=";
export type MatchOperator = "=~" | "!~";
export type TextOperator = "contains" | "not contains" | "startswith" | "not startswith" | "endswith" | "not endswith";
export type Operator = ComparisonOperator | MatchOperator | TextOperator | "in" | "not in" | "exists";

export interface Condition extends SourceRange {
  kind: "condition";
  field: Path;
  operator: Operator;
  operatorRange: SourceRange;
  /** Absent for `exists`; a list for `in` / `not in`. */
  value?: Literal | ListLiteral;
}

export interface Path extends SourceRange {
  /** As written, e.g. `span.attributes["http.route"]`. */
  text: string;
  segments: PathSegment[];
}

export interface PathSegment extends SourceRange {
  name: string;
  quoted: boolean;
}

export type Literal = StringLiteral | NumberLiteral | BooleanLiteral | NullLiteral | DurationLiteral | TimeLiteral | NameLiteral;

export interface StringLiteral extends SourceRange {
  kind: "string";
  value: string;
}

export interface NumberLiteral extends SourceRange {
  kind: "number";
  /** JSON number text, exactly as written (no leading zeros): 64-bit integers stay exact. */
  text: string;
}

export interface BooleanLiteral extends SourceRange {
  kind: "boolean";
  value: boolean;
}

export interface NullLiteral extends SourceRange {
  kind: "null";
}

export interface DurationLiteral extends SourceRange {
  kind: "duration";
  nanos: bigint;
  text: string;
}

/** An ISO timestamp, or `now` ± a duration (evaluated when the query is parsed). */
export interface TimeLiteral extends SourceRange {
  kind: "time";
  nanos: bigint;
  text: string;
}

/** A bare word in value position: an enum value such as `server`, `error`, `llm`, `finished`. */
export interface NameLiteral extends SourceRange {
  kind: "name";
  value: string;
}

export interface ListLiteral extends SourceRange {
  kind: "list";
  items: Literal[];
}

/** Every condition of a tree, in query order. */
export function conditionsOf(expr: Expr): Condition[] {
  const out: Condition[] = [];
  const stack: Expr[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (e.kind === "condition") out.push(e);
    else if (e.kind === "not" || e.kind === "group") stack.push(e.operand);
    else for (let i = e.operands.length - 1; i >= 0; i--) stack.push(e.operands[i]!);
  }
  return out;
}
