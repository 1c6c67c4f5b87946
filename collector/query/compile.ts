import type { BoundCondition, BoundExpr } from "./bound.ts";
import { columnSql, jsonSql, setSql, type Param, type Sql } from "./condition-sql.ts";
import type { Domain } from "./fields.ts";
import type { QueryTarget } from "./targets.ts";

/** The SQL aliases of the rows a piece of the query can see. */
type Rows = Partial<Record<Domain, string>>;

/**
 * Compiles a type-checked query to one SQL boolean over the target's row (`alias`).
 *
 * Semantics (docs/query-language.md, "Spans and traces"): a span sees its own fields, its trace's
 * and its run's; a trace matches when ONE of its spans makes the whole query true. Written as
 * SQL, a trace query is `EXISTS (span s of t WHERE query(s, t))`, then simplified without
 * changing its meaning, so that trace-only parts stay on the traces row (where they use its
 * indexes) and each group of span conditions joined by `and` becomes one EXISTS over one span:
 *
 *   ∃s (A(t) ∧ B(s))  =  A(t) ∧ ∃s B(s)            (trace conditions come out)
 *   ∃s (B(s) ∨ C(s))  =  ∃s B(s) ∨ ∃s C(s)         (or distributes)
 *   ∃s ¬B(s)          stays one EXISTS: some span is not B (not "no span is B")
 *   ∃s R(run(s))      =  ∃ run r of t: R(r)        (through run_traces, which holds exactly the spans' runs)
 *
 * A span group `{ q }` is a condition on the trace, "some span of the trace satisfies q" — its own
 * EXISTS, independent of the spans around it: `{A} and {B}` may be two spans, `not {A}` is "no span".
 *
 * A span's trace and run, and a series' run, are one row each, so conditions on them become an
 * EXISTS over that one row, wherever they stand.
 */
export function compileCondition(expr: BoundExpr, target: QueryTarget, alias: string, param: Param): string {
  const c = new Compiler(param);
  const rows: Rows = { [TARGET_ROW[target]]: alias };
  return c.compile(expr, rows).text;
}

const TARGET_ROW: Record<QueryTarget, Domain> = { traces: "trace", spans: "span", runs: "run", metrics: "metric" };

class Compiler {
  private aliases = 0;
  private readonly domainCache = new WeakMap<BoundExpr, Set<Domain>>();

  constructor(private readonly p: Param) {}

  compile(e: BoundExpr, rows: Rows): Sql {
    if (rows.trace && !rows.span && !rows.run && !rows.metric) return this.traceLevel(e, rows.trace);
    const domains = this.domains(e);
    if (e.kind === "condition") return rows[e.domain] ? this.atom(e, rows[e.domain]!) : this.bridge(e.domain, e, rows);
    if (e.kind === "group") return rows.trace ? this.spanGroup(e.operand, rows.trace) : this.bridge("trace", e, rows);
    const missing = [...domains].filter((d) => !rows[d]);
    // A subtree only about one row that is not in scope: one EXISTS over that row for all of it.
    if (missing.length === 1 && missing.length === domains.size) return this.bridge(missing[0]!, e, rows);
    return this.structure(e, (child) => this.compile(child, rows));
  }

  /** and / or / not over compiled children; `not` is the exact complement (a missing value is false, so not-false is true). */
  private structure(e: Exclude<BoundExpr, BoundCondition | { kind: "group" }>, child: (e: BoundExpr) => Sql): Sql {
    if (e.kind === "not") {
      const inner = child(e.operand);
      return { text: inner.nullable ? `NOT coalesce(${inner.text}, false)` : `NOT (${inner.text})`, nullable: false };
    }
    const parts = e.operands.map(child);
    return { text: `(${parts.map((s) => s.text).join(e.kind === "and" ? " AND " : " OR ")})`, nullable: parts.some((s) => s.nullable) };
  }

  private atom(c: BoundCondition, row: string): Sql {
    const t = c.test;
    return t.shape === "column" ? columnSql(t, row, this.p) : t.shape === "set" ? setSql(t, row, this.p) : jsonSql(t, row, this.p);
  }

  /** One row reached from the rows in scope: a span's trace or run, a series' run. */
  private bridge(domain: Domain, e: BoundExpr, rows: Rows): Sql {
    const from = rows.span ?? rows.metric;
    if (!from || (domain !== "trace" && domain !== "run") || (domain === "trace" && !rows.span)) {
      throw new Error(`query compiler: no way from ${Object.keys(rows).join(", ")} to ${domain}`); // bind.ts refuses such queries first
    }
    if (domain === "trace") {
      const t = this.alias("q_t");
      const inner = this.compile(e, { ...rows, trace: t });
      return { text: `EXISTS (SELECT 1 FROM traces ${t} WHERE ${t}.project = ${from}.project AND ${t}.trace_id = ${from}.trace_id AND ${inner.text})`, nullable: false };
    }
    const r = this.alias("q_r");
    const inner = this.compile(e, { ...rows, run: r });
    return { text: `EXISTS (SELECT 1 FROM runs ${r} WHERE ${r}.project = ${from}.project AND ${r}.run_id = ${from}.run_id AND ${inner.text})`, nullable: false };
  }

