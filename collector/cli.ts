import { startCollector } from "./collector.ts";
import { ConfigError, loadConfig, SETTINGS } from "./config.ts";
import { packageVersion } from "./package-root.ts";

/** The `sightline` command: start the collector, print where it listens, stop cleanly on Ctrl-C / SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`sightline: ${(err as Error).message}\nRun "sightline --help" for the options.`);
      process.exit(2);
    }
    throw err;
  }
  if (config === "version") return void console.log(packageVersion());
  if (config === "help") return void console.log(helpText());

  console.log(`Sightline ${packageVersion()} starting…`);
  const collector = await startCollector(config);
  const where =
    collector.storage.kind === "embedded"
      ? `${collector.storage.dataDir} (embedded PostgreSQL ${collector.storage.postgresVersion} on 127.0.0.1:${collector.storage.port})`
      : `${collector.storage.url} (PostgreSQL ${collector.storage.postgresVersion})`;
  console.log(
    [
      `Sightline ${packageVersion()} is running`,
      `  OTLP/HTTP, API and UI  ${collector.httpUrl}`,
      `  OTLP/gRPC              ${collector.grpcAddress ?? "off"}`,
      `  data                   ${where}`,
      `Send telemetry with OTEL_EXPORTER_OTLP_ENDPOINT=${collector.httpUrl}  ·  Ctrl-C stops`,
    ].join("\n"),
  );

  let signals = 0;
  const shutdown = (signal: string): void => {
    if (++signals > 1) {
      console.error("sightline: forced exit");
      process.exit(130);
    }
    console.log(`\n${signal}: stopping (finishing in-flight writes)…`);
    collector.stop().then(
      () => {
        console.log("Sightline stopped.");
        process.exit(0);
      },
      (err: unknown) => {
        console.error(`sightline: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

function helpText(): string {
  const rows = SETTINGS.map(([flag, env, text]) => `  ${`${flag} <value>`.padEnd(28)} ${env.padEnd(30)} ${text}`);
  return [
    "Usage: sightline [options]",
    "",
    "Runs the Sightline collector: OTLP/HTTP, OTLP/gRPC, the JSON API and the UI, on an embedded",
    "PostgreSQL unless DATABASE_URL is set. Each option is also an environment variable; flags win.",
    "",
    ...rows,
    `  ${"-h, --help".padEnd(28)} ${"".padEnd(30)} show this help`,
    `  ${"-v, --version".padEnd(28)} ${"".padEnd(30)} print the version`,
  ].join("\n");
}

main().catch((err: unknown) => {
  console.error(`sightline: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
