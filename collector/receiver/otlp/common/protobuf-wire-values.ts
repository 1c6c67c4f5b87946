import { KvList, type AnyValue, type Attributes, type KeyValue } from "../../../model/any-value.ts";
import type { InstrumentationScope, Resource } from "../../../model/trace.ts";
import { PermanentError } from "../../../errors.ts";
import { FIXED64, LEN, VARINT, type WireReader } from "../protobuf-wire-reader.ts";
import { MAX_VALUE_DEPTH } from "../span-validation.ts";

/**
 * The messages of common.proto and resource.proto read straight off the wire into the model, for
 * the hand-written decoders of every signal (decode-protobuf.ts, metrics/decode-protobuf.ts).
 * Same rules as those decoders: unknown fields and known fields with an unexpected wire type are
 * skipped, the last member of a oneof wins, malformed bytes are a PermanentError.
 */

export function resource(r: WireReader): Resource {
  const out: Resource = { attributes: [], droppedAttributesCount: 0 };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) out.attributes.push(keyValue(r.sub(), 0));
    else if (tag === ((2 << 3) | VARINT)) out.droppedAttributesCount = r.uint32();
    else r.skip(tag & 7);
  }
  return out;
}

export function scope(r: WireReader): InstrumentationScope {
  const out: InstrumentationScope = { name: "", version: "", attributes: [], droppedAttributesCount: 0 };
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) out.name = r.string();
    else if (tag === ((2 << 3) | LEN)) out.version = r.string();
    else if (tag === ((3 << 3) | LEN)) out.attributes.push(keyValue(r.sub(), 0));
    else if (tag === ((4 << 3) | VARINT)) out.droppedAttributesCount = r.uint32();
    else r.skip(tag & 7);
  }
  return out;
}

/** A KeyValue: `r` spans exactly the message; on an error it may be left narrowed (WireReader.enter). */
export function keyValue(r: WireReader, depth: number): KeyValue {
  let key = "";
  let value: AnyValue = null;
  while (!r.done) {
    const tag = r.tag();
    if (tag === ((1 << 3) | LEN)) key = r.sharedString();
    else if (tag === ((2 << 3) | LEN)) {
      const end = r.enter();
      value = anyValue(r, depth);
      r.leave(end);
    } else r.skip(tag & 7);
  }
  return { key, value };
}

/** AnyValue's oneof: the last member on the wire wins; none at all is the empty value. */
export function anyValue(r: WireReader, depth: number): AnyValue {
  let value: AnyValue = null;
  while (!r.done) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | LEN:
        value = r.sharedString();
        break;
      case (2 << 3) | VARINT:
        value = r.uint32() !== 0;
        break;
      case (3 << 3) | VARINT:
        value = r.int64();
        break;
      case (4 << 3) | FIXED64:
        value = r.double();
        break;
      case (5 << 3) | LEN: {
        if (depth >= MAX_VALUE_DEPTH) throw tooDeep();
        const inner = r.sub();
        const values: AnyValue[] = [];
        while (!inner.done) {
          const t = inner.tag();
          if (t === ((1 << 3) | LEN)) values.push(anyValue(inner.sub(), depth + 1));
          else inner.skip(t & 7);
        }
        value = values;
        break;
      }
      case (6 << 3) | LEN: {
        if (depth >= MAX_VALUE_DEPTH) throw tooDeep();
        const inner = r.sub();
        const values: Attributes = [];
        while (!inner.done) {
          const t = inner.tag();
          if (t === ((1 << 3) | LEN)) values.push(keyValue(inner.sub(), depth + 1));
          else inner.skip(t & 7);
        }
        value = new KvList(values);
        break;
      }
      case (7 << 3) | LEN:
        value = r.bytes();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return value;
}

const TOO_DEEP = `attribute value nested deeper than ${MAX_VALUE_DEPTH} levels`;

export function tooDeep(): PermanentError {
  return new PermanentError(TOO_DEEP);
}

/**
 * Whether `err` is tooDeep()'s error: well-formed protobuf whose content is invalid, which rejects
 * the one item (span, data point) holding the value rather than the whole request.
 */
export function isTooDeep(err: unknown): err is PermanentError {
  return err instanceof PermanentError && err.message === TOO_DEEP;
}
