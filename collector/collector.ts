import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import type pg from "pg";
import { apiRouter } from "./api/api-router.ts";
import type { CollectorConfig } from "./config.ts";
import { packageVersion } from "./package-root.ts";
import { TracePipeline } from "./pipeline/trace-pipeline.ts";
import { startOtlpGrpc, type RunningGrpcServer } from "./receiver/grpc/otlp-grpc.ts";
import { otlpHttpRouter } from "./receiver/http/otlp-http.ts";
import { MemoryBudget } from "./receiver/memory-budget.ts";
import type { OtlpSignal } from "./receiver/otlp/signal.ts";
import { tracesSignal } from "./receiver/otlp/traces-signal.ts";
import { checkServer, createPool, redactUrl } from "./storage/database.ts";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./storage/embedded-postgres.ts";
import { migrate } from "./storage/migrate.ts";
import { DEFAULT_GROUP_COMMIT, type GroupCommitOptions } from "./storage/group-commit.ts";
import { GroupCommitSpanWriter } from "./storage/span-writer.ts";
import { postgresReaders } from "./storage/readers.ts";
import { landingPage } from "./api/landing-page.ts";
import { LogsPipeline } from "./pipeline/logs-pipeline.ts";
import { MetricsPipeline } from "./pipeline/metrics-pipeline.ts";
import { logsSignal } from "./receiver/otlp/logs-signal.ts";
import { metricsSignal } from "./receiver/otlp/metrics-signal.ts";
import { GroupCommitLogWriter } from "./storage/log-writer.ts";
import { GroupCommitMetricWriter } from "./storage/metric-writer.ts";
import { appRoutes } from "./api/app-routes.ts";
import { LiveTraces } from "./api/live-traces.ts";
import { traceTreeRoutes } from "./api/trace-tree-routes.ts";
import { defaultUiDir, uiRouter } from "./api/ui-static.ts";
import { TraceCommits } from "./pipeline/trace-commits.ts";
import { loadPriceTable } from "./normalize/ai/price-table.ts";


export interface RunningCollector {
  /** http://host:port of OTLP/HTTP, the API and the UI. */
  httpUrl: string;
  /** host:port of OTLP/gRPC, or null when disabled. */
  grpcAddress: string | null;
  /** Where data lives: the embedded data directory, or the external database URL (password masked). */
  storage: { kind: "embedded"; dataDir: string; postgresVersion: string; port: number } | { kind: "external"; url: string; postgresVersion: string };
  pool: pg.Pool;
  /** Stops accepting, finishes in-flight requests and writes, closes the database, stops the embedded Postgres. */
  stop(): Promise<void>;
}

export interface CollectorOptions {
  log?: (message: string) => void;
  groupCommit?: GroupCommitOptions;
  /** The built web UI (default dist/ui of the package). */
  uiDir?: string;
}

export async function startCollector(config: CollectorConfig, options: CollectorOptions = {}): Promise<RunningCollector> {
  const log = options.log ?? ((m: string) => console.error(m));
  let embedded: EmbeddedPostgres | undefined;
  let pool: pg.Pool | undefined;
  const cleanups: Array<() => Promise<void>> = [];
  try {
    if (config.databaseUrl === undefined) {
      embedded = await startEmbeddedPostgres(config.dataDir);
      const e = embedded;
      cleanups.push(() => e.stop());
    }
    const databaseUrl = config.databaseUrl ?? embedded!.url;
    pool = createPool(databaseUrl);
    const p = pool;
    cleanups.push(() => p.end());
    const postgresVersion = await checkServer(pool);
    const schema = await migrate(pool);

    const groupCommit = options.groupCommit ?? DEFAULT_GROUP_COMMIT;
    const spanWriter = new GroupCommitSpanWriter(pool, groupCommit);
    const metricWriter = new GroupCommitMetricWriter(pool, groupCommit);
    const logWriter = new GroupCommitLogWriter(pool, groupCommit);
    cleanups.push(() => spanWriter.close(), () => metricWriter.close(), () => logWriter.close());
    const commits = new TraceCommits(log);
    const signals = [
      tracesSignal(new TracePipeline(spanWriter, commits, { priceTable: loadPriceTable(config.pricesFile) })),
      metricsSignal(new MetricsPipeline(metricWriter)),
      logsSignal(new LogsPipeline(logWriter)),
    ] as Array<OtlpSignal<unknown>>;
    const budget = new MemoryBudget(config.maxInflightBytes);
    const storage = embedded
      ? { kind: "embedded" as const, dataDir: embedded.dataDir, postgresVersion, port: embedded.port }
      : { kind: "external" as const, url: redactUrl(databaseUrl), postgresVersion };

    const live = new LiveTraces(pool, commits, { log });
    const apps = await appRoutes(pool, log);

    const app = express();
    app.disable("x-powered-by");
    app.set("etag", false);
    app.use(otlpHttpRouter(signals, { maxBodyBytes: config.maxBodyBytes, budget, log }));
    app.use(
      "/api",
      apiRouter({
        pool,
        ...postgresReaders(pool),
        health: () => ({ version: packageVersion(), storage: { kind: storage.kind, postgresVersion, schemaVersion: schema.to } }),
        log,
        routes: [traceTreeRoutes(pool), live.router(), apps.router],
      }),
    );
    app.use(uiRouter(options.uiDir ?? defaultUiDir(), landingPage));

    const server = app.listen(config.port, config.host);
    await Promise.race([once(server, "listening"), once(server, "error").then(([err]) => Promise.reject(listenError(err, config.host, config.port, "HTTP")))]);
    server.keepAliveTimeout = 65_000; // longer than common exporter/proxy idle timeouts
    cleanups.push(() => closeHttp(server));
    cleanups.push(async () => live.close()); // runs first: open event streams would hold the server open
    const httpPort = (server.address() as AddressInfo).port;

    let grpc: RunningGrpcServer | undefined;
    if (config.grpcPort !== null) {
      grpc = await startOtlpGrpc(signals, { host: config.host, port: config.grpcPort, maxBodyBytes: config.maxBodyBytes, budget, log }).catch((err: unknown) => {
        throw listenError(err, config.host, config.grpcPort!, "gRPC");
      });
      const g = grpc;
      cleanups.push(() => g.stop());
    }

    let stopping: Promise<void> | undefined;
    return {
      httpUrl: `http://${urlHost(config.host)}:${httpPort}`,
      grpcAddress: grpc ? `${urlHost(config.host)}:${grpc.port}` : null,
      storage,
      pool,
      stop: () => (stopping ??= runCleanups(cleanups)),
    };
  } catch (err) {
    await runCleanups(cleanups);
    throw err;
  }
}

/** Cleanups run in reverse order of setup: listeners first, then the writer, pool and Postgres. */
async function runCleanups(cleanups: Array<() => Promise<void>>): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch (err) {
      console.error(`sightline: during shutdown: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

async function closeHttp(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), 10_000);
  await closed;
  clearTimeout(force);
}

function listenError(err: unknown, host: string, port: number, what: string): Error {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === "EADDRINUSE") return new Error(`${what} port ${port} on ${host} is in use; choose another (port 0 picks a free one)`);
  if (code === "EADDRNOTAVAIL") return new Error(`cannot listen on ${host}: no such local address`);
  return err instanceof Error ? err : new Error(String(err));
}

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}
