import type { ByteQueue } from './byte-queue.ts';
import { BIG_ENDIAN, LITTLE_ENDIAN, type ByteOrder } from './byte-order.ts';
import { CaptureFormatError } from './capture-format-error.ts';
import type { CaptureRecordParser } from './capture-record-parser.ts';
import type { CapturedPacket, TruncatedTail } from './captured-packet.ts';
import { timestampConverter, type TimestampConverter } from './timestamps.ts';

const SECTION_HEADER_BLOCK = 0x0a0d0d0a;
const INTERFACE_DESCRIPTION_BLOCK = 1;
const OBSOLETE_PACKET_BLOCK = 2;
const SIMPLE_PACKET_BLOCK = 3;
const ENHANCED_PACKET_BLOCK = 6;

const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;

const OPTION_END = 0;
const OPTION_IF_TSRESOL = 9;
const OPTION_IF_TSOFFSET = 14;
const DEFAULT_TSRESOL = 6;

interface InterfaceDescription {
  linkType: number;
  snapLength: number;
  toMicros: TimestampConverter;
}

export function isPcapngMagic(firstFourBytes: Buffer): boolean {
  return firstFourBytes.readUInt32BE(0) === SECTION_HEADER_BLOCK;
}

export class PcapngParser implements CaptureRecordParser {
  readonly format = 'pcapng' as const;
  readonly #queue: ByteQueue;
  readonly #maxBlockBytes: number;
  #byteOrder: ByteOrder | undefined;
  #interfaces: InterfaceDescription[] = [];
  /** Simple packet blocks carry no timestamp: they get the last one seen. */
  #lastTimestampMicros = 0;

  constructor(queue: ByteQueue, maxBlockBytes: number) {
    this.#queue = queue;
    this.#maxBlockBytes = maxBlockBytes;
  }

  next(): CapturedPacket | undefined {
    for (;;) {
      const blockOffset = this.#queue.offset;
      const head = this.#queue.peek(12);
      if (head === undefined) return undefined;
      const blockType = head.readUInt32BE(0);
      const order = blockType === SECTION_HEADER_BLOCK ? sectionByteOrder(head, blockOffset) : this.#byteOrder;
      if (order === undefined) throw new CaptureFormatError(blockOffset, 'pcapng input does not start with a section header block');
      const totalLength = order.u32(head, 4);
      this.#checkBlockLength(order.u32(head, 0), totalLength, blockOffset);
      const block = this.#queue.peek(totalLength);
      if (block === undefined) return undefined;
      const trailingLength = order.u32(block, totalLength - 4);
      if (trailingLength !== totalLength) {
        throw new CaptureFormatError(
          blockOffset + totalLength - 4,
          `pcapng block trailing length ${trailingLength} differs from its leading length ${totalLength}`,
        );
      }
      const packet = this.#readBlock(order.u32(block, 0), block, order, blockOffset);
      this.#queue.skip(totalLength);
      if (packet !== undefined) {
        this.#lastTimestampMicros = packet.timestampMicros;
        return packet;
      }
    }
  }

  truncatedTail(): TruncatedTail | undefined {
    const available = this.#queue.available;
    if (available === 0) return undefined;
    const head = this.#queue.peek(12);
    const order =
      head === undefined ? undefined : head.readUInt32BE(0) === SECTION_HEADER_BLOCK ? sectionByteOrderOrUndefined(head) : this.#byteOrder;
    return {
      offset: this.#queue.offset,
      item: this.#byteOrder === undefined ? 'pcapng section header block' : 'pcapng block',
      bytesAvailable: available,
      bytesExpected: head !== undefined && order !== undefined ? order.u32(head, 4) : undefined,
    };
  }

