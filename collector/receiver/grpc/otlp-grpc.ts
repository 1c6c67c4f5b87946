import * as grpc from "@grpc/grpc-js";
import { decodeAndConsume, type OtlpSignal } from "../otlp/signal.ts";
import { failureOf } from "../status-mapping.ts";
import type { MemoryBudget } from "../memory-budget.ts";
import { OverloadedError } from "../../errors.ts";

export interface OtlpGrpcOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  budget: MemoryBudget;
  log: (message: string) => void;
}

export interface RunningGrpcServer {
  port: number;
  stop(): Promise<void>;
}

const identity = (b: Buffer): Buffer => b;

/**
 * OTLP/gRPC: each signal's Export method with raw-bytes (de)serializers, so the request bytes go
 * to the same decoder the HTTP receiver uses. grpc-js inflates gzip and enforces the size cap
 * while inflating (grpc.max_receive_message_length).
 */
export async function startOtlpGrpc(signals: Array<OtlpSignal<unknown>>, options: OtlpGrpcOptions): Promise<RunningGrpcServer> {
  const server = new grpc.Server({
    "grpc.max_receive_message_length": options.maxBodyBytes,
    "grpc.max_send_message_length": 4 * 1024 * 1024,
  });
  for (const signal of signals) {
    const [, service = "", method = ""] = signal.grpcMethodPath.split("/");
    const definition: grpc.ServiceDefinition = {
      [method]: {
        path: signal.grpcMethodPath,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    };
    const handler: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
      void exportCall(signal, call.request, options).then(
        (response) => callback(null, response),
        (err: unknown) => {
          const failure = failureOf(err);
          if (failure.grpcCode === grpc.status.INTERNAL) options.log(`${service}: ${failure.message}`);
          callback({ code: failure.grpcCode, details: failure.message });
        },
      );
    };
    server.addService(definition, { [method]: handler });
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${bracketed(options.host)}:${options.port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), 10_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

async function exportCall(signal: OtlpSignal<unknown>, body: Buffer, options: OtlpGrpcOptions): Promise<Buffer> {
  if (!options.budget.tryAcquire(body.length)) throw new OverloadedError("too many request bytes in flight; retry later");
  try {
    const { committed, rejected } = decodeAndConsume(signal, body, "protobuf");
    await committed;
    return Buffer.from(signal.encodeResponse(rejected, "protobuf"));
  } finally {
    options.budget.release(body.length);
  }
}

function bracketed(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
