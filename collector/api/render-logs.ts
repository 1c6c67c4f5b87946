import type { StoredLog } from "../storage/log-reader.ts";

/** A log record as API JSON; body and attributes embedded as stored (see docs/api.md for the value forms). */
export function logJson(l: StoredLog): string {
  return (
    `{"logId":"${l.logId}","runId":${JSON.stringify(l.runId)},"timeUnixNano":"${l.timeUnixNano}","observedTimeUnixNano":"${l.observedTimeUnixNano}"` +
    `,"severityNumber":${l.severityNumber},"severityText":${JSON.stringify(l.severityText)},"body":${l.body},"attributes":${l.attributes}` +
    `,"droppedAttributesCount":${l.droppedAttributesCount},"flags":${l.flags},"traceId":"${l.traceId}","spanId":"${l.spanId}","eventName":${JSON.stringify(l.eventName)}}`
  );
}
