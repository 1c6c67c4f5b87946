import { KvList, type AnyValue, type Attributes } from "../../../model/any-value.ts";
import type { InstrumentationScope, Resource } from "../../../model/trace.ts";
import { PermanentError } from "../../../errors.ts";
import { MAX_VALUE_DEPTH } from "../span-validation.ts";
import type { Long, PbAnyValue, PbKeyValue, PbResource, PbScope } from "../wire-types.ts";

/** protobufjs messages → the model, for the logs decoder (traces and metrics use common/protobuf-wire-values.ts). */

export function pbResource(r: PbResource | null | undefined): Resource {
  return { attributes: pbAttributes(r?.attributes, 0), droppedAttributesCount: r?.droppedAttributesCount ?? 0 };
}

export function pbScope(s: PbScope | null | undefined): InstrumentationScope {
  return {
    name: s?.name ?? "",
    version: s?.version ?? "",
    attributes: pbAttributes(s?.attributes, 0),
    droppedAttributesCount: s?.droppedAttributesCount ?? 0,
  };
}

export function pbAttributes(list: PbKeyValue[] | undefined, depth: number): Attributes {
  if (!list || list.length === 0) return [];
  const out: Attributes = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const kv = list[i]!;
    out[i] = { key: kv.key, value: pbAnyValue(kv.value, depth) };
  }
  return out;
}

export function pbAnyValue(v: PbAnyValue | null | undefined, depth: number): AnyValue {
  if (v === null || v === undefined) return null;
  switch (v.value) {
    case "stringValue":
      return v.stringValue;
    case "boolValue":
      return v.boolValue;
    case "intValue":
      return signed64(v.intValue);
    case "doubleValue":
      return v.doubleValue;
    case "bytesValue":
      return v.bytesValue;
    case "arrayValue": {
      if (depth >= MAX_VALUE_DEPTH) throw tooDeep();
      const values = v.arrayValue?.values ?? [];
      return values.map((x) => pbAnyValue(x, depth + 1));
    }
    case "kvlistValue":
      if (depth >= MAX_VALUE_DEPTH) throw tooDeep();
      return new KvList(pbAttributes(v.kvlistValue?.values, depth + 1));
    default:
      return null;
  }
}

function tooDeep(): PermanentError {
  return new PermanentError(`attribute value nested deeper than ${MAX_VALUE_DEPTH} levels`);
}

export function hex(bytes: Uint8Array): string {
  if (bytes.length === 0) return "";
  return Buffer.isBuffer(bytes) ? bytes.toString("hex") : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("hex");
}

export function unsigned64(l: Long | number): bigint {
  if (typeof l === "number") return BigInt(l);
  if (l.high === 0) return BigInt(l.low >>> 0);
  return (BigInt(l.high >>> 0) << 32n) | BigInt(l.low >>> 0);
}

function signed64(l: Long | number): bigint {
  if (typeof l === "number") return BigInt(l);
  if ((l.high === 0 && l.low >= 0) || (l.high === -1 && l.low < 0)) return BigInt(l.low);
  return BigInt.asIntN(64, (BigInt(l.high >>> 0) << 32n) | BigInt(l.low >>> 0));
}

/** Decodes with a protobufjs type; malformed bytes (and runaway nesting) are the sender's fault. */
export function decodeOrReject<T>(decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    throw new PermanentError(`invalid OTLP protobuf: ${err instanceof Error ? err.message : String(err)}`);
  }
}
