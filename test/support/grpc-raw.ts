import * as grpc from "@grpc/grpc-js";

export const TRACE_EXPORT_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

export interface GrpcAnswer {
  /** grpc.status.OK on success. */
  code: grpc.status;
  details: string;
  /** The response message bytes on success. */
  response: Buffer | undefined;
}

const identity = (b: Buffer): Buffer => b;

/**
 * One unary OTLP/gRPC trace Export with raw request bytes (identity serializers), on a fresh
 * channel. `channelOptions` e.g. { "grpc.default_compression_algorithm": 2 } for gzip.
 */
export function grpcExport(address: string, body: Uint8Array, channelOptions: grpc.ChannelOptions = {}): Promise<GrpcAnswer> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), channelOptions);
  return new Promise<GrpcAnswer>((resolve) => {
    client.makeUnaryRequest(TRACE_EXPORT_PATH, identity, identity, Buffer.from(body), { deadline: Date.now() + 60_000 }, (err, response) => {
      client.close();
      if (err) resolve({ code: err.code, details: err.details, response: undefined });
      else resolve({ code: grpc.status.OK, details: "", response });
    });
  });
}

export { grpc };
