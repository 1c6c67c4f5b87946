import { errorMessage, PermanentError, RetryableError } from "../errors.ts";

/** gRPC status codes used by the receivers (and in google.rpc.Status bodies over HTTP). */
export const GrpcCode = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

export interface Failure {
  httpStatus: number;
  grpcCode: number;
  retryAfterSeconds?: number;
  message: string;
}

/**
 * The one place where error kinds become transport statuses. Permanent → 4xx / INVALID_ARGUMENT
 * (the OTLP spec: never retried). Retryable → 429 or 503 with Retry-After / UNAVAILABLE (retried
 * by every OTLP exporter). Anything unexpected is a bug → 500 / INTERNAL.
 */
export function failureOf(err: unknown): Failure {
  if (err instanceof PermanentError) return { httpStatus: err.httpStatus, grpcCode: GrpcCode.INVALID_ARGUMENT, message: err.message };
  if (err instanceof RetryableError) {
    return {
      httpStatus: err.httpStatus,
      grpcCode: GrpcCode.UNAVAILABLE,
      retryAfterSeconds: err.retryAfterSeconds,
      message: err.message,
    };
  }
  return { httpStatus: 500, grpcCode: GrpcCode.INTERNAL, message: `internal error: ${errorMessage(err)}` };
}
