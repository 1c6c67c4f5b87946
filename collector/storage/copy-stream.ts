import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

/** Streams COPY text (one string per request, already encoded) into a table. */
export async function copyIn(client: pg.PoolClient, table: string, columns: readonly string[], chunks: Iterable<string>): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(", ")}) FROM STDIN`));
  await new Promise<void>((resolve, reject) => {
    stream.on("error", reject);
    stream.on("finish", resolve);
    for (const chunk of chunks) if (chunk.length > 0) stream.write(chunk);
    stream.end();
  });
}

/** Creates a per-connection staging table shaped like `like`, emptied at every commit. */
export function createStage(client: pg.PoolClient, stage: string, like: string): Promise<unknown> {
  return client.query(`CREATE TEMP TABLE IF NOT EXISTS ${stage} (LIKE ${like} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`);
}
