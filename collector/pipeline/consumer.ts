import type { LogsBatch } from "../model/logs.ts";
import type { MetricsBatch } from "../model/metrics.ts";
import type { TraceBatch } from "../model/trace.ts";

/** Every stage after the receiver is a consumer of batches; it resolves once the batch is durable. */
export interface TraceConsumer {
  consumeTraces(batch: TraceBatch): Promise<void>;
}

export interface MetricsConsumer {
  consumeMetrics(batch: MetricsBatch): Promise<void>;
  /** True while consumeMetrics would refuse a batch with data as overloaded: the receiver then refuses before decoding. */
  saturated?(): boolean;
}

export interface LogsConsumer {
  consumeLogs(batch: LogsBatch): Promise<void>;
}
