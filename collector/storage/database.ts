import pg from "pg";

/** A connection pool for the collector. bigint columns stay strings (exact nanoseconds). */
export function createPool(connectionString: string, max = 8): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 });
  // An idle client losing its connection (Postgres restart) must not crash the process.
  pool.on("error", (err) => console.error(`sightline: idle database connection lost: ${err.message}`));
  return pool;
}

export const MIN_SERVER_VERSION = 150000;

/** Fails with a clear message unless the server is PostgreSQL 15 or newer; returns the version string. */
export async function checkServer(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ num: string; version: string }>(
    "SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version",
  );
  const row = rows[0]!;
  if (Number(row.num) < MIN_SERVER_VERSION) throw new Error(`PostgreSQL ${row.version} is too old: Sightline needs 15 or newer`);
  return row.version;
}

/** The URL with any password masked, for printing. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "****";
    return u.toString();
  } catch {
    return "(unparsable DATABASE_URL)";
  }
}
