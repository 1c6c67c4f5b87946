/**
 * The parser: every construct of the grammar, precedence, literals, paths, and errors with their
 * positions (docs/query-language.md). Pure: no database.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Condition, Expr, Literal } from "../../collector/query/ast.ts";
import { MAX_QUERY_LENGTH } from "../../collector/query/lexer.ts";
import { MAX_CONDITIONS, MAX_NESTING, parseQuery } from "../../collector/query/parser.ts";
import { QueryError } from "../../collector/query/query-error.ts";

const NOW = 1_795_651_200_000_000_000n; // 2026-11-26T00:00:00Z

function parse(text: string): Expr {
  const e = parseQuery(text, NOW);
  assert.ok(e, `"${text}" parsed to nothing`);
  return e;
}

/** A compact form of a tree: (and a b), (or …), (not …), and conditions as "path op value". */
function shape(e: Expr): string {
  switch (e.kind) {
    case "and":
    case "or":
      return `(${e.kind} ${e.operands.map(shape).join(" ")})`;
    case "not":
      return `(not ${shape(e.operand)})`;
    case "group":
      return `{${shape(e.operand)}}`;
    case "condition":
      return `${e.field.text}${e.operator === "exists" ? " exists" : ` ${e.operator} ${e.value ? lit(e.value) : ""}`}`;
  }
}

function lit(v: Literal | { kind: "list"; items: Literal[] }): string {
  switch (v.kind) {
    case "list":
      return `[${v.items.map(lit).join(",")}]`;
    case "string":
      return JSON.stringify(v.value);
    case "number":
      return `#${v.text}`;
    case "boolean":
      return String(v.value);
    case "null":
      return "null";
    case "duration":
      return `${v.nanos}ns`;
    case "time":
      return `@${v.nanos}`;
    case "name":
      return `~${v.value}`;
  }
}

function cond(text: string): Condition {
  const e = parse(text);
  assert.equal(e.kind, "condition");
  return e as Condition;
}

function fails(text: string, message: RegExp, position?: number, length?: number): QueryError {
  try {
    parseQuery(text, NOW);
  } catch (err) {
    assert.ok(err instanceof QueryError, `expected a QueryError, got ${String(err)}`);
    assert.match(err.message, message);
    if (position !== undefined) assert.equal(err.position, position, `position of: ${err.message}`);
    if (length !== undefined) assert.equal(err.length, length, `length of: ${err.message}`);
    assert.equal(err.httpStatus, 400);
    return err;
  }
  assert.fail(`"${text}" parsed but should fail with ${message}`);
}

describe("query parser: boolean structure", () => {
  test("an empty or blank query is no condition", () => {
    assert.equal(parseQuery(""), null);
    assert.equal(parseQuery("  \n\t "), null);
  });

  test("and / or / not and their symbols", () => {
    assert.equal(shape(parse(`a.b == 1 and c.d == 2`)), "(and a.b == #1 c.d == #2)");
    assert.equal(shape(parse(`a.b == 1 && c.d == 2`)), "(and a.b == #1 c.d == #2)");
    assert.equal(shape(parse(`a.b == 1 or c.d == 2`)), "(or a.b == #1 c.d == #2)");
    assert.equal(shape(parse(`a.b == 1 || c.d == 2`)), "(or a.b == #1 c.d == #2)");
    assert.equal(shape(parse(`not a.b == 1`)), "(not a.b == #1)");
    assert.equal(shape(parse(`!a.b == 1`)), "(not a.b == #1)");
    assert.equal(shape(parse(`! ! a.b == 1`)), "(not (not a.b == #1))");
  });

  test("keywords are case-insensitive", () => {
    assert.equal(shape(parse(`a.b == 1 AND c.d == 2 Or NOT e.f == TRUE`)), "(or (and a.b == #1 c.d == #2) (not e.f == true))");
  });

  test("precedence: not binds tighter than and, and tighter than or", () => {
    assert.equal(shape(parse(`a.x == 1 or b.x == 2 and c.x == 3`)), "(or a.x == #1 (and b.x == #2 c.x == #3))");
    assert.equal(shape(parse(`a.x == 1 and b.x == 2 or c.x == 3`)), "(or (and a.x == #1 b.x == #2) c.x == #3)");
    assert.equal(shape(parse(`not a.x == 1 and b.x == 2`)), "(and (not a.x == #1) b.x == #2)");
    assert.equal(shape(parse(`not a.x == 1 or b.x == 2`)), "(or (not a.x == #1) b.x == #2)");
  });

  test("parentheses group, and nested chains of one operator flatten", () => {
    assert.equal(shape(parse(`(a.x == 1 or b.x == 2) and c.x == 3`)), "(and (or a.x == #1 b.x == #2) c.x == #3)");
    assert.equal(shape(parse(`not (a.x == 1 or b.x == 2)`)), "(not (or a.x == #1 b.x == #2))");
    assert.equal(shape(parse(`a.x == 1 or (b.x == 2 or (c.x == 3))`)), "(or a.x == #1 b.x == #2 c.x == #3)");
    assert.equal(shape(parse(`((((a.x == 1))))`)), "a.x == #1");
  });

  test("span groups in braces", () => {
    assert.equal(shape(parse(`{a.x == 1} and {b.x == 2}`)), "(and {a.x == #1} {b.x == #2})");
    assert.equal(shape(parse(`not { a.x == 1 or b.x == 2 }`)), "(not {(or a.x == #1 b.x == #2)})");
    assert.equal(shape(parse(`{a.x == 1 and {b.x == 2}}`)), "{(and a.x == #1 {b.x == #2})}");
    const g = parse(` {a.x == 1}`);
    assert.deepEqual([g.kind, g.position, g.length], ["group", 1, 10]);
  });

  test("a long chain is one flat node, not a deep tree", () => {
    const text = Array.from({ length: 400 }, (_, i) => `a.x == ${i}`).join(" or ");
    const e = parse(text);
    assert.equal(e.kind, "or");
    assert.equal((e as { operands: Expr[] }).operands.length, 400);
  });

  test("nodes keep their place in the text", () => {
    const e = parse(`  (a.x == 1) and not b.y exists`);
    assert.equal(e.kind, "and");
    const [left, right] = (e as { operands: Expr[] }).operands;
    assert.deepEqual([left!.position, left!.length], [2, 10]);
    assert.deepEqual([right!.position, right!.length], [17, 14]);
    const c = (right as { operand: Condition }).operand;
    assert.deepEqual([c.field.position, c.field.length], [21, 3]);
  });
});

