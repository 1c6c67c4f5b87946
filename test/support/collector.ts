import { startCollector, type CollectorOptions, type RunningCollector } from "../../collector/collector.ts";
import { DEFAULTS, type CollectorConfig } from "../../collector/config.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";

export interface TestCollector extends RunningCollector {
  database: TestDatabase;
  /** Stops the collector and drops its database. */
  close(): Promise<void>;
}

/** A collector on free loopback ports with its own fresh database. */
export async function startTestCollector(config: Partial<CollectorConfig> = {}, options: CollectorOptions = {}): Promise<TestCollector> {
  const database = await createTestDatabase();
  const collector = await startCollector(
    {
      host: "127.0.0.1",
      port: 0,
      grpcPort: 0,
      dataDir: "unused",
      databaseUrl: database.url,
      maxBodyBytes: DEFAULTS.maxBodyBytes,
      maxInflightBytes: DEFAULTS.maxInflightBytes,
      ...config,
    },
    { log: () => undefined, ...options },
  );
  return {
    ...collector,
    database,
    async close() {
      await collector.stop();
      await database.drop();
    },
  };
}
