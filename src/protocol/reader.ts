import { DecodeError } from './decode-error.ts';

/** Kafka int64 values: a number when it is a safe integer, otherwise a bigint (exact in both cases). */
export type Int64 = number | bigint;

const TWO_POW_32 = 4294967296;
const MAX_STRING_LENGTH = 0x7fff;

export function normalizeInt64(value: bigint): Int64 {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/**
 * Bounds-checked big-endian cursor over `buf[offset, end)`. Every read past `end` throws a DecodeError
 * (never a RangeError); byte fields are returned as views into `buf`, never copied.
 */
export class Reader {
  readonly buf: Buffer;
  offset: number;
  end: number;

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    if (!Number.isInteger(offset) || !Number.isInteger(end) || offset < 0 || end > buf.length || offset > end) {
      throw new DecodeError('reader bounds', offset, `[${offset}, ${end}) is outside a buffer of ${buf.length} bytes`);
    }
    this.buf = buf;
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  error(what: string, detail: string, where = this.offset): DecodeError {
    return new DecodeError(what, where, detail);
  }

  private need(bytes: number, what: string): number {
    const at = this.offset;
    if (this.end - at < bytes) throw this.error(what, `needs ${bytes} bytes, ${this.end - at} left`);
    this.offset = at + bytes;
    return at;
  }

  skip(bytes: number, what = 'skipped bytes'): void {
    if (bytes < 0) throw this.error(what, `negative length ${bytes}`);
    this.need(bytes, what);
  }

  bool(): boolean {
    return this.buf[this.need(1, 'bool')] !== 0;
  }

  int8(): number {
    const b = this.buf[this.need(1, 'int8')]!;
    return (b << 24) >> 24;
  }

  int16(): number {
    const at = this.need(2, 'int16');
    const b = this.buf;
    return ((b[at]! << 24) | (b[at + 1]! << 16)) >> 16;
  }

  uint16(): number {
    const at = this.need(2, 'uint16');
    const b = this.buf;
    return (b[at]! << 8) | b[at + 1]!;
  }

  int32(): number {
    const at = this.need(4, 'int32');
    const b = this.buf;
    return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
  }

  uint32(): number {
    const at = this.need(4, 'uint32');
    const b = this.buf;
    return b[at]! * 0x1000000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
  }

  int64(): Int64 {
    const at = this.need(8, 'int64');
    const b = this.buf;
    const high = (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
    const low = b[at + 4]! * 0x1000000 + ((b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!);
    const value = high * TWO_POW_32 + low;
    // Rounding is monotonic, so an unsafe exact value never lands inside the safe range.
    if (value <= Number.MAX_SAFE_INTEGER && value >= Number.MIN_SAFE_INTEGER) return value;
    return b.readBigInt64BE(at);
  }

  float64(): number {
    return this.buf.readDoubleBE(this.need(8, 'float64'));
  }

  /** Kafka's textual UUID form: URL-safe base64 without padding (22 characters). */
  uuid(): string {
    const at = this.need(16, 'uuid');
    return this.buf.toString('base64url', at, at + 16);
  }

  /** Unsigned LEB128 of at most 5 bytes, truncated to 32 bits like Kafka's ByteUtils.readUnsignedVarint. */
  uvarint(): number {
    const b = this.buf;
    let at = this.offset;
    if (at < this.end && b[at]! < 0x80) {
      this.offset = at + 1;
      return b[at]!;
    }
    let value = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      if (at >= this.end) throw this.error('unsigned varint', 'truncated', this.offset);
      const byte = b[at++]!;
      value |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.offset = at;
        return value >>> 0;
      }
    }
    throw this.error('unsigned varint', 'longer than 5 bytes');
  }

  /** Zigzag-encoded signed 32-bit varint. */
  varint(): number {
    const raw = this.uvarint();
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** Zigzag-encoded signed 64-bit varint (at most 10 bytes). */
  varlong(): Int64 {
    const b = this.buf;
    const start = this.offset;
    let at = start;
    let raw = 0n;
    for (let shift = 0n; shift <= 63n; shift += 7n) {
      if (at >= this.end) throw this.error('varlong', 'truncated', start);
      const byte = b[at++]!;
      raw |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.offset = at;
        raw = BigInt.asUintN(64, raw);
        return normalizeInt64((raw >> 1n) ^ -(raw & 1n));
      }
    }
    throw this.error('varlong', 'longer than 10 bytes', start);
  }

  private text(length: number, what: string): string {
    if (length > MAX_STRING_LENGTH) throw this.error(what, `length ${length} exceeds ${MAX_STRING_LENGTH}`);
    const at = this.need(length, what);
    return this.buf.toString('utf8', at, at + length);
  }

  string(): string {
    const length = this.int16();
    if (length < 0) throw this.error('string', `null (length ${length}) where a string is required`, this.offset - 2);
    return this.text(length, 'string');
  }

  nullableString(): string | null {
    const length = this.int16();
    return length < 0 ? null : this.text(length, 'nullable string');
  }

  compactString(): string {
    const start = this.offset;
    const length = this.uvarint() - 1;
    if (length < 0) throw this.error('compact string', 'null where a string is required', start);
    return this.text(length, 'compact string');
  }

  compactNullableString(): string | null {
    const length = this.uvarint() - 1;
    return length < 0 ? null : this.text(length, 'compact nullable string');
  }

  private view(length: number, what: string): Buffer {
    const at = this.need(length, what);
    return this.buf.subarray(at, at + length);
  }

  bytes(): Buffer {
    const length = this.int32();
    if (length < 0) throw this.error('bytes', `null (length ${length}) where bytes are required`, this.offset - 4);
    return this.view(length, 'bytes');
  }

  nullableBytes(): Buffer | null {
    const length = this.int32();
    return length < 0 ? null : this.view(length, 'nullable bytes');
  }

  compactBytes(): Buffer {
    const start = this.offset;
    const length = this.uvarint() - 1;
    if (length < 0) throw this.error('compact bytes', 'null where bytes are required', start);
    return this.view(length, 'compact bytes');
  }

  compactNullableBytes(): Buffer | null {
    const length = this.uvarint() - 1;
    return length < 0 ? null : this.view(length, 'compact nullable bytes');
  }

  /**
   * Element count of an int32-prefixed array, or -1 for a null array. Like Kafka, a count larger
   * than the remaining bytes is rejected before anything is allocated.
   */
  arrayLength(): number {
    const start = this.offset;
    const length = this.int32();
    return this.checkedLength(length < 0 ? -1 : length, start);
  }

  /** Element count of a compact (unsigned varint count + 1) array, or -1 for a null array. */
  compactArrayLength(): number {
    const start = this.offset;
    return this.checkedLength(this.uvarint() - 1, start);
  }

  private checkedLength(length: number, start: number): number {
    if (length > this.end - this.offset) {
      throw this.error('array length', `${length} elements but only ${this.end - this.offset} bytes left`, start);
    }
    return length;
  }

  array<T>(readItem: (reader: Reader) => T): T[] {
    return this.items(this.arrayLength(), readItem);
  }

  compactArray<T>(readItem: (reader: Reader) => T): T[] {
    return this.items(this.compactArrayLength(), readItem);
  }

  private items<T>(length: number, readItem: (reader: Reader) => T): T[] {
    if (length < 0) throw this.error('array', 'null where an array is required');
    const items: T[] = [];
    for (let i = 0; i < length; i++) items.push(readItem(this));
    return items;
  }

  /** Skips a whole tagged-field section (KIP-482) without interpreting any field. */
  skipTaggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.skip(this.uvarint(), 'tagged field');
    }
  }
}
