import { PermanentError } from "../../errors.ts";

/** Protobuf wire types. */
export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;
export const FIXED32 = 5;

/**
 * A bounds-checked reader of the protobuf wire format over one buffer. The trace decoder reads
 * straight from it into the model — no intermediate message objects, no Long objects — which is
 * where most of the collector's time went with a generic decoder. Malformed input (truncation,
 * overlong varints, unknown wire types) is a PermanentError.
 */
export class WireReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
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

  fixed32(): number {
    if (this.pos + 4 > this.end) throw truncated();
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.end) throw truncated();
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
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

  hex(): string {
    const [start, end] = this.bounds();
    return start === end ? "" : this.buf.toString("hex", start, end);
  }

  bytes(): Uint8Array {
    const [start, end] = this.bounds();
    return this.buf.subarray(start, end);
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

function truncated(): PermanentError {
  return new PermanentError("invalid OTLP protobuf: message truncated");
}
