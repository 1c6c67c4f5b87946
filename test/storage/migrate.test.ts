import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createPool } from "../../collector/storage/database.ts";
import { migrate, readSchema } from "../../collector/storage/migrate.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let database: TestDatabase;
before(async () => (database = await createTestDatabase()));
after(() => database.drop());

test("applies schema.sql to an empty database and records its version", async () => {
  const pool = createPool(database.url);
  try {
    const first = await migrate(pool);
    assert.deepEqual(first, { from: 0, to: readSchema().version });
    const tables = await pool.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    for (const t of ["resources", "scopes", "sightline_schema", "spans", "traces"]) {
      assert.ok(tables.rows.some((r) => r.table_name === t), `table ${t} exists`);
    }
  } finally {
    await pool.end();
  }
});

test("is idempotent, also when several collectors start at once", async () => {
  const pools = [createPool(database.url), createPool(database.url), createPool(database.url)];
  try {
    const results = await Promise.all(pools.map((p) => migrate(p)));
    const version = readSchema().version;
    for (const r of results) assert.deepEqual(r, { from: version, to: version });
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
});

test("refuses a database written by a newer Sightline", async () => {
  const pool = createPool(database.url);
  try {
    await pool.query("UPDATE sightline_schema SET version = version + 100");
    await assert.rejects(migrate(pool), /newer than this Sightline/);
  } finally {
    await pool.query("UPDATE sightline_schema SET version = version - 100");
    await pool.end();
  }
});
