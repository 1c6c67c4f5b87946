import { resolve } from "node:path";
import { parseArgs } from "node:util";

export interface CollectorConfig {
  host: string;
  /** OTLP/HTTP + API + UI; 0 picks a free port. */
  port: number;
  /** OTLP/gRPC; 0 picks a free port, null disables gRPC. */
  grpcPort: number | null;
  dataDir: string;
  /** External PostgreSQL; when unset the collector runs its embedded one in dataDir. */
  databaseUrl: string | undefined;
  /** Largest request body accepted, after decompression. */
  maxBodyBytes: number;
  /** Request bytes held in memory at once across all requests. */
  maxInflightBytes: number;
  /** A JSON file of model prices that wins over the built-in table (docs/cost.md). */
  pricesFile?: string;
}

export const DEFAULTS = {
  host: "127.0.0.1",
  port: 4318,
  grpcPort: 4317,
  dataDir: "./.sightline",
  maxBodyBytes: 64 * 1024 * 1024,
  maxInflightBytes: 512 * 1024 * 1024,
} as const;

/** Every setting, as [flag, environment variable, description]; the README lists the same. */
export const SETTINGS = [
  ["--host", "SIGHTLINE_HOST", `address to listen on (default ${DEFAULTS.host})`],
  ["--port", "SIGHTLINE_PORT", `OTLP/HTTP, API and UI port; 0 picks a free one (default ${DEFAULTS.port})`],
  ["--grpc-port", "SIGHTLINE_GRPC_PORT", `OTLP/gRPC port; 0 picks a free one, "off" disables (default ${DEFAULTS.grpcPort})`],
  ["--data-dir", "SIGHTLINE_DATA_DIR", `where the embedded PostgreSQL keeps its data (default ${DEFAULTS.dataDir})`],
  ["--database-url", "DATABASE_URL", "use this PostgreSQL 15+ instead of the embedded one"],
  ["--max-body-bytes", "SIGHTLINE_MAX_BODY_BYTES", `largest request after decompression (default ${DEFAULTS.maxBodyBytes}, 64 MiB)`],
  ["--max-inflight-bytes", "SIGHTLINE_MAX_INFLIGHT_BYTES", `request bytes in memory at once before 429 (default ${DEFAULTS.maxInflightBytes})`],
  ["--prices-file", "SIGHTLINE_PRICES_FILE", "JSON file of model prices that wins over the built-in table (docs/cost.md)"],
] as const;

export class ConfigError extends Error {}

/** Flags win over environment variables, which win over defaults. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): CollectorConfig | "help" | "version" {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      "grpc-port": { type: "string" },
      "data-dir": { type: "string" },
      "database-url": { type: "string" },
      "max-body-bytes": { type: "string" },
      "max-inflight-bytes": { type: "string" },
      "prices-file": { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
    strict: true,
  });
  if (values.help) return "help";
  if (values.version) return "version";
  const pick = (flag: string | undefined, name: string): string | undefined => flag ?? (env[name] === "" ? undefined : env[name]);
  const grpc = pick(values["grpc-port"], "SIGHTLINE_GRPC_PORT");
  const config: CollectorConfig = {
    host: pick(values.host, "SIGHTLINE_HOST") ?? DEFAULTS.host,
    port: port(pick(values.port, "SIGHTLINE_PORT"), DEFAULTS.port, "port"),
    grpcPort: grpc === "off" ? null : port(grpc, DEFAULTS.grpcPort, "gRPC port"),
    dataDir: resolve(pick(values["data-dir"], "SIGHTLINE_DATA_DIR") ?? DEFAULTS.dataDir),
    databaseUrl: pick(values["database-url"], "DATABASE_URL"),
    maxBodyBytes: bytes(pick(values["max-body-bytes"], "SIGHTLINE_MAX_BODY_BYTES"), DEFAULTS.maxBodyBytes, "max body bytes"),
    maxInflightBytes: bytes(pick(values["max-inflight-bytes"], "SIGHTLINE_MAX_INFLIGHT_BYTES"), DEFAULTS.maxInflightBytes, "max in-flight bytes"),
    pricesFile: pick(values["prices-file"], "SIGHTLINE_PRICES_FILE"),
  };
  // A request larger than the in-flight budget could never be accepted: it would get 429 forever.
  if (config.maxInflightBytes < config.maxBodyBytes) {
    throw new ConfigError(`max in-flight bytes (${config.maxInflightBytes}) must be at least max body bytes (${config.maxBodyBytes})`);
  }
  return config;
}

function port(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new ConfigError(`${what} must be 0-65535, got "${value}"`);
  return n;
}

function bytes(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1024) throw new ConfigError(`${what} must be a number of bytes ≥ 1024, got "${value}"`);
  return n;
}
