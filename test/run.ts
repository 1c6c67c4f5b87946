/**
 * `npm test`: runs every test file under test/ with node's test runner against a real PostgreSQL.
 * With DATABASE_URL set, that server is used; otherwise one embedded PostgreSQL is started for the
 * whole run. Each test file creates and drops its own database on it (test/support/database.ts).
 * Arguments narrow the run: `npm test -- test/api` or `npm test -- test/api/traces-api.test.ts`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../collector/storage/embedded-postgres.ts";
import { redactUrl } from "../collector/storage/database.ts";

function testFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    if (statSync(p).isDirectory()) for (const entry of readdirSync(p).sort()) walk(join(p, entry));
    else if (p.endsWith(".test.ts")) out.push(p);
  };
  for (const p of paths.length > 0 ? paths : ["test"]) walk(p);
  return out;
}

async function main(): Promise<number> {
  const files = testFiles(process.argv.slice(2));
  let embedded: EmbeddedPostgres | undefined;
  let scratch: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    console.log(`tests use PostgreSQL at ${redactUrl(adminUrl)} (DATABASE_URL)`);
  } else {
    scratch = mkdtempSync(join(tmpdir(), "sightline-test-pg-"));
    embedded = await startEmbeddedPostgres(scratch);
    adminUrl = embedded.url;
    console.log(`tests use an embedded PostgreSQL ${embedded.version} (${scratch})`);
  }
  try {
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=2", ...files.map((f) => relative(process.cwd(), f))], {
        stdio: "inherit",
        env: { ...process.env, SIGHTLINE_TEST_ADMIN_URL: adminUrl },
      });
      child.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0)));
    });
    return code;
  } finally {
    await embedded?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
