import type { AttributeValue } from "./otlp-json.ts";
import { ProtoWriter } from "./protobuf-writer.ts";

/**
 * OTLP/protobuf pieces the Run API writes (field numbers from opentelemetry/proto common.proto
 * and metrics.proto). Values map as in otlp-json.ts: integers that are safe JS integers go as
 * int_value, other numbers as double_value, arrays as array_value, objects as kvlist_value.
 */

/** The AnyValue fields of v (null: an empty AnyValue). */
export function anyValueFields(w: ProtoWriter, v: AttributeValue): void {
  if (v === null) return;
  if (typeof v === "string") return w.stringField(1, v);
  if (typeof v === "boolean") return w.boolField(2, v);
  if (typeof v === "bigint") return w.int64Field(3, v);
  if (typeof v === "number") return Number.isSafeInteger(v) ? w.int64Field(3, v) : w.doubleField(4, v);
  if (Array.isArray(v)) {
    const arrayValue = w.begin(5);
    for (const item of v) w.message(1, () => anyValueFields(w, item));
    return w.end(arrayValue);
  }
  const kvlist = w.begin(6);
  keyValues(w, 1, v);
  w.end(kvlist);
}

/** One repeated KeyValue field per defined entry of obj. */
export function keyValues(w: ProtoWriter, field: number, obj: Record<string, AttributeValue | undefined>): void {
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    const kv = w.begin(field);
    w.stringField(1, key);
    w.message(2, () => anyValueFields(w, value));
    w.end(kv);
  }
}

/** The bytes of keyValues(field, obj), to repeat in many messages. */
export function encodedKeyValues(field: number, obj: Record<string, AttributeValue | undefined>): Buffer {
  const w = new ProtoWriter(256);
  keyValues(w, field, obj);
  return Buffer.from(w.finish());
}

/** An int attribute (KeyValue with int_value) in a repeated KeyValue field: the hot path of step and epoch. */
export function intKeyValue(w: ProtoWriter, field: number, encodedKey: Buffer, value: number): void {
  const kv = w.begin(field);
  w.raw(encodedKey);
  const any = w.begin(2);
  w.int64Field(3, value);
  w.end(any);
  w.end(kv);
}

/** A KeyValue's key field (field 1), encoded once. */
export function encodedKey(key: string): Buffer {
  const w = new ProtoWriter(64);
  w.stringField(1, key);
  return Buffer.from(w.finish());
}

/**
 * The error message of an Export*ServiceResponse's partial_success (field 1; its error_message is
 * field 2), or undefined. Malformed bytes read as no message: the request was accepted either way.
 */
export function partialSuccessMessage(buf: Uint8Array): string | undefined {
  const partial = lengthDelimitedField(buf, 0, buf.length, 1);
  if (!partial) return undefined;
  const message = lengthDelimitedField(buf, partial[0], partial[1], 2);
  return message && message[1] > message[0] ? Buffer.from(buf.buffer, buf.byteOffset + message[0], message[1] - message[0]).toString("utf8") : undefined;
}

/** The message of a google.rpc.Status (field 2): what an OTLP/protobuf error answer says. */
export function statusMessage(buf: Uint8Array): string | undefined {
  const message = lengthDelimitedField(buf, 0, buf.length, 2);
  return message ? Buffer.from(buf.buffer, buf.byteOffset + message[0], message[1] - message[0]).toString("utf8") : undefined;
}

/** [start, end) of the first length-delimited field `field` within buf[from, to), or undefined. */
function lengthDelimitedField(buf: Uint8Array, from: number, to: number, field: number): [number, number] | undefined {
  let pos = from;
  const varint = (): number => {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= to) throw new RangeError("truncated");
      const b = buf[pos++]!;
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
    }
    throw new RangeError("varint too long");
  };
  try {
    while (pos < to) {
      const tag = varint();
      const wire = tag % 8;
      if (wire === 0) varint();
      else if (wire === 1) pos += 8;
      else if (wire === 5) pos += 4;
      else if (wire === 2) {
        const length = varint();
        if (pos + length > to) return undefined;
        if (Math.floor(tag / 8) === field) return [pos, pos + length];
        pos += length;
      } else return undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
