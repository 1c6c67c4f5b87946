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

test("brings a version-1 database to version 2: metric_points' key rebuilt series first, its points kept and still unique; series get last_epoch and the in-step-order flags", async () => {
  const pool = createPool(database.url);
  try {
    // The database as version 1 left it: the key led with the project.
    await pool.query("DROP INDEX metric_points_key");
    await pool.query(
      "CREATE UNIQUE INDEX metric_points_key ON metric_points (project, series_id, step, time_unix_nano) INCLUDE (value, epoch) NULLS NOT DISTINCT",
    );
    await pool.query("ALTER TABLE metric_series DROP COLUMN time_in_step_order, DROP COLUMN epoch_in_step_order, DROP COLUMN last_epoch");
    await pool.query("INSERT INTO metric_series (project, series_id, run_id, name, kind, context) VALUES ('p', '\\x01', 'r', 'loss', 'gauge', '{}')");
    await pool.query("UPDATE sightline_schema SET version = 1");
    await pool.query(
      `INSERT INTO metric_points (project, series_id, step, time_unix_nano, value)
       VALUES ('p', '\\x01', 1, 10, 0.5), ('p', '\\x01', NULL, 11, 0.25), ('q', '\\x01', 1, 10, 0.75)`,
    );
    assert.deepEqual(await migrate(pool), { from: 1, to: readSchema().version });
    const key = await pool.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE indexname = 'metric_points_key'");
    assert.match(key.rows[0]!.indexdef, /UNIQUE INDEX metric_points_key ON public\.metric_points USING btree \(series_id, step, time_unix_nano, project\) INCLUDE \(value, epoch\) NULLS NOT DISTINCT/);
    const kept = await pool.query<{ n: string }>("SELECT count(*) AS n FROM metric_points");
    assert.equal(kept.rows[0]!.n, "3");
    // Still one point per (project, series, step, time), a NULL step included; other projects apart.
    await assert.rejects(pool.query("INSERT INTO metric_points (project, series_id, step, time_unix_nano, value) VALUES ('p', '\\x01', NULL, 11, 1)"), /metric_points_key/);
    await pool.query("INSERT INTO metric_points (project, series_id, step, time_unix_nano, value) VALUES ('r', '\\x01', 1, 10, 1)");
    // Series stored before are not known to be in order; new ones start in order.
    await pool.query("INSERT INTO metric_series (project, series_id, run_id, name, kind, context) VALUES ('p', '\\x02', 'r', 'acc', 'gauge', '{}')");
    const order = await pool.query<{ name: string; time_in_step_order: boolean; epoch_in_step_order: boolean; last_epoch: string | null }>(
      "SELECT name, time_in_step_order, epoch_in_step_order, last_epoch FROM metric_series ORDER BY name",
    );
    assert.deepEqual(
      order.rows.map((r) => [r.name, r.time_in_step_order, r.epoch_in_step_order, r.last_epoch]),
      [["acc", true, true, null], ["loss", false, false, null]],
    );
  } finally {
    await pool.end();
  }
});
