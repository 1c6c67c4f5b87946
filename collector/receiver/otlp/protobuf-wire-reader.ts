import { endianness } from "node:os";
import { PermanentError } from "../../errors.ts";

/** Protobuf wire types. */
export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;
export const FIXED32 = 5;

/**
 * A bounds-checked reader of the protobuf wire format over one buffer. The trace and metrics
 * decoders read straight from it into the model — no intermediate message objects, no Long
 * objects — which is where most of the collector's time went with a generic decoder. Malformed
 * input (truncation, overlong varints, unknown wire types) is a PermanentError.
 */
export class WireReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    public end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A field's tag: (field number << 3) | wire type. */
  tag(): number {
    return this.uint32();
  }

  /** A varint's low 32 bits, unsigned (enums, lengths, counts, bools). */
  uint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    let value = 0;
    let shift = 0;
    for (;;) {
      if (pos >= this.end) throw truncated();
      const b = buf[pos++]!;
      if (shift < 28) value |= (b & 0x7f) << shift;
      else if (shift === 28) value |= (b & 0x0f) << 28;
      if (b < 0x80) break;
      shift += 7;
      if (shift > 63) throw new PermanentError("invalid OTLP protobuf: varint longer than 10 bytes");
    }
    this.pos = pos;
    return value >>> 0;
  }

  /** A varint as a signed 64-bit integer (int64). */
  int64(): bigint {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (;;) {
      if (pos >= this.end) throw truncated();
      const b = buf[pos++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      if (b < 0x80) break;
      shift += 7;
      if (shift > 63) throw new PermanentError("invalid OTLP protobuf: varint longer than 10 bytes");
    }
    this.pos = pos;
    if (hi === 0 && lo >= 0) return BigInt(lo);
    return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
  }

  /** A varint as an unsigned 64-bit integer (uint64). */
  uint64(): bigint {
    return BigInt.asUintN(64, this.int64());
  }

  /** A zigzag varint (sint32), from its low 32 bits as every protobuf runtime reads it. */
  sint32(): number {
    const v = this.uint32();
    return (v >>> 1) ^ -(v & 1);
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) throw truncated();
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.end) throw truncated();
    if (LITTLE_ENDIAN) {
      copy8(this.buf, this.pos);
      this.pos += 8;
      return SCRATCH_U64[0]!;
    }
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
  }

  sfixed64(): bigint {
    if (this.pos + 8 > this.end) throw truncated();
    if (LITTLE_ENDIAN) {
      copy8(this.buf, this.pos);
      this.pos += 8;
      return SCRATCH_I64[0]!;
    }
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readInt32LE(this.pos + 4);
    this.pos += 8;
    if ((hi === 0 && lo <= 0x7fffffff) || (hi === -1 && lo > 0x7fffffff)) return BigInt(lo | 0);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  double(): number {
    if (this.pos + 8 > this.end) throw truncated();
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A length-delimited field's bounds: [start, end). */
  bounds(): [number, number] {
    const len = this.uint32();
    const start = this.pos;
    if (len > this.end - start) throw truncated();
    this.pos = start + len;
    return [start, start + len];
  }

  /** Invalid UTF-8 becomes U+FFFD, as every protobuf runtime for JS does. */
  string(): string {
    const [start, end] = this.bounds();
    return start === end ? "" : this.buf.toString("utf8", start, end);
  }

  /**
   * A string that tends to repeat (attribute keys, short attribute values): a short ASCII one is
   * looked up by its bytes in a small table of strings seen before and shared when it matches,
   * which saves decoding it and the garbage of one more copy per data point. Otherwise string().
   */
  sharedString(): string {
    const len = this.uint32();
    const start = this.pos;
    if (len > this.end - start) throw truncated();
    const end = start + len;
    this.pos = end;
    if (len === 0) return "";
    const buf = this.buf;
    if (len > SHARED_MAX_BYTES) return buf.toString("utf8", start, end);
    let hash = len;
    let bits = 0;
    for (let i = start; i < end; i++) {
      const b = buf[i]!;
      bits |= b;
      hash = Math.imul(hash ^ b, 0x01000193);
    }
    if (bits >= 0x80) return buf.toString("utf8", start, end);
    const slot = (hash ^ (hash >>> 16)) & (SHARED_SLOTS - 1);
    const known = SHARED[slot]!;
    if (known.length === len) {
      let i = 0;
      while (i < len && known.charCodeAt(i) === buf[start + i]) i++;
      if (i === len) return known;
    }
    // ASCII: latin1 decodes it as UTF-8 would, into a one-byte string.
    const s = buf.toString("latin1", start, end);
    SHARED[slot] = s;
    return s;
  }

  hex(): string {
    const [start, end] = this.bounds();
    return start === end ? "" : this.buf.toString("hex", start, end);
  }

  bytes(): Uint8Array {
    const [start, end] = this.bounds();
    return this.buf.subarray(start, end);
  }

  /**
   * Narrows this reader to the length-delimited field at the current position, without a new
   * reader: read the field until `done`, then `leave(the returned end)`. After an error inside the
   * field the reader is left narrowed; only use it on readers that are dropped on error.
   */
  enter(): number {
    const len = this.uint32();
    const outer = this.end;
    if (len > outer - this.pos) throw truncated();
    this.end = this.pos + len;
    return outer;
  }

  leave(outerEnd: number): void {
    this.end = outerEnd;
  }

  /** A reader over the length-delimited field at the current position. */
  sub(): WireReader {
    const [start, end] = this.bounds();
    return new WireReader(this.buf, start, end);
  }

  skip(wireType: number): void {
    switch (wireType) {
      case VARINT:
        this.uint32();
        return;
      case FIXED64:
        if (this.pos + 8 > this.end) throw truncated();
        this.pos += 8;
        return;
      case LEN:
        this.bounds();
        return;
      case FIXED32:
        if (this.pos + 4 > this.end) throw truncated();
        this.pos += 4;
        return;
      default:
        // Groups (3, 4) were never part of OTLP; 6 and 7 do not exist.
        throw new PermanentError(`invalid OTLP protobuf: wire type ${wireType} at offset ${this.pos}`);
    }
  }
}

/**
 * fixed64 and sfixed64 go through 8 scratch bytes viewed as a 64-bit integer: one BigInt made
 * straight from the 64 bits instead of one per half plus a shift and an or. The views read in the
 * platform's byte order, so this is only used where that is the wire's little-endian order.
 */
const LITTLE_ENDIAN = endianness() === "LE";
const SCRATCH = new Uint8Array(8);
const SCRATCH_U64 = new BigUint64Array(SCRATCH.buffer);
const SCRATCH_I64 = new BigInt64Array(SCRATCH.buffer);

function copy8(buf: Buffer, pos: number): void {
  SCRATCH[0] = buf[pos]!;
  SCRATCH[1] = buf[pos + 1]!;
  SCRATCH[2] = buf[pos + 2]!;
  SCRATCH[3] = buf[pos + 3]!;
  SCRATCH[4] = buf[pos + 4]!;
  SCRATCH[5] = buf[pos + 5]!;
  SCRATCH[6] = buf[pos + 6]!;
  SCRATCH[7] = buf[pos + 7]!;
}

/** sharedString's table: strings of up to SHARED_MAX_BYTES ASCII bytes, one per slot, the last one wins. */
const SHARED_MAX_BYTES = 64;
const SHARED_SLOTS = 1024;
const SHARED: string[] = new Array<string>(SHARED_SLOTS).fill("");

function truncated(): PermanentError {
  return new PermanentError("invalid OTLP protobuf: message truncated");
}
