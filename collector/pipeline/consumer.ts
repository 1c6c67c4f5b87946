import type { TraceBatch } from "../model/trace.ts";

/** Every stage after the receiver is a consumer of batches; it resolves once the batch is durable. */
export interface TraceConsumer {
  consumeTraces(batch: TraceBatch): Promise<void>;
}
