import { RpcStatus } from "./schema.ts";
import type { OtlpFormat } from "./signal.ts";

/** The body of a failed OTLP/HTTP request: a google.rpc.Status in the request's format. */
export function encodeErrorStatus(grpcCode: number, message: string, format: OtlpFormat): Uint8Array {
  if (format === "json") return Buffer.from(JSON.stringify({ code: grpcCode, message }));
  return RpcStatus.encode(RpcStatus.create({ code: grpcCode, message })).finish();
}
