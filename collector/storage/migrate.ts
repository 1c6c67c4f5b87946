import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type pg from "pg";
import { packageRoot } from "../package-root.ts";

const LOCK_KEY = 0x5167_6874; // any constant; serialises concurrent collectors migrating one database

export interface SchemaFile {
  version: number;
  sql: string;
}

export function readSchema(): SchemaFile {
  const sql = readFileSync(join(packageRoot(), "schema.sql"), "utf8");
  const match = /^-- schema-version: (\d+)$/m.exec(sql);
  if (!match) throw new Error("schema.sql has no '-- schema-version: N' line");
  return { version: Number(match[1]), sql };
}

function migrationSteps(): Array<{ version: number; sql: string }> {
  const dir = join(packageRoot(), "collector", "storage", "migrations");
  return readdirSync(dir)
    .filter((f) => /^\d+-.*\.sql$/.test(f))
    .map((f) => ({ version: Number.parseInt(f, 10), sql: readFileSync(join(dir, f), "utf8") }))
    .sort((a, b) => a.version - b.version);
}

/** Brings the database to the schema this build ships; returns the version it found and the one it left. */
export async function migrate(pool: pg.Pool): Promise<{ from: number; to: number }> {
  const schema = readSchema();
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS sightline_schema (
         singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
         version integer NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const found = await client.query<{ version: number }>("SELECT version FROM sightline_schema");
    const from = found.rows[0]?.version ?? 0;
    if (from > schema.version) {
      throw new Error(`database schema version ${from} is newer than this Sightline's (${schema.version}); upgrade Sightline`);
    }
    if (from > 0) for (const step of migrationSteps()) if (step.version > from && step.version <= schema.version) await client.query(step.sql);
    await client.query(schema.sql);
    await client.query(
      `INSERT INTO sightline_schema (singleton, version) VALUES (true, $1)
       ON CONFLICT (singleton) DO UPDATE SET version = EXCLUDED.version, applied_at = now()
       WHERE sightline_schema.version <> EXCLUDED.version`,
      [schema.version],
    );
    await client.query("COMMIT");
    return { from, to: schema.version };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
