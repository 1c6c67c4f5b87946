import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { ClientRequest, IncomingMessage } from "node:http";
import { Run } from "../../instrumentation/run.ts";
import { CONTEXT, METRIC, PROJECT, epochOf, runId, timeMs, valueAt, type Workload } from "./workload.ts";

/**
 * The Run API as a training script uses it: `parallel` runs live at once in this process (a
 * sweep, or several trainers sharing a host), each calling run.track() at every step and
 * run.close() at the end. The loop yields to the event loop every `stepsPerYield` steps, as a
 * real loop does while it waits on the accelerator, so the runs' background flushes can go out.
 * Timed from the first track() to the last close() resolving, i.e. until every point is committed.
 */
export interface RunApiLoadOptions {
  endpoint: string;
  parallel: number;
  /** Run option maxBatchPoints (points per request); undefined: the Run API's default. */
  maxBatchPoints: number | undefined;
  stepsPerYield: number;
}

export interface RunApiLoadResult {
  seconds: number;
  points: number;
  /** Points the runs dropped because their buffer was full. */
  droppedPoints: number;
  /** Requests the runs gave up on or that the collector refused (each also warns). */
  failedRequests: number;
  /** Requests sent (retries included) and the answers that asked for a retry (429/503). */
  requests: number;
  retried: number;
  warnings: string[];
}

export async function runApiLoad(w: Workload, o: RunApiLoadOptions): Promise<RunApiLoadResult> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));
  // Each Run listens for beforeExit; a sweep of many runs in one process is legitimate.
  const maxListeners = process.getMaxListeners();
  process.setMaxListeners(Math.max(maxListeners, o.parallel + 10));
  let droppedPoints = 0;
  // Count what the runs send and what the collector answers (the Run API retries 429/503 silently),
  // from node:http's diagnostics channels: every request to the endpoint, retries included.
  const host = new URL(o.endpoint).host;
  const ours = (request: ClientRequest): boolean => request.getHeader("host") === host;
  let requests = 0;
  let retried = 0;
  const onStart = (message: unknown): void => {
    if (ours((message as { request: ClientRequest }).request)) requests++;
  };
  const onResponse = (message: unknown): void => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    if (ours(request) && (response.statusCode === 429 || response.statusCode === 503)) retried++;
  };
  subscribe("http.client.request.start", onStart);
  subscribe("http.client.response.finish", onResponse);
  const started = performance.now();
  try {
    for (let first = 0; first < w.runs; first += o.parallel) {
      const wave: Array<{ run: Run; index: number }> = [];
      for (let index = first; index < Math.min(w.runs, first + o.parallel); index++) {
        wave.push({
          index,
          run: new Run({
            runId: runId(index),
            name: `bench run ${index}`,
            experiment: "bench-metrics",
            project: PROJECT,
            serviceName: "bench-trainer",
            hparams: { lr: 0.001 * (1 + (index % 10)), batchSize: 64 },
            endpoint: o.endpoint,
            ...(o.maxBatchPoints ? { maxBatchPoints: o.maxBatchPoints } : {}),
          }),
        });
      }
      for (let from = 0; from < w.steps; from += o.stepsPerYield) {
        const to = Math.min(w.steps, from + o.stepsPerYield);
        for (const { run, index } of wave) {
          for (let step = from; step < to; step++) {
            run.track(valueAt(index, step), { name: METRIC, step, epoch: epochOf(step), context: CONTEXT, time: timeMs(index, step) });
          }
        }
        await new Promise((r) => setImmediate(r));
      }
      await Promise.all(wave.map(({ run }) => run.close()));
      for (const { run } of wave) droppedPoints += run.droppedPoints;
    }
  } finally {
    console.warn = warn;
    unsubscribe("http.client.request.start", onStart);
    unsubscribe("http.client.response.finish", onResponse);
    process.setMaxListeners(maxListeners);
  }
  const seconds = (performance.now() - started) / 1000;
  const failedRequests = warnings.filter((m) => m.includes("gave up") || m.includes("HTTP ") || m.includes("rejected")).length;
  return { seconds, points: w.runs * w.steps, droppedPoints, failedRequests, requests, retried, warnings };
}
