import type protobuf from "protobufjs";
import type { Rejections } from "./rejections.ts";
import type { OtlpFormat } from "./signal.ts";

/**
 * An Export*ServiceResponse: empty on full success; otherwise partial_success with the number of
 * dropped items (in `countField`: rejectedSpans, rejectedDataPoints or rejectedLogRecords) and the
 * reasons. A count of 0 with a message is the spec's way to pass on a warning.
 */
export function encodeExportResponse(type: protobuf.Type, countField: string, rejected: Rejections, format: OtlpFormat): Uint8Array {
  const message = rejected.message();
  if (rejected.count === 0 && message === "") return format === "json" ? Buffer.from("{}") : new Uint8Array();
  if (format === "json") {
    // int64 is a string in OTLP/JSON.
    return Buffer.from(JSON.stringify({ partialSuccess: { [countField]: String(rejected.count), errorMessage: message } }));
  }
  return type.encode(type.create({ partialSuccess: { [countField]: rejected.count, errorMessage: message } })).finish();
}
