import type { Rejections } from "./rejections.ts";

export type OtlpFormat = "protobuf" | "json";

export interface Decoded<B> {
  batch: B;
  rejected: Rejections;
}

/**
 * One OTLP signal (traces now; metrics and logs plug in the same way): how to decode a request,
 * where the batch goes, and how to phrase the response. The HTTP and gRPC transports share it,
 * so both speak the same semantics.
 */
export interface OtlpSignal<B> {
  /** "traces" → POST /v1/traces and opentelemetry.proto.collector.trace.v1.TraceService/Export. */
  name: string;
  httpPath: string;
  grpcMethodPath: string;
  decode(body: Uint8Array, format: OtlpFormat): Decoded<B>;
  consume(batch: B): Promise<void>;
  encodeResponse(rejected: Rejections, format: OtlpFormat): Uint8Array;
}
