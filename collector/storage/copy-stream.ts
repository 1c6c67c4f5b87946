import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { BINARY_COPY_HEADER, BINARY_COPY_TRAILER } from "./copy-binary.ts";
import { isDeadlock, isUniqueViolation } from "./pg-errors.ts";

/**
 * COPY rows, one chunk per request, already encoded: strings are COPY text, Buffers rows in the
 * binary format (copy-binary.ts, written between its header and trailer). One format per call.
 */
export type CopyChunks = Iterable<string> | Iterable<Buffer>;

/** Streams COPY rows into a table. */
export async function copyIn(client: pg.PoolClient, table: string, columns: readonly string[], chunks: CopyChunks): Promise<void> {
  const list = [...chunks] as Array<string | Buffer>;
  const binary = list.some((c) => typeof c !== "string");
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(", ")}) FROM STDIN${binary ? " (FORMAT binary)" : ""}`));
  await new Promise<void>((resolve, reject) => {
    stream.on("error", reject);
    stream.on("finish", resolve);
    if (binary) stream.write(BINARY_COPY_HEADER);
    for (const chunk of list) if (chunk.length > 0) stream.write(chunk);
    if (binary) stream.write(BINARY_COPY_TRAILER);
    stream.end();
  });
}

/** Creates a per-connection staging table shaped like `like`, emptied at every commit. */
export function createStage(client: pg.PoolClient, stage: string, like: string): Promise<unknown> {
  return client.query(`CREATE TEMP TABLE IF NOT EXISTS ${stage} (LIKE ${like} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`);
}

/**
 * The writers' fast path: COPY a group's rows straight into `table` inside a savepoint. False, with
 * nothing of it left behind, when a row is already stored (a re-send: the COPY meets the unique
 * key) or the same rows written concurrently deadlock; the caller then takes its staged path,
 * which skips stored rows. Other errors are the group's own.
 */
export async function copyUnlessStored(client: pg.PoolClient, table: string, columns: readonly string[], chunks: CopyChunks): Promise<boolean> {
  await client.query("SAVEPOINT copy_new");
  try {
    await copyIn(client, table, columns, chunks);
  } catch (err) {
    if (!isUniqueViolation(err) && !isDeadlock(err)) throw err;
    await client.query("ROLLBACK TO SAVEPOINT copy_new");
    return false;
  }
  return true; // the savepoint ends with the transaction: releasing it would cost a round trip
}
