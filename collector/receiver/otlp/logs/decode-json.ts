import type { LogRecord, LogsBatch, ScopeLogs } from "../../../model/logs.ts";
import { PermanentError } from "../../../errors.ts";
import {
  array,
  enumValue,
  field,
  id,
  jsonAnyValue,
  jsonAttributes,
  jsonResource,
  jsonScope,
  object,
  parseJsonBody,
  string,
  uint32,
  uint64,
} from "../common/json-values.ts";
import { Rejections } from "../rejections.ts";
import type { DecodedLogs } from "./decode-protobuf.ts";
import { logRecordProblem } from "./log-validation.ts";

/** OTLP/JSON ExportLogsServiceRequest → the model (leniency rules in common/json-values.ts). */
export function decodeLogsRequestJson(body: Uint8Array): DecodedLogs {
  const root = parseJsonBody(body);
  const rejected = new Rejections();
  const batch: LogsBatch = { resourceLogs: [] };
  for (const rlRaw of array(field(root, "resourceLogs", "resource_logs"), "resourceLogs")) {
    const rl = object(rlRaw, "resourceLogs[]");
    const scopeLogs: ScopeLogs[] = [];
    for (const slRaw of array(field(rl, "scopeLogs", "scope_logs"), "scopeLogs")) {
      const sl = object(slRaw, "scopeLogs[]");
      const logRecords: LogRecord[] = [];
      for (const raw of array(field(sl, "logRecords", "log_records"), "logRecords")) {
        let record: LogRecord;
        try {
          record = convert(raw);
        } catch (err) {
          if (!(err instanceof PermanentError)) throw err;
          rejected.add(err.message);
          continue;
        }
        const problem = logRecordProblem(record);
        if (problem) rejected.add(problem);
        else logRecords.push(record);
      }
      scopeLogs.push({ scope: jsonScope(field(sl, "scope")), schemaUrl: string(field(sl, "schemaUrl", "schema_url"), "schemaUrl"), logRecords });
    }
    batch.resourceLogs.push({ resource: jsonResource(field(rl, "resource")), schemaUrl: string(field(rl, "schemaUrl", "schema_url"), "schemaUrl"), scopeLogs });
  }
  return { batch, rejected };
}

const SEVERITIES: Record<string, number> = Object.fromEntries(
  ["UNSPECIFIED", ...["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"].flatMap((s) => [s, `${s}2`, `${s}3`, `${s}4`])].map((name, i) => [
    `SEVERITY_NUMBER_${name}`,
    i,
  ]),
);

function convert(raw: unknown): LogRecord {
  const r = object(raw, "logRecord");
  return {
    timeUnixNano: uint64(field(r, "timeUnixNano", "time_unix_nano"), "timeUnixNano"),
    observedTimeUnixNano: uint64(field(r, "observedTimeUnixNano", "observed_time_unix_nano"), "observedTimeUnixNano"),
    severityNumber: enumValue(field(r, "severityNumber", "severity_number"), SEVERITIES, "severityNumber"),
    severityText: string(field(r, "severityText", "severity_text"), "severityText"),
    body: jsonAnyValue(field(r, "body"), 0),
    attributes: jsonAttributes(field(r, "attributes"), 0),
    droppedAttributesCount: uint32(field(r, "droppedAttributesCount", "dropped_attributes_count"), "droppedAttributesCount"),
    flags: uint32(field(r, "flags"), "flags"),
    traceId: id(field(r, "traceId", "trace_id"), "traceId"),
    spanId: id(field(r, "spanId", "span_id"), "spanId"),
    eventName: string(field(r, "eventName", "event_name"), "eventName"),
  };
}
