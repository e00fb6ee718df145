// Decompression of the codecs legacy (magic 0/1) message sets use, so the messages inside a compressed
// wrapper can be counted: gzip, snappy (raw, or in the xerial framing snappy-java writes) and lz4 (the
// frame format; Kafka's magic 0 writes its header checksum wrongly, so it is not checked). Pure functions
// over bytes with a bound on the output: a codec error or an output past `maxBytes` throws a CodecError.

import { gunzipSync } from 'node:zlib';

export class CodecError extends Error {}

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const LZ4_FRAME_MAGIC = 0x184d2204;
const LZ4_UNCOMPRESSED_BLOCK = 0x80000000;
const LZ4_MIN_MATCH = 4;

/** A growing output buffer that refuses to pass its bound. */
class Output {
  #buffer: Buffer;
  length = 0;
  readonly #maxBytes: number;

  constructor(expected: number, maxBytes: number) {
    this.#maxBytes = maxBytes;
    this.#buffer = Buffer.allocUnsafe(Math.max(64, Math.min(expected, maxBytes)));
  }

  reserve(bytes: number): void {
    const needed = this.length + bytes;
    if (needed > this.#maxBytes) throw new CodecError(`decompressed data exceeds ${this.#maxBytes} bytes`);
    if (needed <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.min(this.#maxBytes, Math.max(needed, this.#buffer.length * 2)));
    this.#buffer.copy(grown, 0, 0, this.length);
    this.#buffer = grown;
  }

  append(source: Buffer, start: number, end: number): void {
    this.reserve(end - start);
    source.copy(this.#buffer, this.length, start, end);
    this.length += end - start;
  }

  /** Copies `length` bytes from `distance` back; overlapping copies repeat the pattern, as LZ77 means. */
  copyMatch(distance: number, length: number): void {
    if (distance <= 0 || distance > this.length) throw new CodecError(`match offset ${distance} points before the start of the output`);
    this.reserve(length);
    const buffer = this.#buffer;
    let from = this.length - distance;
    for (let index = 0; index < length; index++) buffer[this.length++] = buffer[from++]!;
  }

  result(): Buffer {
    return this.#buffer.subarray(0, this.length);
  }
}

export function gunzipBounded(data: Buffer, maxBytes: number): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: maxBytes });
  } catch (error) {
    throw new CodecError(`gzip: ${(error as Error).message}`);
  }
}

function readVarint32(data: Buffer, at: number): { value: number; next: number } {
  let value = 0;
  for (let shift = 0, index = at; shift < 35; shift += 7, index++) {
    if (index >= data.length) throw new CodecError('snappy: the length preamble is cut short');
    const byte = data[index]!;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return { value, next: index + 1 };
  }
  throw new CodecError('snappy: the length preamble is longer than 5 bytes');
}

/** One raw snappy block, appended to `output`. */
function snappyBlock(data: Buffer, start: number, end: number, output: Output): void {
  const { value: expected, next } = readVarint32(data, start);
  const base = output.length;
  output.reserve(expected);
  let at = next;
  while (at < end) {
    const tag = data[at++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let length = tag >>> 2;
      if (length >= 60) {
        const extra = length - 59;
        if (at + extra > end) throw new CodecError('snappy: a literal length is cut short');
        length = data.readUIntLE(at, extra);
        at += extra;
      }
      length += 1;
      if (at + length > end) throw new CodecError('snappy: a literal runs past the block');
      output.append(data, at, at + length);
      at += length;
      continue;
    }
    let length: number;
    let distance: number;
    if (kind === 1) {
      if (at + 1 > end) throw new CodecError('snappy: a copy is cut short');
      length = ((tag >>> 2) & 7) + 4;
      distance = ((tag >>> 5) << 8) | data[at]!;
      at += 1;
    } else {
      const width = kind === 2 ? 2 : 4;
      if (at + width > end) throw new CodecError('snappy: a copy is cut short');
      length = (tag >>> 2) + 1;
      distance = data.readUIntLE(at, width);
      at += width;
    }
    if (output.length - base < distance) throw new CodecError(`snappy: copy offset ${distance} points before the block`);
    output.copyMatch(distance, length);
  }
  if (output.length - base !== expected)
    throw new CodecError(`snappy: ${output.length - base} bytes decoded where the block says ${expected}`);
}

/** Snappy as Kafka clients write it: xerial's framing (snappy-java, librdkafka), or a single raw block. */
export function unsnappyBounded(data: Buffer, maxBytes: number): Buffer {
  const output = new Output(data.length * 3, maxBytes);
  if (data.length >= XERIAL_HEADER_SIZE && data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) {
    let at = XERIAL_HEADER_SIZE;
    while (at < data.length) {
      if (at + 4 > data.length) throw new CodecError('snappy: a xerial chunk length is cut short');
      const length = data.readInt32BE(at);
      at += 4;
      if (length < 0 || at + length > data.length) throw new CodecError(`snappy: a xerial chunk of ${length} bytes runs past the data`);
      snappyBlock(data, at, at + length, output);
      at += length;
    }
  } else {
    snappyBlock(data, 0, data.length, output);
  }
  return output.result();
}

function lz4Block(data: Buffer, start: number, end: number, output: Output): void {
  let at = start;
  const readLength = (initial: number): number => {
    let length = initial;
    if (initial !== 15) return length;
    for (;;) {
      if (at >= end) throw new CodecError('lz4: a length is cut short');
      const byte = data[at++]!;
      length += byte;
      if (byte !== 255) return length;
    }
  };
  while (at < end) {
    const token = data[at++]!;
    const literals = readLength(token >>> 4);
    if (at + literals > end) throw new CodecError('lz4: literals run past the block');
    output.append(data, at, at + literals);
    at += literals;
    if (at === end) return;
    if (at + 2 > end) throw new CodecError('lz4: a match offset is cut short');
    const distance = data.readUInt16LE(at);
    at += 2;
    output.copyMatch(distance, readLength(token & 15) + LZ4_MIN_MATCH);
  }
}

/** The LZ4 frame format (Kafka's lz4 codec); blocks may depend on the ones before, as the output is one buffer. */
export function unlz4Bounded(data: Buffer, maxBytes: number): Buffer {
  if (data.length < 7 || data.readUInt32LE(0) !== LZ4_FRAME_MAGIC) throw new CodecError('lz4: not an LZ4 frame');
  const flags = data[4]!;
  if (flags >>> 6 !== 1) throw new CodecError(`lz4: frame version ${flags >>> 6} is not 1`);
  const blockChecksums = (flags & 0x10) !== 0;
  const contentChecksum = (flags & 0x04) !== 0;
  let at = 6 + ((flags & 0x08) !== 0 ? 8 : 0) + ((flags & 0x01) !== 0 ? 4 : 0) + 1;
  const output = new Output(data.length * 3, maxBytes);
  for (;;) {
    if (at + 4 > data.length) throw new CodecError('lz4: the frame ends without its end mark');
    const word = data.readUInt32LE(at);
    at += 4;
    if (word === 0) break;
    const size = word & ~LZ4_UNCOMPRESSED_BLOCK;
    if (at + size > data.length) throw new CodecError(`lz4: a block of ${size} bytes runs past the frame`);
    if (word & LZ4_UNCOMPRESSED_BLOCK) output.append(data, at, at + size);
    else lz4Block(data, at, at + size, output);
    at += size + (blockChecksums ? 4 : 0);
  }
  if (contentChecksum && at + 4 > data.length) throw new CodecError('lz4: the content checksum is cut short');
  return output.result();
}
