import { otlpHeaders } from "./otlp-env.ts";

export interface SendOptions {
  /** Give up on a request after retrying this long (ms). */
  maxRetryMs: number;
  /** Called when a request is dropped for good (invalid data, or retries exhausted). */
  onDrop: (reason: string) => void;
}

/**
 * POSTs an OTLP/JSON request and retries what the OTLP spec says to retry — 429, 502, 503, 504
 * and network errors — with exponential back-off, honouring Retry-After. Resolves true when the
 * collector accepted (committed) it, false when it was dropped.
 */
export async function sendOtlp(url: string, body: unknown, options: SendOptions): Promise<boolean> {
  const payload = JSON.stringify(body, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  const headers = { "content-type": "application/json", ...otlpHeaders() };
  const deadline = Date.now() + options.maxRetryMs;
  let delay = 100;
  for (;;) {
    let retryAfterMs: number | undefined;
    let reason: string;
    try {
      const res = await fetch(url, { method: "POST", headers, body: payload });
      const text = await res.text();
      if (res.ok) {
        const partial = partialSuccess(text);
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
      reason = err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ""}` : String(err);
    }
    const wait = Math.min(retryAfterMs ?? delay, 30_000);
    if (Date.now() + wait > deadline) {
      options.onDrop(`gave up after retrying for ${Math.round(options.maxRetryMs / 1000)} s: ${reason}`);
      return false;
    }
    await new Promise((r) => setTimeout(r, wait));
    delay = Math.min(delay * 2, 10_000);
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
