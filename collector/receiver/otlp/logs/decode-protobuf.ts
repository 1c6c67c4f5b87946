import type { LogRecord, LogsBatch, ScopeLogs } from "../../../model/logs.ts";
import { decodeOrReject, hex, pbAnyValue, pbAttributes, pbResource, pbScope, unsigned64 } from "../common/protobuf-values.ts";
import { Rejections } from "../rejections.ts";
import { ExportLogsServiceRequest } from "../schema.ts";
import type { PbLogRecord, PbLogsRequest } from "../wire-types.ts";
import { logRecordProblem } from "./log-validation.ts";
import { PermanentError } from "../../../errors.ts";

export interface DecodedLogs {
  batch: LogsBatch;
  rejected: Rejections;
}

/** OTLP/protobuf ExportLogsServiceRequest → the model; invalid log records dropped and counted. */
export function decodeLogsRequestProtobuf(body: Uint8Array): DecodedLogs {
  const message = decodeOrReject(() => ExportLogsServiceRequest.decode(body) as unknown as PbLogsRequest);
  const rejected = new Rejections();
  const batch: LogsBatch = { resourceLogs: [] };
  for (const rl of message.resourceLogs) {
    const scopeLogs: ScopeLogs[] = [];
    for (const sl of rl.scopeLogs) {
      const logRecords: LogRecord[] = [];
      for (const pb of sl.logRecords) {
        let record: LogRecord;
        try {
          record = convert(pb);
        } catch (err) {
          if (!(err instanceof PermanentError)) throw err;
          rejected.add(err.message);
          continue;
        }
        const problem = logRecordProblem(record);
        if (problem) rejected.add(problem);
        else logRecords.push(record);
      }
      scopeLogs.push({ scope: pbScope(sl.scope), schemaUrl: sl.schemaUrl, logRecords });
    }
    batch.resourceLogs.push({ resource: pbResource(rl.resource), schemaUrl: rl.schemaUrl, scopeLogs });
  }
  return { batch, rejected };
}

function convert(pb: PbLogRecord): LogRecord {
  return {
    timeUnixNano: unsigned64(pb.timeUnixNano),
    observedTimeUnixNano: unsigned64(pb.observedTimeUnixNano),
    severityNumber: pb.severityNumber,
    severityText: pb.severityText,
    body: pbAnyValue(pb.body, 0),
    attributes: pbAttributes(pb.attributes, 0),
    droppedAttributesCount: pb.droppedAttributesCount,
    flags: pb.flags >>> 0,
    traceId: hex(pb.traceId),
    spanId: hex(pb.spanId),
    eventName: pb.eventName,
  };
}
