import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { redactUrl } from "../collector/storage/database.ts";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../collector/storage/embedded-postgres.ts";
import { parentPid } from "./process-stats.ts";

/**
 * The server the benchmark writes to: DATABASE_URL's, or an embedded PostgreSQL in a temporary
 * folder (the collector's own embedded server, started by the bench so that the collector and the
 * raw-COPY baseline share it). Each run gets a fresh database on it, dropped at the end.
 */
export interface BenchDatabase {
  /** URL of the fresh database. */
  url: string;
  /** Its name. */
  name: string;
  /** What to print: the server, password masked. */
  description: string;
  postgresVersion: string;
  /** The postmaster's pid when it runs on this machine (for its CPU time), else null. */
  postmasterPid: number | null;
  close(options: { keep: boolean }): Promise<void>;
}

export async function openBenchDatabase(databaseUrl: string | undefined, log: (m: string) => void): Promise<BenchDatabase> {
  let embedded: EmbeddedPostgres | undefined;
  let scratch: string | undefined;
  let adminUrl = databaseUrl;
  if (!adminUrl) {
    // As root, Postgres runs as user "postgres", who must be able to enter the folder.
    scratch = mkdtempSync(join(tmpdir(), "sightline-bench-pg-"));
    chmodSync(scratch, 0o755);
    log(`starting embedded PostgreSQL in ${scratch} …`);
    embedded = await startEmbeddedPostgres(scratch);
    adminUrl = embedded.url;
  }
  const name = `sightline_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const local = ["127.0.0.1", "localhost", "[::1]", ""].includes(url.hostname);
  const { version, postmasterPid } = await admin(async (c) => {
    await c.query(`CREATE DATABASE ${name}`);
    const { rows } = await c.query<{ version: string; pid: number }>("SELECT current_setting('server_version') AS version, pg_backend_pid() AS pid");
    // A backend's parent is the postmaster (read while the backend is alive).
    return { version: rows[0]!.version, postmasterPid: local ? parentPid(rows[0]!.pid) : null };
  });
  return {
    url: url.toString(),
    name,
    description: embedded ? `embedded PostgreSQL ${version} (${scratch})` : `${redactUrl(url.toString())} (PostgreSQL ${version})`,
    postgresVersion: version,
    postmasterPid,
    async close({ keep }) {
      if (!keep) await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch((err: Error) => log(`could not drop ${name}: ${err.message}`));
      else log(`kept database ${name}`);
      await embedded?.stop();
      if (scratch && !keep) rmSync(scratch, { recursive: true, force: true });
    },
  };
}
