import type { MetricsBatch } from "../model/metrics.ts";
import { normalizeMetrics } from "../normalize/normalize-metrics.ts";
import type { MetricWriter } from "../storage/metric-writer.ts";
import type { MetricsConsumer } from "./consumer.ts";

/** receiver → normalize → storage. */
export class MetricsPipeline implements MetricsConsumer {
  constructor(private readonly writer: MetricWriter) {}

  consumeMetrics(batch: MetricsBatch): Promise<void> {
    return this.writer.writeMetrics(normalizeMetrics(batch));
  }

  saturated(): boolean {
    return this.writer.saturated();
  }
}
