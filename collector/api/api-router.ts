import { Router, type NextFunction, type Request, type Response } from "express";
import type pg from "pg";
import { PermanentError, RetryableError, errorMessage } from "../errors.ts";
import type { PostgresLogReader } from "../storage/log-reader.ts";
import type { PostgresMetricReader } from "../storage/metric-reader.ts";
import type { PostgresRunReader } from "../storage/run-reader.ts";
import type { TraceReader } from "../storage/trace-reader.ts";
import { metricsRoutes } from "./metrics-routes.ts";
import { aiRoutes } from "./ai-routes.ts";
import type { PostgresAiUsageReader } from "../storage/ai-usage-reader.ts";
import type { PostgresSessionReader } from "../storage/session-reader.ts";
import { QueryError } from "../query/query-error.ts";
import { PostgresSpanReader } from "../storage/span-reader.ts";
import { queryRoutes } from "./query-routes.ts";
import { spansRoutes } from "./spans-routes.ts";
import { runsRoutes } from "./runs-routes.ts";
import { tracesRoutes } from "./traces-routes.ts";

export interface ApiDeps {
  pool: pg.Pool;
  traces: TraceReader;
  runs: PostgresRunReader;
  metrics: PostgresMetricReader;
  logs: PostgresLogReader;
  sessions: PostgresSessionReader;
  aiUsage: PostgresAiUsageReader;
  health: () => Record<string, unknown>;
  log: (message: string) => void;
  /** More routers under /api, behind the same error handling (trace tree, live events, app modules). */
  routes?: Router[];
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
  router.use(runsRoutes(deps.runs, deps.metrics, deps.logs));
  router.use(metricsRoutes(deps.metrics));
  router.use(aiRoutes(deps.sessions, deps.aiUsage));
  router.use(spansRoutes(new PostgresSpanReader(deps.pool)));
  router.use(queryRoutes(deps.pool));
  for (const routes of deps.routes ?? []) router.use(routes);

  router.use((req, _res, next) => next(new PermanentError(`no such API endpoint: ${req.method} ${req.baseUrl}${req.path}`, 404)));

  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    let status = 500;
    let message = errorMessage(err);
    if (err instanceof PermanentError) status = err.httpStatus;
    else if (isClientHttpError(err)) {
      // express.json() errors: malformed or oversized bodies, unsupported charsets.
      status = err.status;
      message = `request body: ${message}`;
    }
    else if (err instanceof RetryableError) {
      status = err.httpStatus;
      res.set("Retry-After", String(err.retryAfterSeconds));
    } else if (isDatabaseUnavailable(err)) {
      status = 503;
      message = `database unavailable: ${message}`;
      res.set("Retry-After", "5");
    } else deps.log(`api: ${message}`);
    // Query-language errors say where: {"position", "length"} in the q text, for the UI to underline.
    const where = err instanceof QueryError ? { position: err.position, length: err.length } : {};
    res.status(status).json({ error: { status, message, ...where } });
  });

  return router;
}

function isClientHttpError(err: unknown): err is Error & { status: number } {
  const status = (err as { status?: unknown })?.status;
  return err instanceof Error && typeof status === "number" && status >= 400 && status < 500;
}

function isDatabaseUnavailable(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? "";
  // 3D000: the database is gone; 28: credentials refused; 55000: it does not accept connections.
  return /^(08|28|3D|53|57)/.test(code) || code === "55000" || code === "ECONNREFUSED" || code === "ECONNRESET" || /Connection terminated|timeout exceeded when trying to connect/i.test(errorMessage(err));
}
