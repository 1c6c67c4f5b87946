/** The JSON API, as the UI calls it. Errors keep what the server said, including query positions. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Query-language errors: where in `q` the problem is (0-based, in characters). */
    readonly position?: number,
    readonly length?: number,
  ) {
    super(message);
  }
}

export type Params = Record<string, string | number | boolean | null | undefined | string[]>;

export function apiUrl(path: string, params: Params = {}): string {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === "" || v === false) continue;
    if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, item);
    else url.searchParams.set(k, String(v));
  }
  return url.pathname + url.search;
}

export async function getText(path: string, params: Params = {}, signal?: AbortSignal): Promise<string> {
  let res: Response;
  try {
    res = await fetch(apiUrl(path, params), { signal, headers: { accept: "application/json" } });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError(0, "the collector does not answer (is it running?)");
  }
  const text = await res.text();
  if (!res.ok) throw errorFrom(res.status, text);
  return text;
}

export async function getJson<T>(path: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
  return JSON.parse(await getText(path, params, signal)) as T;
}

export async function patchJson<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw errorFrom(res.status, text);
  return JSON.parse(text) as T;
}

function errorFrom(status: number, text: string): ApiError {
  try {
    const e = (JSON.parse(text) as { error?: { message?: string; position?: number; length?: number } }).error;
    if (e?.message) return new ApiError(status, e.message, typeof e.position === "number" ? e.position : undefined, typeof e.length === "number" ? e.length : undefined);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(status, `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ""}`);
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Whether an error is a fetch we cancelled ourselves (a newer request replaced it). */
export function isAbort(err: unknown): boolean {
  return (err as Error)?.name === "AbortError";
}
