import { Router } from "express";
import { PermanentError } from "../errors.ts";
import { boundedKey, KEY_LIMITS } from "../normalize/bounded-key.ts";
import { traceBatchToOtlpJson } from "../receiver/otlp/encode-json.ts";
import { storedTraceToModel } from "../storage/stored-trace.ts";
import type { TraceReader } from "../storage/trace-reader.ts";
import { projectParam, runIdParam } from "./project.ts";
import {
  attributeParams,
  durationParam,
  encodeCursor,
  enumParam,
  intParam,
  optionalString,
  queryFilterParam,
  timeParam,
  traceCursorParam,
  traceIdParam,
} from "./query-params.ts";
import { renderTraceJson } from "./render-trace.ts";

/** A service name as stored: bounded like the collector bounds it at ingest. */
function serviceParam(q: Record<string, unknown>): string | undefined {
  const service = optionalString(q, "service");
  return service ? boundedKey(service, KEY_LIMITS.serviceName) : undefined;
}

export function tracesRoutes(reader: TraceReader): Router {
  const router = Router();

  router.get("/traces", async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const page = await reader.findTraces({
      project: projectParam(q),
      service: serviceParam(q),
      spanName: optionalString(q, "name") || undefined,
      runId: optionalString(q, "run") ? runIdParam(optionalString(q, "run")!) : undefined,
      attributes: attributeParams(q),
      startFrom: timeParam(q, "start"),
      startTo: timeParam(q, "end"),
      minDurationNanos: durationParam(q, "minDuration"),
      maxDurationNanos: durationParam(q, "maxDuration"),
      status: enumParam(q, "status", ["error", "ok"] as const),
      limit: intParam(q, "limit", 50, 1, 1000),
      after: traceCursorParam(q, "cursor"),
      filter: queryFilterParam(q, "traces"),
    });
    res.json({ traces: page.traces, nextCursor: page.next ? encodeCursor(page.next.startTimeUnixNano, page.next.traceId) : null });
  });

  router.get("/traces/:traceId", async (req, res) => {
    const trace = await reader.getTrace(projectParam(req.query as Record<string, unknown>), traceIdParam(req.params.traceId));
    if (!trace) throw new PermanentError("trace not found", 404);
    res.type("application/json").send(renderTraceJson(trace));
  });

  router.get("/traces/:traceId/otlp", async (req, res) => {
    const trace = await reader.getTrace(projectParam(req.query as Record<string, unknown>), traceIdParam(req.params.traceId));
    if (!trace) throw new PermanentError("trace not found", 404);
    res.json(traceBatchToOtlpJson(storedTraceToModel(trace)));
  });

  return router;
}
