import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { SPAN_COLUMNS } from "../collector/storage/span-rows.ts";

/**
 * The baseline: the same rows (the COPY text the collector's encodeSpans() makes) COPYed straight
 * into a table built LIKE spans INCLUDING ALL (same columns, defaults, primary key and indexes),
 * `concurrency` connections at once, one COPY — one transaction, one commit — per chunk.
 */
export const RAW_TABLE = "bench_raw_spans";

export async function createRawTable(pool: pg.Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS ${RAW_TABLE} (LIKE spans INCLUDING ALL)`);
}

export interface CopyResult<M> {
  copies: number;
  seconds: number;
  /** `mark()` taken just before the first COPY and just after the last (connections still open). */
  before: M;
  after: M;
}

export async function copyAll<M>(databaseUrl: string, chunks: string[], concurrency: number, mark: () => M): Promise<CopyResult<M>> {
  const clients = await Promise.all(
    Array.from({ length: Math.min(concurrency, chunks.length) }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      return client;
    }),
  );
  let next = 0;
  const worker = async (client: pg.Client): Promise<void> => {
    for (let i = next++; i < chunks.length; i = next++) await copy(client, chunks[i]!);
  };
  const before = mark();
  const started = performance.now();
  let seconds: number;
  let after: M;
  try {
    await Promise.all(clients.map(worker));
    seconds = (performance.now() - started) / 1000;
    // Measured before the connections close: an exiting backend's CPU time is briefly unreadable.
    after = mark();
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
  return { copies: chunks.length, seconds, before, after };
}

function copy(client: pg.Client, text: string): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${RAW_TABLE} (${SPAN_COLUMNS.join(", ")}) FROM STDIN`));
  return new Promise<void>((resolve, reject) => {
    stream.on("error", reject);
    stream.on("finish", resolve);
    stream.end(text);
  });
}
