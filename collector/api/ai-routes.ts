import { Router } from "express";
import { PermanentError } from "../errors.ts";
import { boundedKey, KEY_LIMITS } from "../normalize/bounded-key.ts";
import type { PostgresAiUsageReader } from "../storage/ai-usage-reader.ts";
import type { PostgresSessionReader } from "../storage/session-reader.ts";
import { projectParam } from "./project.ts";
import { cursorParts, encodeCursor, intParam, optionalString, timeParam, type Query } from "./query-params.ts";

const DAY_NS = 86_400_000_000_000n;

/** Conversations and model usage: GET /api/sessions, /api/sessions/{id}, /api/ai/models. */
export function aiRoutes(sessions: PostgresSessionReader, usage: PostgresAiUsageReader): Router {
  const router = Router();

  router.get("/sessions", async (req, res) => {
    const q = req.query as Query;
    const after = cursorParts(q, "cursor", /^(\d{1,19}):([\s\S]+)$/);
    const page = await sessions.findSessions({
      project: projectParam(q),
      userId: optionalString(q, "user") || undefined,
      from: timeParam(q, "start"),
      to: timeParam(q, "end"),
      limit: intParam(q, "limit", 50, 1, 1000),
      after: after && { lastTimeUnixNano: BigInt(after[0]!), sessionId: after[1]! },
    });
    res.json({ sessions: page.sessions, nextCursor: page.next ? encodeCursor(page.next.lastTimeUnixNano, page.next.sessionId) : null });
  });

  router.get("/sessions/:sessionId", async (req, res) => {
    const found = await sessions.getSession(projectParam(req.query as Query), boundedKey(req.params.sessionId, KEY_LIMITS.session));
    if (!found) throw new PermanentError("session not found", 404);
    res.json(found);
  });

  router.get("/ai/models", async (req, res) => {
    const q = req.query as Query;
    const now = BigInt(Date.now()) * 1_000_000n;
    const to = timeParam(q, "end") ?? now;
    const from = timeParam(q, "start") ?? to - 7n * DAY_NS;
    if (from >= to) throw new PermanentError("start must be before end");
    const models = await usage.modelUsage(projectParam(q), from, to);
    res.json({ startTimeUnixNano: String(from), endTimeUnixNano: String(to), models });
  });

  return router;
}
