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

/**
 * Decodes a request and hands its batch on; `committed` resolves when the consumer has stored it.
 * The decoded batch is held only in this synchronous frame: an async caller holding it across its
 * await would keep a whole request's objects alive until the commit, for the garbage collector to
 * copy and promote while the consumer no longer needs most of them.
 */
export function decodeAndConsume<B>(signal: OtlpSignal<B>, body: Uint8Array, format: OtlpFormat): { committed: Promise<void>; rejected: Rejections } {
  const { batch, rejected } = signal.decode(body, format);
  return { committed: signal.consume(batch), rejected };
}
