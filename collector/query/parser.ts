import type { AndExpr, Condition, Expr, ListLiteral, Literal, NotExpr, Operator, OrExpr, Path } from "./ast.ts";
import { jsonNumberText } from "./literals.ts";
import { tokenize } from "./lexer.ts";
import { QueryError, type SourceRange } from "./query-error.ts";
import { describeToken, type Keyword, type Punct, type Token } from "./tokens.ts";

/** Parentheses and `not`s nested deeper than this are refused (the parser and compiler recurse). */
export const MAX_NESTING = 64;
/** Conditions in one query at most. */
export const MAX_CONDITIONS = 500;

const COMPARISONS: Partial<Record<Punct, Operator>> = { "==": "==", "=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=", "=~": "=~", "!~": "!~" };
const OPERATOR_HINT = "==, !=, <, <=, >, >=, =~, !~, in, not in, contains, startswith, endswith or exists";

/**
 * The Sightline query language, by recursive descent (grammar in docs/query-language.md):
 *
 *   query     = [ or ] ;
 *   or        = and { ("or" | "||") and } ;
 *   and       = unary { ("and" | "&&") unary } ;
 *   unary     = ("not" | "!") unary | "(" or ")" | "{" or "}" | condition ;
 *   condition = path ( compare value | match string | ["not"] "in" list
 *                    | ["not"] ("contains" | "startswith" | "endswith") value | ["not"] "exists" ) ;
 *
 * Returns null for an empty query (which matches everything).
 */
export function parseQuery(text: string, now: bigint = BigInt(Date.now()) * 1_000_000n): Expr | null {
  return new Parser(tokenize(text), now).parse();
}

