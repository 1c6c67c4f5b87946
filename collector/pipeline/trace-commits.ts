/**
 * Which traces just became durable. The trace pipeline announces each committed batch here, after
 * the writer resolves; live views (GET /api/live/traces) listen. Listeners run synchronously and
 * must not throw into ingest: a failing listener is isolated and reported, never the batch.
 */
export interface CommittedTraces {
  project: string;
  traceIds: string[];
}

export type CommitListener = (committed: CommittedTraces) => void;

export class TraceCommits {
  private readonly listeners = new Set<CommitListener>();

  constructor(private readonly log: (message: string) => void = () => undefined) {}

  /** Returns the function that unsubscribes. */
  subscribe(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  announce(committed: CommittedTraces[]): void {
    if (this.listeners.size === 0) return;
    for (const c of committed) {
      for (const listener of this.listeners) {
        try {
          listener(c);
        } catch (err) {
          this.log(`live traces: a listener failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
  }
}
