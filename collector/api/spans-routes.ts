import { Router } from "express";
import type { PostgresSpanReader, SpanCursor } from "../storage/span-reader.ts";
import { projectParam } from "./project.ts";
import { cursorParts, encodeCursor, intParam, queryFilterParam, timeParam, type Query } from "./query-params.ts";
import { spanListItemJson } from "./render-spans.ts";

/** GET /api/spans?q=: single spans matching a query, newest first (docs/query-language.md). */
export function spansRoutes(reader: PostgresSpanReader): Router {
  const router = Router();
  router.get("/spans", async (req, res) => {
    const q = req.query as Query;
    const page = await reader.findSpans({
      project: projectParam(q),
      filter: queryFilterParam(q, "spans"),
      startFrom: timeParam(q, "start"),
      startTo: timeParam(q, "end"),
      limit: intParam(q, "limit", 50, 1, 1000),
      after: spanCursorParam(q),
    });
    const next = page.next ? JSON.stringify(encodeCursor(page.next.startTimeUnixNano, page.next.traceId, page.next.spanId)) : "null";
    res.type("application/json").send(`{"spans":[${page.spans.map(spanListItemJson).join(",")}],"nextCursor":${next}}`);
  });
  return router;
}

function spanCursorParam(q: Query): SpanCursor | undefined {
  const parts = cursorParts(q, "cursor", /^(\d{1,19}):([0-9a-f]{32}):([0-9a-f]{16})$/);
  return parts && { startTimeUnixNano: BigInt(parts[0]!), traceId: parts[1]!, spanId: parts[2]! };
}
