import type { TraceSummary } from "$ui/api/types.ts";

/**
 * New and growing traces from GET /api/live/traces (server-sent events). EventSource reconnects by
 * itself; `onstatus` tells the page whether the stream is up.
 */
export function subscribeLiveTraces(
  onTraces: (traces: TraceSummary[], more: boolean) => void,
  onstatus: (connected: boolean) => void,
): () => void {
  const source = new EventSource("/api/live/traces");
  source.addEventListener("open", () => onstatus(true));
  source.addEventListener("error", () => onstatus(source.readyState === EventSource.OPEN));
  source.addEventListener("traces", (e) => {
    const data = JSON.parse((e as MessageEvent<string>).data) as { traces: TraceSummary[]; more?: boolean };
    onTraces(data.traces, data.more ?? false);
  });
  return () => source.close();
}

/** Newest first by start, then trace id, as the API orders them. */
export function compareTraces(a: TraceSummary, b: TraceSummary): number {
  const d = BigInt(b.startTimeUnixNano) - BigInt(a.startTimeUnixNano);
  return d > 0n ? 1 : d < 0n ? -1 : b.traceId.localeCompare(a.traceId);
}

/** Merges fresh summaries into the list: known traces are replaced in place, new ones inserted in order. */
export function mergeTraces(list: TraceSummary[], fresh: TraceSummary[]): { list: TraceSummary[]; added: string[] } {
  const byId = new Map(fresh.map((t) => [t.traceId, t]));
  const out = list.map((t) => {
    const f = byId.get(t.traceId);
    if (f) byId.delete(t.traceId);
    return f ?? t;
  });
  const added = [...byId.values()];
  if (added.length === 0) return { list: out, added: [] };
  // The list holds the newest traces down to its last row; an older newcomer belongs to a later page.
  const oldest = out[out.length - 1];
  const keep = added.filter((t) => !oldest || compareTraces(t, oldest) <= 0);
  return { list: [...out, ...keep].sort(compareTraces), added: keep.map((t) => t.traceId) };
}