describe("query parser: operators", () => {
  test("comparisons", () => {
    for (const op of ["==", "!=", "<", "<=", ">", ">="]) assert.equal(cond(`span.duration ${op} 1s`).operator, op);
    assert.equal(cond(`span.name = "x"`).operator, "==", "= is ==");
    assert.equal(cond(`span.name=="x"`).operator, "==", "no spaces needed");
  });

  test("regex match", () => {
    assert.equal(shape(cond("span.name =~ `^GET /api/\\d+`")), 'span.name =~ "^GET /api/\\\\d+"');
    assert.equal(cond(`span.name !~ "x"`).operator, "!~");
  });

  test("in, not in, lists", () => {
    assert.equal(shape(cond(`ai.model in ["gpt-4o", 'o3', 1, true,]`)), 'ai.model in ["gpt-4o","o3",#1,true]');
    assert.equal(shape(cond(`span.kind not in [server, client]`)), "span.kind not in [~server,~client]");
    assert.equal(shape(cond(`span.kind in []`)), "span.kind in []");
  });

  test("contains, startswith, endswith and their negations", () => {
    for (const op of ["contains", "startswith", "endswith"]) {
      assert.equal(cond(`span.name ${op} "x"`).operator, op);
      assert.equal(cond(`span.name not ${op} "x"`).operator, `not ${op}`);
      assert.equal(cond(`span.name ${op.toUpperCase()} "x"`).operator, op);
    }
  });

  test("existence: exists, not exists, == null, != null", () => {
    assert.equal(shape(parse(`span.attr.x exists`)), "span.attr.x exists");
    assert.equal(shape(parse(`span.attr.x not exists`)), "(not span.attr.x exists)");
    assert.equal(shape(parse(`not span.attr.x exists`)), "(not span.attr.x exists)");
    assert.equal(shape(parse(`span.attr.x == null`)), "span.attr.x == null");
    assert.equal(shape(parse(`span.attr.x != null`)), "span.attr.x != null");
  });
});

