import { PermanentError, RetryableError } from "../errors.ts";

interface PgError {
  code?: string;
  message: string;
}

/**
 * Classifies an error from Postgres or the driver. Data the server refuses (SQLSTATE classes
 * 22 data exception, 23 integrity, 54 program limits) is permanent: re-sending cannot help.
 * Everything else (connection loss, shutdown, resources, serialization, deadlock) is retryable.
 */
export function classifyPgError(err: unknown): PermanentError | RetryableError {
  const e = err as PgError;
  const code = typeof e?.code === "string" ? e.code : "";
  if (/^(22|23|54)/.test(code)) return new PermanentError(`storage rejected the data: ${e.message}`);
  return new RetryableError(`storage unavailable: ${e?.message ?? String(err)}`, { cause: err });
}

export function isDeadlock(err: unknown): boolean {
  const code = (err as PgError)?.code;
  return code === "40P01" || code === "40001";
}

/** 23505: a row with the same key exists (or is being written by another transaction that committed). */
export function isUniqueViolation(err: unknown): boolean {
  return (err as PgError)?.code === "23505";
}
