import type { LogsBatch } from "../model/logs.ts";
import { normalizeLogs } from "../normalize/normalize-logs.ts";
import type { LogWriter } from "../storage/log-writer.ts";
import type { LogsConsumer } from "./consumer.ts";

/** receiver → normalize → storage. */
export class LogsPipeline implements LogsConsumer {
  constructor(private readonly writer: LogWriter) {}

  consumeLogs(batch: LogsBatch): Promise<void> {
    return this.writer.writeLogs(normalizeLogs(batch));
  }
}
