import type { ByteQueue } from './byte-queue.ts';
import { BIG_ENDIAN, LITTLE_ENDIAN, type ByteOrder } from './byte-order.ts';
import { CaptureFormatError } from './capture-format-error.ts';
import type { CaptureRecordParser } from './capture-record-parser.ts';
import type { CapturedPacket, TruncatedTail } from './captured-packet.ts';

/** Classic pcap magic numbers as read big-endian from the first four bytes. */
const MAGIC_MICROS = 0xa1b2c3d4;
const MAGIC_NANOS = 0xa1b23c4d;
/** Alexey Kuznetsov's patched format: 8 extra bytes per record header. */
const MAGIC_MODIFIED = 0xa1b2cd34;

const FILE_HEADER_LENGTH = 24;

interface PcapFileHeader {
  byteOrder: ByteOrder;
  nanosecondTimestamps: boolean;
  recordHeaderLength: number;
  linkType: number;
}

export function isPcapMagic(firstFourBytes: Buffer): boolean {
  return classify(firstFourBytes.readUInt32BE(0)) !== undefined || classify(firstFourBytes.readUInt32LE(0)) !== undefined;
}

function classify(magic: number): { nanos: boolean; modified: boolean } | undefined {
  if (magic === MAGIC_MICROS) return { nanos: false, modified: false };
  if (magic === MAGIC_NANOS) return { nanos: true, modified: false };
  if (magic === MAGIC_MODIFIED) return { nanos: false, modified: true };
  return undefined;
}

export class PcapParser implements CaptureRecordParser {
  readonly format = 'pcap' as const;
  readonly #queue: ByteQueue;
  readonly #maxRecordBytes: number;
  #header: PcapFileHeader | undefined;

  constructor(queue: ByteQueue, maxRecordBytes: number) {
    this.#queue = queue;
    this.#maxRecordBytes = maxRecordBytes;
  }

  next(): CapturedPacket | undefined {
    const header = this.#header ?? this.#readFileHeader();
    if (header === undefined) return undefined;
    const u32 = header.byteOrder.u32;
    // Fast path: the record lies whole in the chunk at the front of the queue (nearly always).
    const chunk = this.#queue.headChunk;
    if (chunk !== undefined) {
      const start = this.#queue.headChunkOffset;
      const dataStart = start + header.recordHeaderLength;
      if (dataStart <= chunk.length) {
        const capturedLength = u32(chunk, start + 8);
        const dataEnd = dataStart + capturedLength;
        if (capturedLength <= this.#maxRecordBytes && dataEnd <= chunk.length) {
          const seconds = u32(chunk, start);
          const fraction = u32(chunk, start + 4);
          const originalLength = u32(chunk, start + 12);
          this.#queue.skip(dataEnd - start);
          return {
            timestampMicros: seconds * 1_000_000 + (header.nanosecondTimestamps ? Math.floor(fraction / 1000) : fraction),
            linkType: header.linkType,
            capturedLength,
            originalLength,
            data: chunk.subarray(dataStart, dataEnd),
            interfaceId: 0,
          };
        }
      }
    }
    const recordOffset = this.#queue.offset;
    const recordHeader = this.#queue.peek(header.recordHeaderLength);
    if (recordHeader === undefined) return undefined;
    const capturedLength = u32(recordHeader, 8);
    if (capturedLength > this.#maxRecordBytes) {
      throw new CaptureFormatError(
        recordOffset,
        `pcap packet record claims ${capturedLength} captured bytes, above the limit of ${this.#maxRecordBytes}`,
      );
    }
    const record = this.#queue.peek(header.recordHeaderLength + capturedLength);
    if (record === undefined) return undefined;
    this.#queue.skip(record.length);
    const seconds = u32(record, 0);
    const fraction = u32(record, 4);
    return {
      timestampMicros: seconds * 1_000_000 + (header.nanosecondTimestamps ? Math.floor(fraction / 1000) : fraction),
      linkType: header.linkType,
      capturedLength,
      originalLength: u32(record, 12),
      data: record.subarray(header.recordHeaderLength),
      interfaceId: 0,
    };
  }

  truncatedTail(): TruncatedTail | undefined {
    const available = this.#queue.available;
    if (this.#header === undefined) {
      return { offset: this.#queue.offset, item: 'pcap file header', bytesAvailable: available, bytesExpected: FILE_HEADER_LENGTH };
    }
    if (available === 0) return undefined;
    const recordHeaderLength = this.#header.recordHeaderLength;
    const recordHeader = this.#queue.peek(recordHeaderLength);
    const bytesExpected = recordHeader === undefined ? undefined : recordHeaderLength + this.#header.byteOrder.u32(recordHeader, 8);
    return { offset: this.#queue.offset, item: 'pcap packet record', bytesAvailable: available, bytesExpected };
  }

  #readFileHeader(): PcapFileHeader | undefined {
    const bytes = this.#queue.peek(FILE_HEADER_LENGTH);
    if (bytes === undefined) return undefined;
    const offset = this.#queue.offset;
    const bigEndianKind = classify(bytes.readUInt32BE(0));
    const kind = bigEndianKind ?? classify(bytes.readUInt32LE(0));
    if (kind === undefined) throw new CaptureFormatError(offset, `not a pcap file header (magic 0x${bytes.toString('hex', 0, 4)})`);
    const byteOrder = bigEndianKind === undefined ? LITTLE_ENDIAN : BIG_ENDIAN;
    const majorVersion = byteOrder.u16(bytes, 4);
    if (majorVersion !== 2) throw new CaptureFormatError(offset + 4, `unsupported pcap major version ${majorVersion}`);
    // The upper bits of the link-type field carry FCS-length flags.
    const linkType = byteOrder.u32(bytes, 20) & 0xffff;
    this.#queue.skip(FILE_HEADER_LENGTH);
    this.#header = {
      byteOrder,
      nanosecondTimestamps: kind.nanos,
      recordHeaderLength: kind.modified ? 24 : 16,
      linkType,
    };
    return this.#header;
  }
}
