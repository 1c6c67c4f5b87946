import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { redactUrl } from "../../collector/storage/database.ts";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../collector/storage/embedded-postgres.ts";

/** bench:query's database: a fresh one on DATABASE_URL's server or on an embedded PostgreSQL, or an existing seeded one (--reuse). */
export interface QueryBenchDatabase {
  url: string;
  description: string;
  close(keep: boolean): Promise<void>;
}

export async function openQueryBenchDatabase(serverUrl: string | undefined, log: (m: string) => void): Promise<QueryBenchDatabase> {
  let embedded: EmbeddedPostgres | undefined;
  let scratch: string | undefined;
  let admin = serverUrl;
  if (!admin) {
    scratch = mkdtempSync(join(tmpdir(), "sightline-bench-query-"));
    chmodSync(scratch, 0o755); // as root, PostgreSQL runs as "postgres", who must enter the folder
    log(`starting embedded PostgreSQL in ${scratch} …`);
    embedded = await startEmbeddedPostgres(scratch);
    admin = embedded.url;
  }
  const name = `sightline_bench_query_${Date.now().toString(36)}`;
  const run = async (sql: string): Promise<string> => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(sql);
      const { rows } = await c.query<{ v: string }>("SELECT current_setting('server_version') AS v");
      return rows[0]!.v;
    } finally {
      await c.end();
    }
  };
  const version = await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    description: embedded ? `embedded PostgreSQL ${version}` : `${redactUrl(url.toString())} (PostgreSQL ${version})`,
    async close(keep) {
      if (keep) log(`kept database ${redactUrl(url.toString())}${embedded ? " (the embedded server stops now; its folder stays: " + scratch + ")" : ""}`);
      else await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((err: Error) => log(`could not drop ${name}: ${err.message}`));
      await embedded?.stop();
      if (scratch && !keep) rmSync(scratch, { recursive: true, force: true });
    },
  };
}
