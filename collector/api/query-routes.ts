import { Router } from "express";
import type pg from "pg";
import { compileQuery, filterSql, type QueryFilter } from "../query/compile-query.ts";
import { queryWithFilter } from "../query/execute-filtered.ts";
import { QUERY_TARGETS, type QueryTarget } from "../query/targets.ts";
import { findSeriesStatement } from "../storage/metric-reader.ts";
import { findRunsStatement } from "../storage/run-reader.ts";
import { findSpansStatement } from "../storage/span-reader.ts";
import { findTracesStatement } from "../storage/trace-reader.ts";
import { projectParam } from "./project.ts";
import { enumParam, optionalString, type Query } from "./query-params.ts";

/**
 * GET /api/query/explain?q=&target=traces|spans|runs|metrics — for debugging a query: its syntax
 * tree, the condition it compiles to, and the whole statement the endpoint would run (with
 * placeholders) and its parameters. plan=true adds PostgreSQL's plan; plan=analyze runs it.
 */
export function queryRoutes(pool: pg.Pool): Router {
  const router = Router();
  router.get("/query/explain", async (req, res) => {
    const q = req.query as Query;
    const target = enumParam(q, "target", QUERY_TARGETS) ?? "traces";
    const project = projectParam(q);
    const plan = enumParam(q, "plan", ["true", "false", "analyze"] as const) ?? "false";
    const filter = compileQuery(optionalString(q, "q") ?? "", target);
    const statement = targetStatement(target, project, filter);
    const body: Record<string, unknown> = {
      target,
      query: filter.text,
      ast: filter.ast,
      condition: filterSql(filter, TARGET_ALIAS[target]),
      sql: statement.text.trim().replace(/\n\s+/g, "\n  "),
      params: statement.values,
    };
    if (plan !== "false") {
      const explain = plan === "analyze" ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN ";
      const { rows } = await queryWithFilter<{ "QUERY PLAN": string }>(pool, filter, explain + statement.text, statement.values);
      body.plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
    }
    res.type("application/json").send(JSON.stringify(body, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value), 2));
  });
  return router;
}

/** The row alias each reader gives its target. */
const TARGET_ALIAS: Record<QueryTarget, string> = { traces: "t", spans: "s", runs: "r", metrics: "s" };

/** The statement each list endpoint runs for a bare q= (default page sizes and order). */
export function targetStatement(target: QueryTarget, project: string, filter: QueryFilter): { text: string; values: unknown[] } {
  switch (target) {
    case "traces":
      return findTracesStatement({ project, limit: 50, filter });
    case "spans":
      return findSpansStatement({ project, limit: 50, filter });
    case "runs":
      return findRunsStatement({ project, sort: { field: "created", descending: true }, limit: 100, offset: 0, filter });
    case "metrics":
      return findSeriesStatement({ project, kinds: ["gauge", "sum"], limit: 1000, filter });
  }
}
