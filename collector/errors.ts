/**
 * Errors say what they are: a permanent error is the sender's fault and must not be retried
 * (HTTP 4xx, gRPC INVALID_ARGUMENT); a retryable one is ours or transient (HTTP 429/503 with
 * Retry-After, gRPC UNAVAILABLE). The transport mapping lives in receiver/status-mapping.ts.
 */
export class PermanentError extends Error {
  readonly httpStatus: number;
  constructor(message: string, httpStatus = 400) {
    super(message);
    this.name = "PermanentError";
    this.httpStatus = httpStatus;
  }
}

export class PayloadTooLargeError extends PermanentError {
  constructor(message: string) {
    super(message, 413);
    this.name = "PayloadTooLargeError";
  }
}

export class UnsupportedMediaTypeError extends PermanentError {
  constructor(message: string) {
    super(message, 415);
    this.name = "UnsupportedMediaTypeError";
  }
}

export class RetryableError extends Error {
  readonly httpStatus: number;
  readonly retryAfterSeconds: number;
  constructor(message: string, options: { httpStatus?: number; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "RetryableError";
    this.httpStatus = options.httpStatus ?? 503;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 5;
  }
}

/** The collector is saturated (queue or memory budget full): back off briefly and retry. */
export class OverloadedError extends RetryableError {
  constructor(message: string) {
    super(message, { httpStatus: 429, retryAfterSeconds: 1 });
    this.name = "OverloadedError";
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