describe("query parser: literals", () => {
  test("strings in double, single and back quotes, with escapes", () => {
    assert.equal(lit(cond(`a.b == "say \\"hi\\""`).value!), JSON.stringify('say "hi"'));
    assert.equal(lit(cond(`a.b == 'it\\'s'`).value!), JSON.stringify("it's"));
    assert.equal(lit(cond(`a.b == "it's"`).value!), JSON.stringify("it's"));
    assert.equal(lit(cond(`a.b == 'say "hi"'`).value!), JSON.stringify('say "hi"'));
    assert.equal(lit(cond(`a.b == "\\n\\t\\r\\\\\\/\\b\\f\\0"`).value!), JSON.stringify("\n\t\r\\/\b\f\0"));
    assert.equal(lit(cond(`a.b == "caf\\u00e9 \\u{1F600}"`).value!), JSON.stringify("café 😀"));
    assert.equal(lit(cond("a.b == `C:\\dir\\n`").value!), JSON.stringify("C:\\dir\\n"), "backticks are raw");
    assert.equal(lit(cond(`a.b == "日本語 😀 \u0000"`).value!), JSON.stringify("日本語 😀 \u0000"));
    assert.equal(lit(cond(`a.b == ""`).value!), '""');
  });

  test("numbers: integers exact, decimals, exponents, signs, leading zeros", () => {
    assert.equal(lit(cond(`a.b == 42`).value!), "#42");
    assert.equal(lit(cond(`a.b == 9223372036854775807`).value!), "#9223372036854775807");
    assert.equal(lit(cond(`a.b == -3.25`).value!), "#-3.25");
    assert.equal(lit(cond(`a.b == +7`).value!), "#7");
    assert.equal(lit(cond(`a.b == 1e-3`).value!), "#1e-3");
    assert.equal(lit(cond(`a.b == 2.5E+10`).value!), "#2.5E+10");
    assert.equal(lit(cond(`a.b == 007`).value!), "#7");
    assert.equal(lit(cond(`a.b == 0.5`).value!), "#0.5");
  });

  test("booleans and null", () => {
    assert.equal(lit(cond(`a.b == true`).value!), "true");
    assert.equal(lit(cond(`a.b == False`).value!), "false");
    assert.equal(lit(cond(`a.b == null`).value!), "null");
  });

  test("durations in every unit, fractions and compounds", () => {
    const ns = (text: string): string => lit(cond(`span.duration > ${text}`).value!);
    assert.equal(ns("250ms"), "250000000ns");
    assert.equal(ns("2s"), "2000000000ns");
    assert.equal(ns("1.5m"), "90000000000ns");
    assert.equal(ns("1h"), "3600000000000ns");
    assert.equal(ns("2d"), "172800000000000ns");
    assert.equal(ns("10us"), "10000ns");
    assert.equal(ns("10µs"), "10000ns");
    assert.equal(ns("7ns"), "7ns");
    assert.equal(ns("1h30m"), "5400000000000ns");
    assert.equal(ns("0.0000000015s"), "1ns", "below a nanosecond is cut");
  });

  test("ISO timestamps: date, time, fraction, zones", () => {
    const at = (text: string): string => lit(cond(`trace.start > ${text}`).value!);
    assert.equal(at("2026-11-26"), `@${NOW}`);
    assert.equal(at("2026-11-26T00:00:00Z"), `@${NOW}`);
    assert.equal(at("2026-11-26T01:30"), `@${NOW + 5_400_000_000_000n}`);
    assert.equal(at("2026-11-26T00:00:00.000000123Z"), `@${NOW + 123n}`);
    assert.equal(at("2026-11-26T01:00:00+01:00"), `@${NOW}`);
    assert.equal(at("2026-11-25T23:00:00-0100"), `@${NOW}`);
  });

  test("relative time: now, now - d, now + d", () => {
    assert.equal(lit(cond(`trace.start > now`).value!), `@${NOW}`);
    assert.equal(lit(cond(`trace.start > now - 1h`).value!), `@${NOW - 3_600_000_000_000n}`);
    assert.equal(lit(cond(`trace.start < now+30m`).value!), `@${NOW + 1_800_000_000_000n}`);
  });

  test("bare words are names (enum values)", () => {
    assert.equal(lit(cond(`span.status == error`).value!), "~error");
  });
});

describe("query parser: paths", () => {
  test("dotted, bracketed, mixed, numeric segments", () => {
    assert.deepEqual(cond(`span.attr.http.route == "/"`).field.segments.map((s) => s.name), ["span", "attr", "http", "route"]);
    const b = cond(`span.attributes["http.route"] == "/"`).field;
    assert.deepEqual(b.segments.map((s) => [s.name, s.quoted]), [["span", false], ["attributes", false], ["http.route", true]]);
    assert.equal(b.text, `span.attributes["http.route"]`);
    assert.deepEqual(cond(`resource[ 'service.version' ] == "1"`).field.segments.map((s) => s.name), ["resource", "service.version"]);
    assert.deepEqual(cond(`run.hparams.layers.0.size > 3`).field.segments.map((s) => s.name), ["run", "hparams", "layers", "0", "size"]);
    assert.deepEqual(cond(`run.hparams["a b"].c == 1`).field.segments.map((s) => s.name), ["run", "hparams", "a b", "c"]);
    assert.deepEqual(cond(`span.attr["and"] == 1`).field.segments.map((s) => s.name), ["span", "attr", "and"]);
  });
});

