import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import type { TestCollector } from "./collector.ts";
import { post } from "./otlp.ts";

/**
 * Deterministic control over the collector's write path, with real Postgres locks instead of
 * timing: while a test holds EXCLUSIVE on `spans`, the group-commit transaction in flight blocks
 * at its INSERT, so later requests queue in the writer (holding their bodies in the memory budget)
 * until the test releases the lock.
 */
export interface SpansLock {
  /** Resolves once `n` transactions are waiting for the lock. */
  waitForBlockedWriters(n: number): Promise<void>;
  release(): Promise<void>;
  /** The locking session, e.g. to see it killed. */
  client: pg.Client;
}

export async function lockSpans(c: TestCollector): Promise<SpansLock> {
  const client = new pg.Client({ connectionString: c.database.url });
  client.on("error", () => undefined); // a test may terminate this session on purpose
  await client.connect();
  await client.query("BEGIN");
  await client.query("LOCK TABLE spans IN EXCLUSIVE MODE");
  let released = false;
  return {
    client,
    async waitForBlockedWriters(n: number) {
      await waitFor(async () => {
        const { rows } = await c.pool.query<{ n: string }>("SELECT count(*) AS n FROM pg_locks WHERE NOT granted AND relation = 'spans'::regclass");
        return Number(rows[0]!.n) >= n;
      }, `${n} writer transaction(s) waiting for the lock on spans`);
    },
    async release() {
      if (released) return;
      released = true;
      await client.query("COMMIT").catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

/**
 * Resolves once the memory budget holds more than `limit - probeBytes` bytes: an undecodable
 * probe of `probeBytes` is then refused with 429 before it is read. An accepted probe is refused
 * as invalid JSON (400) and released at once, so probing never disturbs the requests under test.
 */
export async function waitForBudgetFull(c: TestCollector, probeBytes: number): Promise<void> {
  const probe = "{" + " ".repeat(probeBytes - 1);
  await waitFor(async () => {
    const res = await post(c.httpUrl, "/v1/traces", probe);
    assert.ok(res.status === 400 || res.status === 429, `probe answered ${res.status}: ${res.body.toString()}`);
    return res.status === 429;
  }, "the memory budget to fill");
}

/** Polls `condition` until it holds; fails (does not hang) after `deadlineMs`. */
export async function waitFor(condition: () => Promise<boolean> | boolean, what: string, deadlineMs = 30_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    if (await condition()) return;
    if (Date.now() - start > deadlineMs) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
