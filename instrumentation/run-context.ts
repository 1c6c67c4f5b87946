import { AsyncLocalStorage } from "node:async_hooks";

/** Which run the code running now works for: the one entered with run.with(fn), else the newest open run. */
const scoped = new AsyncLocalStorage<string>();
const open: string[] = [];

export function currentRunId(): string | undefined {
  return scoped.getStore() ?? open[open.length - 1];
}

export function withRun<T>(runId: string, fn: () => T): T {
  return scoped.run(runId, fn);
}

export function openRun(runId: string): void {
  open.push(runId);
}

export function closeRun(runId: string): void {
  const i = open.lastIndexOf(runId);
  if (i >= 0) open.splice(i, 1);
}

export const RUN_ID_ATTRIBUTE = "sightline.run.id";
