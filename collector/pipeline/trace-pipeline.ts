import type { TraceBatch } from "../model/trace.ts";
import { normalizeTraces } from "../normalize/normalize-traces.ts";
import type { SpanWriter } from "../storage/span-writer.ts";
import type { TraceConsumer } from "./consumer.ts";

/** receiver → normalize → storage. */
export class TracePipeline implements TraceConsumer {
  constructor(private readonly writer: SpanWriter) {}

  consumeTraces(batch: TraceBatch): Promise<void> {
    return this.writer.writeSpans(normalizeTraces(batch));
  }
}