class Parser {
  private i = 0;
  private depth = 0;
  private conditions = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly now: bigint,
  ) {}

  parse(): Expr | null {
    if (this.peek().type === "end") return null;
    const expr = this.parseOr();
    const t = this.peek();
    if (t.type !== "end") {
      if (t.type === "punct" && (t.punct === ")" || t.punct === "}")) {
        throw this.error(`unexpected "${t.punct}" at ${t.position}: there is no "${t.punct === ")" ? "(" : "{"}" to close`, t);
      }
      throw this.error(`expected "and", "or" or the end of the query at ${t.position}, found ${describeToken(t)}`, t);
    }
    return expr;
  }

  private parseOr(): Expr {
    const first = this.parseAnd();
    const operands: Expr[] = [first];
    while (this.acceptKeyword("or") || this.acceptPunct("||")) operands.push(this.parseAnd());
    if (operands.length === 1) return first;
    return { kind: "or", operands: flatten("or", operands), ...span(first, operands[operands.length - 1]!) } satisfies OrExpr;
  }

  private parseAnd(): Expr {
    const first = this.parseUnary();
    const operands: Expr[] = [first];
    while (this.acceptKeyword("and") || this.acceptPunct("&&")) operands.push(this.parseUnary());
    if (operands.length === 1) return first;
    return { kind: "and", operands: flatten("and", operands), ...span(first, operands[operands.length - 1]!) } satisfies AndExpr;
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if ((t.type === "keyword" && t.keyword === "not") || (t.type === "punct" && t.punct === "!")) {
      this.i++;
      this.enter(t, "not");
      const operand = this.parseUnary();
      this.depth--;
      return { kind: "not", operand, ...span(t, operand) };
    }
    if (t.type === "punct" && t.punct === "(") {
      this.i++;
      this.enter(t, "(");
      const inner = this.parseOr();
      const close = this.peek();
      if (!(close.type === "punct" && close.punct === ")")) {
        throw this.error(`missing ")" at ${close.position} to close the "(" at ${t.position}, found ${describeToken(close)}`, close);
      }
      this.i++;
      this.depth--;
      return { ...inner, position: t.position, length: close.position + 1 - t.position };
    }
    if (t.type === "punct" && t.punct === "{") {
      this.i++;
      this.enter(t, "{");
      const inner = this.parseOr();
      const close = this.peek();
      if (!(close.type === "punct" && close.punct === "}")) {
        throw this.error(`missing "}" at ${close.position} to close the "{" at ${t.position}, found ${describeToken(close)}`, close);
      }
      this.i++;
      this.depth--;
      return { kind: "group", operand: inner, position: t.position, length: close.position + 1 - t.position };
    }
    return this.parseCondition();
  }

  private enter(t: Token, what: string): void {
    if (++this.depth > MAX_NESTING) throw this.error(`"${what}" at ${t.position} nests deeper than ${MAX_NESTING} levels`, t);
  }

  private parseCondition(): Condition | NotExpr {
    const t = this.next();
    if (t.type !== "path") {
      if (t.type === "end") throw this.error(`the query ends where a condition was expected, such as span.name == "checkout"`, t);
      if (t.type === "keyword" && ["and", "or"].includes(t.keyword)) throw this.error(`expected a condition before "${t.keyword}" at ${t.position}`, t);
      throw this.error(`expected a field such as span.name or run.hparams.lr at ${t.position}, found ${describeToken(t)}`, t);
    }
    if (++this.conditions > MAX_CONDITIONS) throw this.error(`too many conditions: at most ${MAX_CONDITIONS} in one query (the one at ${t.position} is over)`, t);
    const field: Path = { text: t.text, segments: t.segments, position: t.position, length: t.length };
    const op = this.next();
    const cmp = op.type === "punct" ? COMPARISONS[op.punct] : undefined;
    if (cmp) {
      const value = this.parseValue(op);
      return condition(field, cmp, op, value);
    }
    if (op.type === "keyword") {
      let negated = false;
      let word: Token = op;
      if (op.keyword === "not") {
        negated = true;
        word = this.next();
      }
      if (word.type === "keyword") {
        const opRange = { position: op.position, length: word.position + word.length - op.position };
        switch (word.keyword) {
          case "in":
            return condition(field, negated ? "not in" : "in", opRange, this.parseList(word));
          case "contains":
          case "startswith":
          case "endswith":
            return condition(field, (negated ? `not ${word.keyword}` : word.keyword) as Operator, opRange, this.parseValue(word));
          case "exists": {
            const c = condition(field, "exists", opRange, undefined);
            return negated ? { kind: "not", operand: c, position: c.position, length: c.length } : c;
          }
        }
      }
      if (negated) throw this.error(`expected in, contains, startswith, endswith or exists after "not" at ${word.position}, found ${describeToken(word)}`, word);
    }
    if (op.type === "end") throw this.error(`expected an operator after ${field.text} at ${op.position} (${OPERATOR_HINT})`, op);
    throw this.error(`expected an operator after ${field.text} at ${op.position} (${OPERATOR_HINT}), found ${describeToken(op)}`, op);
  }

  private parseList(after: Token): ListLiteral {
    const open = this.next();
    if (!(open.type === "punct" && open.punct === "[")) throw this.error(`expected a list such as ["a", "b"] after "in" at ${open.position}, found ${describeToken(open)}`, open);
    const items: Literal[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === "punct" && t.punct === "]") break;
      items.push(this.parseValue(after));
      const sep = this.peek();
      if (sep.type === "punct" && sep.punct === ",") {
        this.i++;
        continue;
      }
      if (!(sep.type === "punct" && sep.punct === "]")) throw this.error(`expected "," or "]" in the list at ${sep.position}, found ${describeToken(sep)}`, sep);
    }
    const close = this.next();
    return { kind: "list", items, position: open.position, length: close.position + 1 - open.position };
  }

  private parseValue(after: Token): Literal {
    const t = this.next();
    switch (t.type) {
      case "string":
        return { kind: "string", value: t.value, position: t.position, length: t.length };
      case "number":
        return this.number(t.text, t, t);
      case "duration":
        return { kind: "duration", nanos: t.nanos, text: t.text, position: t.position, length: t.length };
      case "timestamp":
        return { kind: "time", nanos: t.nanos, text: t.text, position: t.position, length: t.length };
      case "keyword":
        if (t.keyword === "true" || t.keyword === "false") return { kind: "boolean", value: t.keyword === "true", position: t.position, length: t.length };
        if (t.keyword === "null") return { kind: "null", position: t.position, length: t.length };
        if (t.keyword === "now") return this.relativeTime(t);
        break;
      case "path":
        if (t.segments.length === 1 && !t.segments[0]!.quoted) return { kind: "name", value: t.text, position: t.position, length: t.length };
        throw this.error(`expected a value at ${t.position}, found the field ${t.text}: a condition compares a field with a value (strings in quotes)`, t);
      case "punct":
        if (t.punct === "-" || t.punct === "+") {
          const n = this.next();
          if (n.type === "number") return this.number((t.punct === "-" ? "-" : "") + n.text, t, n);
          if (n.type === "duration" && t.punct === "+") return { kind: "duration", nanos: n.nanos, text: n.text, position: t.position, length: n.position + n.length - t.position };
          throw this.error(`expected a number after "${t.punct}" at ${n.position}, found ${describeToken(n)}`, n);
        }
        break;
    }
    throw this.error(`expected a value after ${describeToken(after)} at ${t.position}, found ${describeToken(t)}`, t);
  }

  private number(text: string, first: Token, last: Token): Literal {
    const json = jsonNumberText(text);
    const range = { position: first.position, length: last.position + last.length - first.position };
    if (json === null) throw this.error(`the number ${text} at ${first.position} is out of range (a 64-bit float must hold it)`, range);
    return { kind: "number", text: json, ...range };
  }

  /** `now`, `now - 1h`, `now + 30m`. */
  private relativeTime(nowToken: Token): Literal {
    const sign = this.peek();
    if (!(sign.type === "punct" && (sign.punct === "-" || sign.punct === "+"))) {
      return { kind: "time", nanos: this.now, text: "now", position: nowToken.position, length: nowToken.length };
    }
    this.i++;
    const d = this.next();
    if (d.type !== "duration") throw this.error(`expected a duration such as 1h after "now ${sign.punct}" at ${d.position}, found ${describeToken(d)}`, d);
    const nanos = sign.punct === "-" ? this.now - d.nanos : this.now + d.nanos;
    return { kind: "time", nanos, text: `now ${sign.punct} ${d.text}`, position: nowToken.position, length: d.position + d.length - nowToken.position };
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.type !== "end") this.i++;
    return t;
  }

  private acceptKeyword(k: Keyword): boolean {
    const t = this.peek();
    if (t.type === "keyword" && t.keyword === k) {
      this.i++;
      return true;
    }
    return false;
  }

  private acceptPunct(p: Punct): boolean {
    const t = this.peek();
    if (t.type === "punct" && t.punct === p) {
      this.i++;
      return true;
    }
    return false;
  }

  private error(message: string, at: SourceRange): QueryError {
    return new QueryError(message, at.position, Math.max(at.length, 1));
  }
}

function condition(field: Path, operator: Operator, opRange: SourceRange, value: Condition["value"]): Condition {
  const end = value ? value.position + value.length : opRange.position + opRange.length;
  return { kind: "condition", field, operator, operatorRange: { position: opRange.position, length: opRange.length }, ...(value ? { value } : {}), position: field.position, length: end - field.position };
}

function span(first: SourceRange, last: SourceRange): SourceRange {
  return { position: first.position, length: last.position + last.length - first.position };
}

/** `a or (b or c)` → one `or` of three (the parentheses add nothing). */
function flatten(kind: "and" | "or", operands: Expr[]): Expr[] {
  return operands.flatMap((e) => (e.kind === kind ? e.operands : [e]));
}
