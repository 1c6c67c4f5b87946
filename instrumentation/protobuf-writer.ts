/**
 * A minimal protobuf wire-format writer for the requests the Run API sends. A training loop
 * tracks millions of points: writing them as OTLP/protobuf straight into one buffer costs the
 * client and the collector far less than JSON (no text numbers, no per-point objects).
 */

const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;

/** Largest varint of a message length: 5 bytes hold any length below 2^35. */
const LENGTH_ROOM = 5;

export class ProtoWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** The bytes written so far (a view, valid until the next write). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** A non-negative integer up to 2^53 as a varint. */
  varint(n: number): void {
    this.room(10);
    const buf = this.buf;
    let pos = this.pos;
    while (n >= 0x80) {
      buf[pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    buf[pos++] = n;
    this.pos = pos;
  }

  /** An int64 field (two's complement varint, so negatives take ten bytes). */
  int64Field(field: number, v: number | bigint): void {
    this.tag(field, VARINT);
    if (typeof v === "number" && v >= 0 && Number.isSafeInteger(v)) return this.varint(v);
    let u = BigInt.asUintN(64, BigInt(v));
    this.room(10);
    while (u >= 0x80n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
  }

  uint32Field(field: number, v: number): void {
    this.tag(field, VARINT);
    this.varint(v >>> 0);
  }

  boolField(field: number, v: boolean): void {
    this.tag(field, VARINT);
    this.varint(v ? 1 : 0);
  }

  fixed64Field(field: number, v: bigint): void {
    this.tag(field, FIXED64);
    this.room(8);
    this.buf.writeBigUInt64LE(v >= 0n ? v : BigInt.asUintN(64, v), this.pos);
    this.pos += 8;
  }

  doubleField(field: number, v: number): void {
    this.tag(field, FIXED64);
    this.room(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  stringField(field: number, s: string): void {
    this.tag(field, LEN);
    // At most 3 bytes per UTF-16 unit: reserve that, write, then the exact length goes in front.
    this.room(LENGTH_ROOM + s.length * 3);
    const written = this.buf.write(s, this.pos + LENGTH_ROOM, "utf8");
    this.closeLength(this.pos + LENGTH_ROOM, written);
  }

  bytesField(field: number, b: Uint8Array): void {
    this.tag(field, LEN);
    this.varint(b.length);
    this.raw(b);
  }

  /** Bytes already in wire format (e.g. fields encoded once and repeated in many messages). */
  raw(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  packedFixed64Field(field: number, values: readonly number[]): void {
    if (values.length === 0) return;
    this.tag(field, LEN);
    this.varint(values.length * 8);
    this.room(values.length * 8);
    for (const v of values) {
      this.buf.writeBigUInt64LE(BigInt(v), this.pos);
      this.pos += 8;
    }
  }

  packedDoubleField(field: number, values: readonly number[]): void {
    if (values.length === 0) return;
    this.tag(field, LEN);
    this.varint(values.length * 8);
    this.room(values.length * 8);
    for (const v of values) {
      this.buf.writeDoubleLE(v, this.pos);
      this.pos += 8;
    }
  }

  /** A length-delimited sub-message whose fields `body` writes. */
  message(field: number, body: () => void): void {
    const start = this.begin(field);
    body();
    this.end(start);
  }

  /** Opens a sub-message (the closure-free form of message(), for hot loops); end() closes it. */
  begin(field: number): number {
    this.tag(field, LEN);
    this.room(LENGTH_ROOM);
    this.pos += LENGTH_ROOM;
    return this.pos;
  }

  end(start: number): void {
    this.closeLength(start, this.pos - start);
  }

  /** Writes the length varint of `length` bytes found at `start` just before them (moving them back over the unused room). */
  private closeLength(start: number, length: number): void {
    // Written in place, not through varint(): the room is reserved, and growing the buffer here
    // would copy only what comes before the length, losing the body.
    const buf = this.buf;
    let pos = start - LENGTH_ROOM;
    let n = length;
    while (n >= 0x80) {
      buf[pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    buf[pos++] = n;
    if (pos !== start) buf.copyWithin(pos, start, start + length);
    this.pos = pos + length;
  }
}
