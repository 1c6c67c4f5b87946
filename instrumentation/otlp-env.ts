/** The standard OTEL_* settings the instrumentation honours, read once where needed. */

export const DEFAULT_ENDPOINT = "http://127.0.0.1:4318";

/** Base URL of the OTLP/HTTP receiver: an explicit option, else OTEL_EXPORTER_OTLP_ENDPOINT, else Sightline's default. */
export function otlpBaseUrl(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return (explicit ?? env.OTEL_EXPORTER_OTLP_ENDPOINT ?? DEFAULT_ENDPOINT).replace(/\/+$/, "");
}

/** The URL for one signal: OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT is used as is; otherwise base + /v1/<signal>. */
export function signalUrl(signal: "traces" | "metrics" | "logs", explicitBase?: string, env: NodeJS.ProcessEnv = process.env): string {
  const specific = env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`];
  if (explicitBase === undefined && specific) return specific;
  return `${otlpBaseUrl(explicitBase, env)}/v1/${signal}`;
}

/**
 * OTEL_EXPORTER_OTLP_<SIGNAL>_TIMEOUT, else OTEL_EXPORTER_OTLP_TIMEOUT: ms one export attempt may
 * take; undefined when neither is a positive number (the sender's default, 10 s, applies).
 */
export function otlpTimeoutMs(signal: "traces" | "metrics" | "logs", env: NodeJS.ProcessEnv = process.env): number | undefined {
  for (const text of [env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_TIMEOUT`], env.OTEL_EXPORTER_OTLP_TIMEOUT]) {
    const ms = Number(text);
    if (text !== undefined && text.trim() !== "" && Number.isFinite(ms) && ms > 0) return ms;
  }
  return undefined;
}

/** OTEL_EXPORTER_OTLP_HEADERS: comma-separated key=value pairs, values URL-encoded. */
export function otlpHeaders(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return parsePairs(env.OTEL_EXPORTER_OTLP_HEADERS);
}

/** OTEL_RESOURCE_ATTRIBUTES: comma-separated key=value pairs, values URL-encoded. */
export function resourceAttributesFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const attrs = parsePairs(env.OTEL_RESOURCE_ATTRIBUTES);
  if (env.OTEL_SERVICE_NAME) attrs["service.name"] = env.OTEL_SERVICE_NAME;
  return attrs;
}

function parsePairs(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? "").split(",")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    try {
      out[pair.slice(0, eq).trim()] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
  }
  return out;
}