  /** A trace query: trace-only parts on the row, span groups as EXISTS over one span (see the comment at the top). */
  private traceLevel(e: BoundExpr, t: string): Sql {
    const domains = this.domains(e);
    if (e.kind === "group") return this.spanGroup(e.operand, t);
    if (domains.size === 1 && domains.has("trace")) return e.kind === "condition" ? this.atom(e, t) : this.structure(e, (c) => this.traceLevel(c, t));
    if (e.kind === "or") return this.structure(e, (c) => this.traceLevel(c, t));
    if (e.kind === "and") {
      const traceOnly = e.operands.filter((o) => this.onlyTrace(o));
      const rest = e.operands.filter((o) => !this.onlyTrace(o));
      const parts = traceOnly.map((o) => this.traceLevel(o, t));
      if (rest.length > 0) parts.push(this.spanGroup(rest.length === 1 ? rest[0]! : { kind: "and", operands: rest }, t));
      if (parts.length === 1) return parts[0]!;
      return { text: `(${parts.map((s) => s.text).join(" AND ")})`, nullable: parts.some((s) => s.nullable) };
    }
    return this.spanGroup(e, t);
  }

  private onlyTrace(e: BoundExpr): boolean {
    const d = this.domains(e);
    return d.size === 1 && d.has("trace");
  }

  /** "Some span of trace t satisfies g." */
  private spanGroup(g: BoundExpr, t: string): Sql {
    const domains = this.domains(g);
    if (domains.size === 1 && domains.has("run")) {
      const rt = this.alias("q_rt");
      const r = this.alias("q_r");
      const inner = this.compile(g, { run: r });
      return {
        text: `EXISTS (SELECT 1 FROM run_traces ${rt} JOIN runs ${r} ON ${r}.project = ${rt}.project AND ${r}.run_id = ${rt}.run_id WHERE ${rt}.project = ${t}.project AND ${rt}.trace_id = ${t}.trace_id AND ${inner.text})`,
        nullable: false,
      };
    }
    const s = this.alias("q_s");
    const inner = this.compile(g, { span: s, trace: t });
    const implied = this.impliedTraceConditions(g, t);
    const exists = `EXISTS (SELECT 1 FROM spans ${s} WHERE ${s}.project = ${t}.project AND ${s}.trace_id = ${t}.trace_id AND ${inner.text})`;
    return { text: implied.length > 0 ? `(${[...implied, exists].join(" AND ")})` : exists, nullable: false };
  }

  /**
   * Conditions on the trace summary that a span group implies (its service is one of the trace's
   * services; an error span makes an error count): redundant, but they let the planner use the
   * summary's indexes and skip traces before looking at their spans.
   */
  private impliedTraceConditions(g: BoundExpr, t: string): string[] {
    const conjuncts = g.kind === "and" ? g.operands : [g];
    const out: string[] = [];
    for (const c of conjuncts) {
      if (c.kind !== "condition" || c.test.shape !== "column") continue;
      const test = c.test;
      if (test.field.name === "span.service" && test.op === "compare" && test.cmp === "==") out.push(`${t}.service_names @> ARRAY[${this.p(test.value.param)}::text]`);
      else if (test.field.name === "span.service" && test.op === "in" && !test.negated) out.push(`${t}.service_names && ${this.p(test.values.map((v) => v.param))}::text[]`);
      else if (test.field.name === "span.status" && test.op === "compare" && test.cmp === "==" && test.value.param === "2") out.push(`${t}.error_count > 0`);
    }
    return out;
  }

  private domains(e: BoundExpr): Set<Domain> {
    const cached = this.domainCache.get(e);
    if (cached) return cached;
    let out: Set<Domain>;
    if (e.kind === "condition") out = new Set([e.domain]);
    else if (e.kind === "group") out = new Set(["trace"]); // a condition on the trace, whatever is inside
    else if (e.kind === "not") out = this.domains(e.operand);
    else {
      out = new Set();
      for (const o of e.operands) for (const d of this.domains(o)) out.add(d);
    }
    this.domainCache.set(e, out);
    return out;
  }

  private alias(prefix: string): string {
    return `${prefix}${++this.aliases}`;
  }
}