  #checkBlockLength(blockType: number, totalLength: number, blockOffset: number): void {
    const minimum = blockType === SECTION_HEADER_BLOCK ? 28 : 12;
    const problem =
      totalLength < minimum
        ? `is below the minimum of ${minimum}`
        : totalLength % 4 !== 0
          ? 'is not a multiple of 4'
          : totalLength > this.#maxBlockBytes
            ? `exceeds the limit of ${this.#maxBlockBytes}`
            : undefined;
    if (problem !== undefined) {
      throw new CaptureFormatError(
        blockOffset,
        `pcapng block of type 0x${blockType.toString(16)} has total length ${totalLength}, which ${problem}`,
      );
    }
  }

  #readBlock(blockType: number, block: Buffer, order: ByteOrder, blockOffset: number): CapturedPacket | undefined {
    switch (blockType) {
      case SECTION_HEADER_BLOCK:
        this.#startSection(block, order, blockOffset);
        return undefined;
      case INTERFACE_DESCRIPTION_BLOCK:
        this.#interfaces.push(readInterfaceDescription(block, order, blockOffset));
        return undefined;
      case ENHANCED_PACKET_BLOCK:
        return this.#readTimestampedPacket(block, order, blockOffset, order.u32(block, 8));
      case OBSOLETE_PACKET_BLOCK:
        return this.#readTimestampedPacket(block, order, blockOffset, order.u16(block, 8));
      case SIMPLE_PACKET_BLOCK:
        return this.#readSimplePacket(block, order, blockOffset);
      default:
        return undefined;
    }
  }

  #startSection(block: Buffer, order: ByteOrder, blockOffset: number): void {
    const majorVersion = order.u16(block, 12);
    if (majorVersion !== 1) throw new CaptureFormatError(blockOffset + 12, `unsupported pcapng major version ${majorVersion}`);
    this.#byteOrder = order;
    this.#interfaces = [];
  }

  /** Enhanced and obsolete packet blocks share the layout after the interface id. */
  #readTimestampedPacket(block: Buffer, order: ByteOrder, blockOffset: number, interfaceId: number): CapturedPacket {
    const description = this.#interfaceAt(interfaceId, blockOffset);
    if (block.length < 32) throw new CaptureFormatError(blockOffset, `pcapng packet block of ${block.length} bytes is too short`);
    const capturedLength = order.u32(block, 20);
    if (28 + capturedLength > block.length - 4) {
      throw new CaptureFormatError(
        blockOffset + 20,
        `pcapng packet block of ${block.length} bytes cannot hold its ${capturedLength} captured bytes`,
      );
    }
    return {
      timestampMicros: description.toMicros(order.u32(block, 12), order.u32(block, 16)),
      linkType: description.linkType,
      capturedLength,
      originalLength: order.u32(block, 24),
      data: block.subarray(28, 28 + capturedLength),
      interfaceId,
    };
  }

  #readSimplePacket(block: Buffer, order: ByteOrder, blockOffset: number): CapturedPacket {
    const description = this.#interfaceAt(0, blockOffset);
    if (block.length < 16) throw new CaptureFormatError(blockOffset, `pcapng simple packet block of ${block.length} bytes is too short`);
    const originalLength = order.u32(block, 8);
    const room = block.length - 16;
    const snapLength = description.snapLength === 0 ? room : description.snapLength;
    const capturedLength = Math.min(originalLength, room, snapLength);
    return {
      timestampMicros: this.#lastTimestampMicros,
      linkType: description.linkType,
      capturedLength,
      originalLength,
      data: block.subarray(12, 12 + capturedLength),
      interfaceId: 0,
    };
  }

  #interfaceAt(interfaceId: number, blockOffset: number): InterfaceDescription {
    const description = this.#interfaces[interfaceId];
    if (description === undefined) {
      throw new CaptureFormatError(
        blockOffset + 8,
        `pcapng packet refers to interface ${interfaceId}, but the section describes ${this.#interfaces.length}`,
      );
    }
    return description;
  }
}

function sectionByteOrderOrUndefined(head: Buffer): ByteOrder | undefined {
  const magic = head.readUInt32BE(8);
  if (magic === BYTE_ORDER_MAGIC) return BIG_ENDIAN;
  if (magic === BYTE_ORDER_MAGIC_SWAPPED) return LITTLE_ENDIAN;
  return undefined;
}

function sectionByteOrder(head: Buffer, blockOffset: number): ByteOrder {
  const order = sectionByteOrderOrUndefined(head);
  if (order === undefined) {
    throw new CaptureFormatError(blockOffset + 8, `pcapng section header has byte-order magic 0x${head.toString('hex', 8, 12)}`);
  }
  return order;
}

function readInterfaceDescription(block: Buffer, order: ByteOrder, blockOffset: number): InterfaceDescription {
  if (block.length < 20)
    throw new CaptureFormatError(blockOffset, `pcapng interface description block of ${block.length} bytes is too short`);
  let tsresol = DEFAULT_TSRESOL;
  let offsetSeconds = 0;
  forEachOption(block, 16, order, blockOffset, (code, value) => {
    if (code === OPTION_IF_TSRESOL && value.length >= 1) tsresol = value[0]!;
    if (code === OPTION_IF_TSOFFSET && value.length >= 8) {
      offsetSeconds = Number(order.littleEndian ? value.readBigInt64LE(0) : value.readBigInt64BE(0));
    }
  });
  return {
    linkType: order.u16(block, 8),
    snapLength: order.u32(block, 12),
    toMicros: timestampConverter(tsresol, offsetSeconds),
  };
}

/** Walks the option list between `start` and the block's trailing length field. */
function forEachOption(
  block: Buffer,
  start: number,
  order: ByteOrder,
  blockOffset: number,
  visit: (code: number, value: Buffer) => void,
): void {
  const end = block.length - 4;
  let position = start;
  while (position + 4 <= end) {
    const code = order.u16(block, position);
    const length = order.u16(block, position + 2);
    if (code === OPTION_END) return;
    const valueStart = position + 4;
    if (valueStart + length > end) {
      throw new CaptureFormatError(blockOffset + position, `pcapng option ${code} of length ${length} runs past the end of its block`);
    }
    visit(code, block.subarray(valueStart, valueStart + length));
    position = valueStart + ((length + 3) & ~3);
  }
}
