/**
 * The LangChain runs in flight, each with its span, keyed by run id, so a run's span finds its
 * parent's span through parentRunId: the span tree is LangChain's run tree. Runs without a span
 * (hidden ones) stand in the tree and pass their parent on to their children.
 */
import { context, trace, type Context, type Span } from "@opentelemetry/api";
import type { ChatGenerationChunk, GenerationChunk } from "@langchain/core/outputs";

export type RunKind = "chat" | "llm" | "tool" | "retriever" | "chain" | "agent" | "hidden";

export interface TrackedRun {
  runId: string;
  parentRunId: string | undefined;
  rootRunId: string;
  kind: RunKind;
  span: Span | undefined;
  /** performance.now() at the start, for the time to first chunk. */
  startedAt: number;
  /** The agent marker of the run (agent-recognition.ts), inherited by LangChain down the tree. */
  agentMarker?: string;
  /** Model runs: what the request named, passed up to agents. */
  provider?: string;
  model?: string;
  /** Model runs: streaming state. */
  firstChunkAt?: number;
  streamed?: ChatGenerationChunk | GenerationChunk;
  /** Agent runs: the providers and models their model calls used. */
  providers?: Set<string>;
  models?: Set<string>;
  /** Root runs: tool name → description, from the tool definitions the models were offered. */
  toolDescriptions?: Map<string, string>;
}

/**
 * Runs in flight at most. A run LangChain never ends (a stream its consumer abandoned) would stay
 * forever; past this many, the oldest is ended and forgotten.
 */
export const MAX_OPEN_RUNS = 10_000;

export class TrackedRuns {
  private readonly runs = new Map<string, TrackedRun>();

  add(run: TrackedRun): void {
    if (this.runs.size >= MAX_OPEN_RUNS) {
      const [oldestId, oldest] = this.runs.entries().next().value as [string, TrackedRun];
      this.runs.delete(oldestId);
      oldest.span?.end();
    }
    this.runs.set(run.runId, run);
  }

  get(runId: string): TrackedRun | undefined {
    return this.runs.get(runId);
  }

  /** Removes and returns the run (undefined if it was never seen or already ended). */
  take(runId: string): TrackedRun | undefined {
    const run = this.runs.get(runId);
    this.runs.delete(runId);
    return run;
  }

  get size(): number {
    return this.runs.size;
  }

  /** The context a new run's span starts in: its nearest traced ancestor's span, else the caller's active context. */
  parentContext(parentRunId: string | undefined): Context {
    for (const run of this.ancestors(parentRunId)) {
      if (run.span) return trace.setSpan(context.active(), run.span);
    }
    return context.active();
  }

  rootOf(parentRunId: string | undefined, runId: string): string {
    const parent = parentRunId !== undefined ? this.runs.get(parentRunId) : undefined;
    return parent ? parent.rootRunId : runId;
  }

  /** The run with this id and the runs above it, nearest first. */
  *ancestors(runId: string | undefined): Generator<TrackedRun> {
    let id = runId;
    const seen = new Set<string>();
    while (id !== undefined && !seen.has(id)) {
      seen.add(id);
      const run = this.runs.get(id);
      if (!run) return;
      yield run;
      id = run.parentRunId;
    }
  }
}
