import { Router, type Response } from "express";
import type pg from "pg";
import type { CommittedTraces, TraceCommits } from "../pipeline/trace-commits.ts";
import { PostgresTraceReader } from "../storage/trace-reader.ts";
import { projectParam } from "./project.ts";
import type { Query } from "./query-params.ts";

export interface LiveTracesOptions {
  /** How long committed trace ids gather before one re-read serves every client (ms). */
  coalesceMs?: number;
  /** Comment lines keep idle connections (and proxies) from timing out (ms). */
  heartbeatMs?: number;
  /** A client further behind than this many buffered bytes is dropped; its EventSource reconnects. */
  maxBufferedBytes?: number;
  log?: (message: string) => void;
}

/**
 * GET /api/live/traces: server-sent events for the trace list. Each `traces` event carries the
 * summaries (as in GET /api/traces) of traces that just received spans. Commits are gathered per
 * project for `coalesceMs` and re-read once for all of that project's clients, so a busy ingest
 * and many open tabs cost one small query per interval, not one per client or batch.
 */
export class LiveTraces {
  private readonly clients = new Map<string, Set<Response>>();
  private readonly pending = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private readonly coalesceMs: number;
  private readonly maxBufferedBytes: number;
  private readonly log: (message: string) => void;
  private readonly traces: PostgresTraceReader;

  constructor(
    private readonly pool: pg.Pool,
    commits: TraceCommits,
    options: LiveTracesOptions = {},
  ) {
    this.traces = new PostgresTraceReader(pool);
    this.coalesceMs = options.coalesceMs ?? 250;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
    this.log = options.log ?? (() => undefined);
    this.unsubscribe = commits.subscribe((c) => this.committed(c));
    this.heartbeat = setInterval(() => this.broadcastAll(": heartbeat\n\n"), options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  router(): Router {
    const router = Router();
    router.get("/live/traces", (req, res) => {
      const project = projectParam(req.query as Query);
      res.writeHead(200, {
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache, no-transform",
        Connection: "keep-alive",
        "X-Accel-Buffering": "no", // nginx: do not buffer the stream
      });
      res.write("retry: 2000\n: connected\n\n");
      let set = this.clients.get(project);
      if (!set) this.clients.set(project, (set = new Set()));
      set.add(res);
      const drop = (): void => this.drop(project, res);
      req.on("close", drop);
      res.on("error", drop);
    });
    return router;
  }

  /** Open connections, for tests and health. */
  get clientCount(): number {
    let n = 0;
    for (const set of this.clients.values()) n += set.size;
    return n;
  }

  /** Ends every stream (the collector is stopping); clients will reconnect to the next one. */
  close(): void {
    this.unsubscribe();
    clearInterval(this.heartbeat);
    clearTimeout(this.timer);
    for (const set of this.clients.values()) for (const res of set) res.end();
    this.clients.clear();
    this.pending.clear();
  }

  private committed(c: CommittedTraces): void {
    if (!this.clients.has(c.project)) return; // nobody watches this project
    let ids = this.pending.get(c.project);
    if (!ids) this.pending.set(c.project, (ids = new Set()));
    for (const id of c.traceIds) ids.add(id);
    this.timer ??= setTimeout(() => void this.flush(), this.coalesceMs);
  }

  private async flush(): Promise<void> {
    const batches = [...this.pending];
    this.pending.clear();
    try {
      for (const [project, ids] of batches) {
        if (!this.clients.has(project)) continue;
        // At most 500 per event: a flood of new traces shows its newest, the list refetches the rest.
        const summaries = await this.traces.getSummaries(project, [...ids].slice(0, 500));
        if (summaries.length === 0) continue;
        this.broadcast(project, `event: traces\ndata: ${JSON.stringify({ traces: summaries, more: ids.size > 500 })}\n\n`);
      }
    } catch (err) {
      this.log(`live traces: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.timer = undefined;
      if (this.pending.size > 0) this.timer = setTimeout(() => void this.flush(), this.coalesceMs);
    }
  }

  private broadcastAll(text: string): void {
    for (const project of this.clients.keys()) this.broadcast(project, text);
  }

  private broadcast(project: string, text: string): void {
    for (const res of this.clients.get(project) ?? []) {
      if (res.writableLength > this.maxBufferedBytes) {
        res.destroy(); // a stalled client must not hold memory; EventSource reconnects
        this.drop(project, res);
        continue;
      }
      res.write(text);
    }
  }

  private drop(project: string, res: Response): void {
    const set = this.clients.get(project);
    if (!set) return;
    set.delete(res);
    if (set.size === 0) this.clients.delete(project);
  }
}
