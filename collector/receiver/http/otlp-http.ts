import { Router, type Request, type Response } from "express";
import { UnsupportedMediaTypeError } from "../../errors.ts";
import type { MemoryBudget } from "../memory-budget.ts";
import { encodeErrorStatus } from "../otlp/error-body.ts";
import { decodeAndConsume, type OtlpFormat, type OtlpSignal } from "../otlp/signal.ts";
import { failureOf } from "../status-mapping.ts";
import { readBody, type BodyLease } from "./body.ts";

export interface OtlpHttpOptions {
  maxBodyBytes: number;
  budget: MemoryBudget;
  log: (message: string) => void;
}

const CONTENT_TYPES: Record<string, OtlpFormat> = {
  "application/x-protobuf": "protobuf",
  "application/protobuf": "protobuf",
  "application/json": "json",
};

/** OTLP/HTTP: POST /v1/<signal> with protobuf or JSON bodies, answered in the request's format. */
export function otlpHttpRouter(signals: Array<OtlpSignal<unknown>>, options: OtlpHttpOptions): Router {
  const router = Router();
  for (const signal of signals) {
    router.post(signal.httpPath, (req, res) => void handleExport(signal, req, res, options));
    router.all(signal.httpPath, (_req, res) => {
      res.status(405).set("Allow", "POST").json({ code: 12, message: `${signal.httpPath} accepts only POST` });
    });
  }
  return router;
}

export function formatOf(contentType: string | undefined): OtlpFormat | undefined {
  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return Object.hasOwn(CONTENT_TYPES, mediaType) ? CONTENT_TYPES[mediaType] : undefined;
}

async function handleExport(signal: OtlpSignal<unknown>, req: Request, res: Response, options: OtlpHttpOptions): Promise<void> {
  const format = formatOf(req.headers["content-type"]);
  let lease: BodyLease | undefined;
  try {
    if (!format) {
      throw new UnsupportedMediaTypeError(
        `unsupported Content-Type "${req.headers["content-type"] ?? ""}": use application/x-protobuf or application/json`,
      );
    }
    lease = await readBody(req, options.maxBodyBytes, options.budget);
    const { committed, rejected } = decodeAndConsume(signal, lease.body, format);
    await committed;
    send(res, 200, format, signal.encodeResponse(rejected, format));
  } catch (err) {
    const failure = failureOf(err);
    if (failure.httpStatus >= 500 && failure.httpStatus !== 503) options.log(`${signal.httpPath}: ${failure.message}`);
    if (failure.retryAfterSeconds !== undefined) res.set("Retry-After", String(failure.retryAfterSeconds));
    // The body may be unread (too large, refused early). Closing at once would reset the connection
    // under a client still sending, which then never sees this answer: discard the rest a moment first.
    if (!req.complete) lingerThenClose(req);
    send(res, failure.httpStatus, format ?? "json", encodeErrorStatus(failure.grpcCode, failure.message, format ?? "json"));
  } finally {
    lease?.release();
  }
}

/** How long the unread body of a refused request is discarded (never inflated) before the connection is closed. */
const LINGER_MS = 2_000;

function lingerThenClose(req: Request): void {
  const socket = req.socket;
  const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
  const done = (): void => clearTimeout(timer);
  req.once("end", done); // the whole body came: the connection stays usable (keep-alive)
  socket.once("close", done);
  req.resume();
}

function send(res: Response, status: number, format: OtlpFormat, body: Uint8Array): void {
  if (res.headersSent) return;
  res.status(status).type(format === "json" ? "application/json" : "application/x-protobuf").end(Buffer.from(body.buffer, body.byteOffset, body.length));
}
