import { readFileSync } from "node:fs";
import type pg from "pg";

/**
 * What the query-language indexes cost at ingest, measured inside PostgreSQL. The seeded rows of a
 * table are inserted again into the emptied table in transactions of 1,000 (like the collector's
 * group commits): without the indexes the query language added, with each one alone, and with all
 * of them, in a rotating order, several rounds. The collector's own CPU is the same in every case;
 * this is the database side, where indexes are maintained. Commit flushes are excluded
 * (synchronous_commit off) so that fsync latency does not drown the difference, and the backend's
 * CPU time is reported beside wall time, because wall time on a shared machine is mostly noise.
 * For `traces` this measures inserts only: the summary updates that late spans cause also lose
 * HOT updates when an indexed column (here the duration) changes.
 */
export const QUERY_LANGUAGE_INDEXES: Record<"spans" | "traces", Record<string, string>> = {
  spans: {
    spans_start: "CREATE INDEX spans_start ON spans (project, start_time_unix_nano DESC)",
    spans_name_start: "CREATE INDEX spans_name_start ON spans (project, left(name, 300), start_time_unix_nano DESC)",
    spans_error_start: "CREATE INDEX spans_error_start ON spans (project, start_time_unix_nano DESC) WHERE status_code = 2",
    spans_attributes: "CREATE INDEX spans_attributes ON spans USING gin (attributes jsonb_path_ops)",
    spans_ai_model_start: "CREATE INDEX spans_ai_model_start ON spans (project, ai_model, start_time_unix_nano DESC) WHERE ai_model IS NOT NULL",
  },
  traces: {
    traces_duration: "CREATE INDEX traces_duration ON traces (project, (end_time_unix_nano - start_time_unix_nano))",
  },
};

export interface IndexCostResult {
  table: string;
  variant: string;
  rows: number;
  rowsPerSecond: number[];
  /** CPU time of the PostgreSQL backend per 1,000 rows, in ms (null when the server is not on this machine). */
  cpuMsPer1000: Array<number | null>;
}

/** utime + stime of a local process, in seconds (Linux /proc), or null. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks; 100 per second on Linux
  } catch {
    return null;
  }
}

/** Expects the seeded tables; leaves them with the same rows and every index. */
export async function measureIndexCost(pool: pg.Pool, rounds: number, log: (m: string) => void): Promise<IndexCostResult[]> {
  const client = await pool.connect();
  try {
    await client.query("SET synchronous_commit = off");
    const out: IndexCostResult[] = [];
    for (const table of ["spans", "traces"] as const) out.push(...(await measureTable(client, table, QUERY_LANGUAGE_INDEXES[table], rounds, log)));
    return out;
  } finally {
    client.release();
  }
}

async function measureTable(client: pg.PoolClient, table: string, indexes: Record<string, string>, rounds: number, log: (m: string) => void): Promise<IndexCostResult[]> {
  const key = table === "spans" ? "project, trace_id, span_id" : "project, trace_id";
  await client.query("DROP TABLE IF EXISTS index_cost_src");
  await client.query(`CREATE TABLE index_cost_src AS SELECT * FROM ${table} ORDER BY ${key}`);
  const total = Number((await client.query<{ n: string }>("SELECT count(*) AS n FROM index_cost_src")).rows[0]!.n);
  await client.query("ALTER TABLE index_cost_src ADD COLUMN index_cost_no bigserial");
  await client.query("CREATE INDEX ON index_cost_src (index_cost_no)");
  const columns = (await client.query<{ c: string }>(
    "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) AS c FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped",
    [table],
  )).rows[0]!.c;
  const names = Object.keys(indexes);
  const variants = [
    { name: `without the query-language indexes`, on: [] as string[] },
    ...(names.length > 1 ? names.map((n) => ({ name: `+ ${n} only`, on: [n] })) : []),
    { name: `with ${names.length > 1 ? "all of them" : names[0]}`, on: names },
  ];
  const results: IndexCostResult[] = variants.map((v) => ({ table, variant: v.name, rows: total, rowsPerSecond: [], cpuMsPer1000: [] }));
  const pid = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
  for (let round = 0; round < rounds; round++) {
    // A different variant goes first each round, so warm-up and drift spread over all of them.
    for (const i of variants.map((_, k) => (k + round) % variants.length)) {
      const v = variants[i]!;
      await client.query(`TRUNCATE ${table}`);
      for (const [name, ddl] of Object.entries(indexes)) {
        await client.query(`DROP INDEX IF EXISTS ${name}`);
        if (v.on.includes(name)) await client.query(ddl);
      }
      await client.query("CHECKPOINT");
      const cpu0 = cpuSeconds(pid);
      const t0 = performance.now();
      for (let from = 1; from <= total; from += 1000) {
        await client.query("BEGIN");
        await client.query(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM index_cost_src WHERE index_cost_no >= $1 AND index_cost_no < $2`, [from, from + 1000]);
        await client.query("COMMIT");
      }
      const seconds = (performance.now() - t0) / 1000;
      const cpu1 = cpuSeconds(pid);
      const cpuMs = cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) * 1_000_000) / total;
      results[i]!.rowsPerSecond.push(total / seconds);
      results[i]!.cpuMsPer1000.push(cpuMs);
      log(`index cost, ${table}, round ${round + 1}: ${v.name}: ${Math.round(total / seconds)} rows/s, backend CPU ${cpuMs === null ? "?" : cpuMs.toFixed(1)} ms per 1000 rows`);
    }
  }
  for (const ddl of Object.values(indexes)) await client.query(ddl.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS"));
  await client.query("DROP TABLE index_cost_src");
  return results;
}
