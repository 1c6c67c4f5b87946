import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { otlpHeaders } from "./otlp-env.ts";
import { partialSuccessMessage, statusMessage } from "./otlp-protobuf.ts";
import { requestSlots } from "./request-slots.ts";

export interface SendOptions {
  /** Give up on a request after retrying this long (ms). */
  maxRetryMs: number;
  /** Called when a request is dropped for good (invalid data, or retries exhausted). */
  onDrop: (reason: string) => void;
  /** One attempt, from connecting to the last byte of the answer, at most this long (ms); a timed-out attempt is retried. Default 10 000, the OTel exporters' timeoutMillis. */
  timeoutMs?: number;
}

// node:http rather than fetch, as the OTel OTLP/HTTP exporters do: undici and its web streams cost
// about as much CPU per request as encoding it. Keep-alive agents reuse connections; Node unrefs
// the sockets idling in them, so they never keep the process alive.
const agents = { "http:": new HttpAgent({ keepAlive: true }), "https:": new HttpsAgent({ keepAlive: true }) };

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * POSTs an OTLP request — OTLP/protobuf bytes, or OTLP/JSON as an object or its text — and retries what the OTLP spec says to retry — 429, 502, 503, 504
 * and network errors (timeouts included) — with exponential back-off, honouring Retry-After.
 * Redirects are not followed (a 3xx is refused like a 400). Resolves true when the collector
 * accepted (committed) it, false when it was dropped.
 */
export async function sendOtlp(url: string, body: unknown, options: SendOptions): Promise<boolean> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    options.onDrop(`invalid OTLP endpoint URL ${JSON.stringify(url)}`);
    return false;
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    options.onDrop(`unsupported OTLP endpoint protocol ${target.protocol} (${url})`);
    return false;
  }
  const protobuf = body instanceof Uint8Array;
  const payload = protobuf ? body : Buffer.from(typeof body === "string" ? body : jsonText(body));
  const headers: OutgoingHttpHeaders = {
    "content-type": protobuf ? "application/x-protobuf" : "application/json",
    ...otlpHeaders(),
    "content-length": payload.byteLength,
  };
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + options.maxRetryMs;
  let delay = 100;
  for (;;) {
    let retryAfterMs: number | undefined;
    let reason: string;
    // A slot per attempt (not held while backing off): see request-slots.ts.
    const release = await requestSlots.acquire();
    try {
      const res = await post(target, headers, payload, timeoutMs);
      release();
      // The collector answers in the request's content type; an error from elsewhere (a proxy) may be text.
      const text = (protobuf && res.headers["content-type"]?.includes("protobuf") ? statusMessage(res.body) : undefined) ?? res.body.toString("utf8");
      if (res.status >= 200 && res.status < 300) {
        const partial = protobuf ? partialSuccessMessage(res.body) : partialSuccess(text);
        if (partial) options.onDrop(`the collector rejected part of a request: ${partial}`);
        return true;
      }
      const redirect = res.status >= 300 && res.status < 400;
      reason = `HTTP ${res.status}${redirect ? ` (redirect to ${res.headers.location ?? "nowhere"}, not followed)` : ""}: ${text.slice(0, 300)}`;
      if (![429, 502, 503, 504].includes(res.status)) {
        options.onDrop(reason);
        return false;
      }
      const header = Number(res.headers["retry-after"]);
      if (Number.isFinite(header) && header > 0) retryAfterMs = header * 1000;
    } catch (err) {
      release();
      reason = errorText(err);
    }
    // Jittered, so that many runs refused together (a sweep hitting a busy collector) do not all come back together.
    const wait = Math.min(retryAfterMs !== undefined ? retryAfterMs * (1 + Math.random() / 2) : delay * (0.5 + Math.random()), 30_000);
    if (Date.now() + wait > deadline) {
      options.onDrop(`gave up after retrying for ${Math.round(options.maxRetryMs / 1000)} s: ${reason}`);
      return false;
    }
    await new Promise((r) => setTimeout(r, wait));
    delay = Math.min(delay * 2, 10_000);
  }
}

/** One POST, resolved with the whole answer (read to its end, so the socket goes back to the agent); rejected on any error or after timeoutMs. */
function post(url: URL, headers: OutgoingHttpHeaders, payload: Uint8Array, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = request(url, { method: "POST", headers, agent: agents[url.protocol as "http:" | "https:"] }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
      });
      // A connection lost or destroyed mid-answer errors the response, not the request.
      res.on("error", fail);
    });
    // Destroying the request (its socket too) errors it or its response: fail() settles the attempt.
    const timer = setTimeout(() => req.destroy(new Error(`no complete answer within ${timeoutMs} ms`)), timeoutMs);
    function fail(err: Error): void {
      clearTimeout(timer);
      reject(err); // later errors of this attempt land here too, and are ignored
    }
    req.on("error", fail);
    req.end(payload);
  });
}

function errorText(err: unknown): string {
  // Connecting to a name with several addresses (localhost: ::1 and 127.0.0.1) fails with an AggregateError without a message.
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map(errorText).join("; ");
  return err instanceof Error ? err.message || err.name : String(err);
}

/** JSON text of a request; bigints (which JSON.stringify refuses) as decimal strings. */
function jsonText(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return JSON.stringify(body, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  }
}

function partialSuccess(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { partialSuccess?: { errorMessage?: string } };
    return parsed.partialSuccess?.errorMessage || undefined;
  } catch {
    return undefined;
  }
}
