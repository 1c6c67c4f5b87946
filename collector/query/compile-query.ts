import { conditionsOf, type Expr } from "./ast.ts";
import { bindQuery } from "./bind.ts";
import type { BoundExpr } from "./bound.ts";
import { compileCondition } from "./compile.ts";
import type { Param } from "./condition-sql.ts";
import { parseQuery } from "./parser.ts";
import type { SourceRange } from "./query-error.ts";
import type { QueryTarget } from "./targets.ts";

/**
 * A query compiled for one endpoint, ready to be ANDed into a reader's WHERE clause. All checks
 * have run: rendering SQL from it cannot fail. Readers call toSql with their row alias and their
 * own parameter list, so the query's values are numbered after the reader's.
 */
export interface QueryFilter {
  target: QueryTarget;
  /** The query text as given. */
  text: string;
  /** The parsed query (null when the text is empty or blank: no condition). */
  ast: Expr | null;
  /** Regular expressions in the query: checked by PostgreSQL before the query runs, for a precise error. */
  regexes: Array<SourceRange & { pattern: string }>;
  /** An SQL boolean over the target's row, parameters pushed through `param` (e.g. `(t.error_count > $4::bigint)`). */
  toSql(alias: string, param: Param): string;
}

export interface CompileOptions {
  /** What `now` means, in Unix nanoseconds (default: the current time). */
  now?: bigint;
}

export function compileQuery(text: string, target: QueryTarget, options: CompileOptions = {}): QueryFilter {
  const ast = parseQuery(text, options.now);
  const bound: BoundExpr | null = ast && bindQuery(ast, target);
  const regexes = ast
    ? conditionsOf(ast)
        .filter((c) => (c.operator === "=~" || c.operator === "!~") && c.value?.kind === "string")
        .map((c) => ({ pattern: (c.value as { value: string }).value, position: c.value!.position, length: c.value!.length }))
    : [];
  return {
    target,
    text,
    ast,
    regexes,
    toSql: (alias, param) => (bound ? compileCondition(bound, target, alias, param) : "TRUE"),
  };
}

/** The filter's condition alone, numbered from $1: for explain and tests. */
export function filterSql(filter: QueryFilter, alias: string): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const sql = filter.toSql(alias, (v) => `$${params.push(v)}`);
  return { sql, params };
}
