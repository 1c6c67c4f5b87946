/**
 * How many OTLP requests this process has in flight at once, across all its runs. Each run sends
 * one request at a time (so its data stays in order), but a sweep of a hundred runs in one process
 * would otherwise send a hundred large requests at the same moment: the collector can only take so
 * many at once and answers the rest 429 after reading them, and they all come back together.
 * Waiting here for a slot costs nothing instead.
 */
export class RequestSlots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  /** Resolves with the function that gives the slot back. */
  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next in line
      else this.active--;
    };
  }
}

/** Enough to keep a collector busy (it commits two transactions at once); few enough not to flood it. */
export const requestSlots = new RequestSlots(8);
