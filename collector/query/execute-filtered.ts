import type pg from "pg";
import { PermanentError, errorMessage } from "../errors.ts";
import type { QueryFilter } from "./compile-query.ts";
import { QueryError } from "./query-error.ts";

/** A query-language statement runs at most this long; then it is cancelled and the client gets a 400 saying so. */
export const QUERY_TIMEOUT_MS = 15_000;

/**
 * Runs a reader's statement that carries a compiled query: in a READ ONLY transaction (nothing
 * a query says can write), with a statement timeout, after PostgreSQL has checked each regular
 * expression on its own (so an invalid one is a 400 pointing at it). Errors that only bad input
 * can cause (an invalid regex, a cancelled statement, a value out of range) become 400s; anything
 * else is left for the API's error handler (503 for an unavailable database, 500 for a bug).
 */
export async function queryWithFilter<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  filter: QueryFilter,
  text: string,
  values: unknown[],
  timeoutMs = QUERY_TIMEOUT_MS,
): Promise<pg.QueryResult<R>> {
  const client = await pool.connect();
  let broken: unknown;
  try {
    await client.query("BEGIN READ ONLY");
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    for (const re of filter.regexes) {
      try {
        await client.query("SELECT '' ~ $1::text", [re.pattern]);
      } catch (err) {
        if (sqlState(err) === "2201B") throw new QueryError(`invalid regular expression at ${re.position}: ${errorMessage(err).replace(/^invalid regular expression: /, "")}`, re.position, re.length);
        throw err;
      }
    }
    const result = await client.query<R>(text, values);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch((e: unknown) => (broken = e));
    throw queryFailure(err, filter, timeoutMs);
  } finally {
    client.release(broken instanceof Error ? broken : undefined);
  }
}

export function sqlState(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "string" ? code : "";
}

/** Maps what PostgreSQL says about a query-language statement to what the client should hear. */
export function queryFailure(err: unknown, filter: QueryFilter, timeoutMs: number): unknown {
  if (err instanceof PermanentError) return err;
  const code = sqlState(err);
  if (code === "57014") {
    return new PermanentError(`the query ran longer than ${timeoutMs / 1000} s and was stopped: add a condition that narrows it (docs/query-language.md lists what is indexed)`);
  }
  if (code === "2201B") {
    const re = filter.regexes[0];
    return new QueryError(`invalid regular expression: ${errorMessage(err).replace(/^invalid regular expression: /, "")}`, re?.position ?? 0, re?.length ?? 0);
  }
  // Data exceptions and program limits (a value out of range, a too-complex expression): the query's values, not our SQL.
  if (code.startsWith("22") || code.startsWith("54")) return new PermanentError(`the query cannot be evaluated: ${errorMessage(err)}`);
  return err;
}
