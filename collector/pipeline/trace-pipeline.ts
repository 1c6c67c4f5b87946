import type { TraceBatch } from "../model/trace.ts";
import { normalizeTraces, type NormalizeTracesOptions } from "../normalize/normalize-traces.ts";
import type { SpanWriter } from "../storage/span-writer.ts";
import type { NormalizedTraceBatch } from "../storage/trace-records.ts";
import type { TraceConsumer } from "./consumer.ts";
import type { TraceCommits, CommittedTraces } from "./trace-commits.ts";

/** receiver → normalize → storage. */
export class TracePipeline implements TraceConsumer {
  /** `commits`, when given, hears of every batch once it is committed (live views). */
  constructor(
    private readonly writer: SpanWriter,
    private readonly commits?: TraceCommits,
    private readonly normalizeOptions: NormalizeTracesOptions = {},
  ) {}

  async consumeTraces(batch: TraceBatch): Promise<void> {
    const normalized = normalizeTraces(batch, this.normalizeOptions);
    await this.writer.writeSpans(normalized);
    this.commits?.announce(committedTraces(normalized));
  }
}

/** The distinct trace ids of a batch, per project. */
function committedTraces(batch: NormalizedTraceBatch): CommittedTraces[] {
  const byProject = new Map<string, Set<string>>();
  for (const rs of batch.resourceSpans) {
    let ids = byProject.get(rs.project);
    if (!ids) byProject.set(rs.project, (ids = new Set()));
    for (const ss of rs.scopeSpans) for (const span of ss.spans) ids.add(span.traceId);
  }
  return [...byProject].map(([project, ids]) => ({ project, traceIds: [...ids] }));
}
