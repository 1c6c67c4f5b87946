import { createHash } from "node:crypto";
import type pg from "pg";
import type { LogRecord } from "../model/logs.ts";
import type { NormalizedLogsBatch } from "../normalize/normalize-logs.ts";
import { ownRunId, type ProjectRun } from "../normalize/run-identity.ts";
import { copyHexBytes, copyJson, copyText } from "./copy-text.ts";
import { copyIn, createStage } from "./copy-stream.ts";
import { DEFAULT_GROUP_COMMIT, GroupCommitQueue, type GroupCommitOptions } from "./group-commit.ts";
import { resourceRow, scopeRow, upsertResourcesAndScopes, type ResourceRow, type ScopeRow } from "./resource-rows.ts";
import { upsertRuns } from "./run-rows.ts";
import { attributesJson, valueJson } from "./stored-json.ts";

export interface LogWriter {
  /** Idempotent (a re-sent request is stored once); resolves only when committed. */
  writeLogs(batch: NormalizedLogsBatch): Promise<void>;
  close(): Promise<void>;
}

interface LogUnit {
  rows: number;
  runs: ProjectRun[];
  resources: ResourceRow[];
  scopes: ScopeRow[];
  copy: string;
}

const LOG_COLUMNS = [
  "project", "log_id", "run_id", "time_unix_nano", "observed_time_unix_nano", "sort_time_unix_nano", "severity_number", "severity_text",
  "body", "attributes", "dropped_attributes_count", "flags", "trace_id", "span_id", "event_name", "resource_id", "scope_id",
] as const;

export class GroupCommitLogWriter implements LogWriter {
  private readonly queue: GroupCommitQueue<LogUnit>;

  constructor(pool: pg.Pool, options: GroupCommitOptions = DEFAULT_GROUP_COMMIT) {
    this.queue = new GroupCommitQueue(pool, writeGroup, options, (client) => createStage(client, "log_stage", "logs").then(() => undefined));
  }

  writeLogs(batch: NormalizedLogsBatch): Promise<void> {
    const lines: string[] = [];
    const resources: ResourceRow[] = [];
    const scopes: ScopeRow[] = [];
    for (const rl of batch.resourceLogs) {
      const resource = resourceRow(rl.project, rl.serviceName, rl.resource, rl.schemaUrl);
      let used = false;
      for (const sl of rl.scopeLogs) {
        if (sl.logRecords.length === 0) continue;
        used = true;
        const scope = scopeRow(rl.project, sl.scope, sl.schemaUrl);
        scopes.push(scope);
        sl.logRecords.forEach((record, index) => lines.push(logLine(rl.project, ownRunId(record.attributes, rl.runId), resource.resourceId, scope.scopeId, index, record)));
      }
      if (used) resources.push(resource);
    }
    const rows = lines.length > 0 ? lines.length : batch.runs.length > 0 ? 1 : 0;
    return this.queue.submit({ rows, runs: batch.runs, resources, scopes, copy: lines.join("") });
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

async function writeGroup(client: pg.PoolClient, units: LogUnit[]): Promise<void> {
  await upsertRuns(client, units.flatMap((u) => u.runs));
  await upsertResourcesAndScopes(client, units.flatMap((u) => u.resources), units.flatMap((u) => u.scopes));
  if (units.every((u) => u.copy.length === 0)) return;
  await copyIn(client, "log_stage", LOG_COLUMNS, units.map((u) => u.copy));
  await client.query(
    `INSERT INTO logs (${LOG_COLUMNS.join(", ")}) SELECT ${LOG_COLUMNS.join(", ")} FROM log_stage ORDER BY project, log_id
     ON CONFLICT (project, log_id) DO NOTHING`,
  );
}

/**
 * One COPY line. The log id hashes the record's content together with where it sits (resource,
 * scope, index in its scope), so a re-sent request maps to the same ids while two identical
 * records in one request stay two.
 */
function logLine(project: string, runId: string, resourceId: string, scopeId: string, index: number, r: LogRecord): string {
  const body = valueJson(r.body);
  const attributes = attributesJson(r.attributes);
  const logId = createHash("md5")
    .update(`${resourceId}\n${scopeId}\n${index}\n${r.timeUnixNano}\n${r.observedTimeUnixNano}\n${r.severityNumber}\n${r.severityText}\n${r.traceId}\n${r.spanId}\n${r.eventName}\n${r.flags}\n${body}\n${attributes}`)
    .digest("hex");
  // Time, else the observed time, else when we received it (both unset happens: the fields are optional).
  const sortTime = r.timeUnixNano !== 0n ? r.timeUnixNano : r.observedTimeUnixNano !== 0n ? r.observedTimeUnixNano : BigInt(Date.now()) * 1_000_000n;
  return (
    copyText(project) + "\t" + copyHexBytes(logId) + "\t" + copyText(runId) + "\t" + r.timeUnixNano + "\t" + r.observedTimeUnixNano + "\t" + sortTime +
    "\t" + r.severityNumber + "\t" + copyText(r.severityText) + "\t" + copyJson(body) + "\t" + copyJson(attributes) + "\t" + r.droppedAttributesCount +
    "\t" + r.flags + "\t" + copyHexBytes(r.traceId) + "\t" + copyHexBytes(r.spanId) + "\t" + copyText(r.eventName) +
    "\t" + copyHexBytes(resourceId) + "\t" + copyHexBytes(scopeId) + "\n"
  );
}
