import { Router, type NextFunction, type Request, type Response } from "express";
import type pg from "pg";
import { PermanentError, RetryableError, errorMessage } from "../errors.ts";
import type { TraceReader } from "../storage/trace-reader.ts";
import { tracesRoutes } from "./traces-routes.ts";

export interface ApiDeps {
  pool: pg.Pool;
  traces: TraceReader;
  health: () => Record<string, unknown>;
  log: (message: string) => void;
}

/** The JSON API under /api. Errors are JSON: {"error": {"status", "message"}}. */
export function apiRouter(deps: ApiDeps): Router {
  const router = Router();

  router.get("/health", async (_req, res) => {
    try {
      await deps.pool.query("SELECT 1");
      res.json({ status: "ok", ...deps.health() });
    } catch (err) {
      res.status(503).json({ status: "unavailable", message: `database: ${errorMessage(err)}`, ...deps.health() });
    }
  });

  router.use(tracesRoutes(deps.traces));

  router.use((req, _res, next) => next(new PermanentError(`no such API endpoint: ${req.method} ${req.baseUrl}${req.path}`, 404)));

  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    let status = 500;
    let message = errorMessage(err);
    if (err instanceof PermanentError) status = err.httpStatus;
    else if (err instanceof RetryableError) {
      status = err.httpStatus;
      res.set("Retry-After", String(err.retryAfterSeconds));
    } else if (isDatabaseUnavailable(err)) {
      status = 503;
      message = `database unavailable: ${message}`;
      res.set("Retry-After", "5");
    } else deps.log(`api: ${message}`);
    res.status(status).json({ error: { status, message } });
  });

  return router;
}

function isDatabaseUnavailable(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? "";
  return /^(08|53|57)/.test(code) || code === "ECONNREFUSED" || code === "ECONNRESET" || /Connection terminated|timeout exceeded when trying to connect/i.test(errorMessage(err));
}
