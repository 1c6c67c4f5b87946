import { otlpHeaders } from "./otlp-env.ts";
import { partialSuccessMessage, statusMessage } from "./otlp-protobuf.ts";
import { requestSlots } from "./request-slots.ts";

export interface SendOptions {
  /** Give up on a request after retrying this long (ms). */
  maxRetryMs: number;
  /** Called when a request is dropped for good (invalid data, or retries exhausted). */
  onDrop: (reason: string) => void;
}

/**
 * POSTs an OTLP request — OTLP/protobuf bytes, or OTLP/JSON as an object or its text — and retries what the OTLP spec says to retry — 429, 502, 503, 504
 * and network errors — with exponential back-off, honouring Retry-After. Resolves true when the
 * collector accepted (committed) it, false when it was dropped.
 */
export async function sendOtlp(url: string, body: unknown, options: SendOptions): Promise<boolean> {
  const protobuf = body instanceof Uint8Array;
  const payload = protobuf ? body : typeof body === "string" ? body : jsonText(body);
  const headers = { "content-type": protobuf ? "application/x-protobuf" : "application/json", ...otlpHeaders() };
  const deadline = Date.now() + options.maxRetryMs;
  let delay = 100;
  for (;;) {
    let retryAfterMs: number | undefined;
    let reason: string;
    // A slot per attempt (not held while backing off): see request-slots.ts.
    const release = await requestSlots.acquire();
    try {
      const res = await fetch(url, { method: "POST", headers, body: payload });
      const answer = Buffer.from(await res.arrayBuffer());
      release();
      // The collector answers in the request's content type; an error from elsewhere (a proxy) may be text.
      const text = (protobuf && res.headers.get("content-type")?.includes("protobuf") ? statusMessage(answer) : undefined) ?? answer.toString("utf8");
      if (res.ok) {
        const partial = protobuf ? partialSuccessMessage(answer) : partialSuccess(text);
        if (partial) options.onDrop(`the collector rejected part of a request: ${partial}`);
        return true;
      }
      reason = `HTTP ${res.status}: ${text.slice(0, 300)}`;
      if (![429, 502, 503, 504].includes(res.status)) {
        options.onDrop(reason);
        return false;
      }
      const header = Number(res.headers.get("retry-after"));
      if (Number.isFinite(header) && header > 0) retryAfterMs = header * 1000;
    } catch (err) {
      release();
      reason = err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ""}` : String(err);
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
