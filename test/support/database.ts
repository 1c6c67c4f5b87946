import { randomBytes } from "node:crypto";
import pg from "pg";

/** The server the test run uses (set by test/run.ts: DATABASE_URL or the run's embedded PostgreSQL). */
export function adminUrl(): string {
  const url = process.env.SIGHTLINE_TEST_ADMIN_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error("no test database: run tests with `npm test` (or set DATABASE_URL)");
  return url;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, empty database for one test file; dropped (even with open connections) by drop(). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `sightline_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
