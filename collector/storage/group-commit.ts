import type pg from "pg";
import { OverloadedError, PermanentError, type RetryableError } from "../errors.ts";
import { classifyPgError, isDeadlock } from "./pg-errors.ts";

export interface GroupCommitOptions {
  /** Rows per transaction at most (a single larger request still goes in one transaction). */
  maxBatchRows: number;
  /** Rows waiting for a transaction at most; beyond it submitters get OverloadedError (429). */
  maxQueuedRows: number;
  /** Transactions in flight at once (each holds one connection). */
  concurrency: number;
}

export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = { maxBatchRows: 20_000, maxQueuedRows: 400_000, concurrency: 2 };

/** One request's encoded rows; `rows` is what batching and back-pressure count. */
export interface CommitUnit {
  rows: number;
}

/** Writes a group of units inside an open transaction (BEGIN and COMMIT are the queue's). */
export type WriteGroup<U> = (client: pg.PoolClient, group: U[]) => Promise<void>;

/** Runs once per connection, outside any transaction (e.g. to create temporary staging tables). */
export type PrepareConnection = (client: pg.PoolClient) => Promise<void>;

interface Pending<U> {
  unit: U;
  resolve(): void;
  reject(err: Error): void;
}

/**
 * Group commit: units submitted while transactions are in flight are queued and written together
 * in the next one, so throughput does not depend on the clients' batch sizes, and every submitter
 * is answered only after COMMIT. If the server refuses a group's data, each unit is retried alone
 * so one bad request cannot fail the others; deadlocks are retried.
 */
export class GroupCommitQueue<U extends CommitUnit> {
  private readonly queue: Array<Pending<U>> = [];
  private queuedRows = 0;
  private inFlight = 0;
  private closed = false;
  private readonly idle: Array<() => void> = [];
  private readonly prepared = new WeakSet<pg.PoolClient>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly write: WriteGroup<U>,
    private readonly options: GroupCommitOptions = DEFAULT_GROUP_COMMIT,
    private readonly prepare?: PrepareConnection,
  ) {}

  submit(unit: U): Promise<void> {
    if (this.closed) return Promise.reject(new OverloadedError("collector is shutting down"));
    if (unit.rows === 0) return Promise.resolve();
    if (this.queuedRows > 0 && this.queuedRows + unit.rows > this.options.maxQueuedRows) {
      return Promise.reject(new OverloadedError(`write queue full (${this.queuedRows} rows waiting)`));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ unit, resolve, reject });
      this.queuedRows += unit.rows;
      this.pump();
    });
  }

  /** True while the queue is full: a unit with any rows would be refused now. */
  get full(): boolean {
    return this.queuedRows > 0 && this.queuedRows >= this.options.maxQueuedRows;
  }

  /** Waits for queued units to commit and refuses new ones. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.inFlight === 0 && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < this.options.concurrency && this.queue.length > 0) {
      const group: Array<Pending<U>> = [this.queue.shift()!];
      let rows = group[0]!.unit.rows;
      while (this.queue.length > 0 && rows + this.queue[0]!.unit.rows <= this.options.maxBatchRows) {
        const next = this.queue.shift()!;
        rows += next.unit.rows;
        group.push(next);
      }
      this.queuedRows -= rows;
      this.inFlight++;
      void this.commitGroup(group).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.inFlight === 0 && this.queue.length === 0) for (const done of this.idle.splice(0)) done();
      });
    }
  }

  private async commitGroup(group: Array<Pending<U>>): Promise<void> {
    const err = await this.tryCommit(group.map((p) => p.unit));
    if (err === null) {
      for (const p of group) p.resolve();
      return;
    }
    if (err instanceof PermanentError && group.length > 1) {
      for (const p of group) {
        const single = await this.tryCommit([p.unit]);
        if (single === null) p.resolve();
        else p.reject(single);
      }
      return;
    }
    for (const p of group) p.reject(err);
  }

  private async tryCommit(units: U[]): Promise<PermanentError | RetryableError | null> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.commit(units);
        return null;
      } catch (err) {
        if (isDeadlock(err) && attempt < 3) continue;
        return classifyPgError(err);
      }
    }
  }

  private async commit(units: U[]): Promise<void> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A checked-out client has no pool listener: without this one, a connection killed mid-transaction
    // (Postgres restart, pg_terminate_backend) emits an unhandled 'error' and crashes the process.
    const onError = (err: Error): void => void (broken ??= err);
    client.on("error", onError);
    try {
      if (this.prepare && !this.prepared.has(client)) {
        await this.prepare(client);
        this.prepared.add(client);
      }
      await client.query("BEGIN");
      try {
        await this.write(client, units);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch((rollbackErr: Error) => (broken = rollbackErr));
        throw err;
      }
    } catch (err) {
      // A failure other than the server refusing data may have left the connection unusable.
      if (!(classifyPgError(err) instanceof PermanentError)) broken ??= err as Error;
      throw err;
    } finally {
      client.off("error", onError);
      client.release(broken);
    }
  }
}