describe("query parser: errors say what and where", () => {
  test("unterminated strings and bad escapes", () => {
    fails(`span.name == "abc`, /unterminated string starting at 13/, 13, 4);
    fails(`span.name == 'abc\\`, /unterminated string/);
    fails(`span.name =~ "\\d+"`, /unknown escape \\d in a string at 14; write a regular expression in backticks/, 14, 2);
    fails(`span.name == "\\u12"`, /needs four hex digits/, 14);
    fails(`span.name == "\\u{110000}"`, /beyond U\+10FFFF/, 14);
  });

  test("unexpected characters", () => {
    fails(`span.name == "a" ; DROP TABLE spans`, /unexpected character ";" at 17/, 17, 1);
    fails(`span.name == "a" -- comment`, /expected "and", "or" or the end of the query at 17, found "-"/, 17, 1);
    fails(`span.name == "a" /* c */`, /unexpected character "\/" at 17/, 17);
    fails(`span.name # 1`, /unexpected character "#" at 10/, 10);
    fails(`span.name == "x" ∧ a.b == 1`, /unexpected character "∧" at 17/, 17, 1);
    fails(`😀 == 1`, /unexpected character "😀" at 0/, 0, 2);
  });

  test("structure errors", () => {
    fails(`(span.name == "a"`, /missing "\)" at 17 to close the "\(" at 0/, 17);
    fails(`span.name == "a")`, /unexpected "\)" at 16: there is no "\(" to close/, 16, 1);
    fails(`span.name == "a" and`, /the query ends where a condition was expected/, 20);
    fails(`and span.name == "a"`, /expected a condition before "and" at 0/, 0, 3);
    fails(`span.name == "a" span.kind == server`, /expected "and", "or" or the end of the query at 17, found "span.kind"/, 17, 9);
    fails(`()`, /expected a field such as span.name .* at 1, found "\)"/, 1);
    fails(`{span.name == "a"`, /missing "\}" at 17 to close the "\{" at 0/, 17);
    fails(`{span.name == "a")`, /missing "\}" at 17 to close the "\{" at 0, found "\)"/, 17);
    fails(`span.name == "a"}`, /unexpected "\}" at 16: there is no "\{" to close/, 16, 1);
    fails(`not`, /the query ends where a condition was expected/);
  });

  test("operator and value errors", () => {
    fails(`span.name`, /expected an operator after span.name at 9 \(==, !=/, 9);
    fails(`span.name "x"`, /expected an operator after span.name at 10 .*found a string/, 10);
    fails(`span.name ==`, /expected a value after "==" at 12, found the end of the query/, 12);
    fails(`span.name == span.kind`, /expected a value at 13, found the field span.kind/, 13);
    fails(`span.name not like "x"`, /expected in, contains, startswith, endswith or exists after "not" at 14/, 14);
    fails(`span.kind in server`, /expected a list such as \["a", "b"\] after "in" at 13/, 13);
    fails(`span.kind in [server client]`, /expected "," or "\]" in the list at 21/, 21);
    fails(`trace.start > now - 5`, /expected a duration such as 1h after "now -" at 20/, 20);
  });

  test("literal errors", () => {
    fails(`span.duration > 5x`, /"5x" at 16 is not a valid number \(durations take a unit/, 16, 2);
    fails(`span.duration > 5msx`, /"5msx" at 16 is not a valid duration/, 16, 4);
    fails(`trace.start > 2026-02-30`, /"2026-02-30" at 14 is not a valid date and time/, 14, 10);
    fails(`trace.start > 2026-11-26T25:00`, /not a valid date and time/);
    fails(`span.duration > 999999999999h`, /too long/);
    fails(`a.b == 1e400`, /the number 1e400 at 7 is out of range/, 7, 5);
    fails(`a.b == -1e-400`, /out of range/);
  });

  test("limits: nesting, conditions, length", () => {
    fails("(".repeat(MAX_NESTING + 1) + "a.b == 1" + ")".repeat(MAX_NESTING + 1), new RegExp(`nests deeper than ${MAX_NESTING} levels`), MAX_NESTING);
    fails("!".repeat(10_000) + "a.b == 1", /nests deeper than/);
    assert.ok(parseQuery("(".repeat(MAX_NESTING) + "a.b == 1" + ")".repeat(MAX_NESTING)));
    const many = Array.from({ length: MAX_CONDITIONS + 1 }, () => "a.b == 1").join(" or ");
    fails(many, /too many conditions: at most 500/);
    fails(`a.b == "${"x".repeat(MAX_QUERY_LENGTH)}"`, /the query is 100009 characters long; the limit is 100000/, MAX_QUERY_LENGTH);
  });
});
