// Writers of pcap and pcapng files for tests, independent of the readers under test.

export interface PcapRecord {
  seconds: number;
  /** Microseconds or nanoseconds, depending on the file. */
  fraction: number;
  data: Buffer;
  originalLength?: number;
}

export interface PcapOptions {
  littleEndian?: boolean;
  nanosecond?: boolean;
  /** Kuznetsov's patched format (magic a1b2cd34, 24-byte record headers). */
  modified?: boolean;
  linkType?: number;
  snapLength?: number;
  majorVersion?: number;
  records: PcapRecord[];
}

export function pcapFile(options: PcapOptions): Buffer {
  const littleEndian = options.littleEndian ?? true;
  const u32 = (value: number): Buffer => uint32(value, littleEndian);
  const u16 = (value: number): Buffer => uint16(value, littleEndian);
  const magic = options.modified ? 0xa1b2cd34 : options.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4;
  const parts = [
    u32(magic),
    u16(options.majorVersion ?? 2),
    u16(4),
    u32(0),
    u32(0),
    u32(options.snapLength ?? 262144),
    u32(options.linkType ?? 1),
  ];
  for (const record of options.records) {
    parts.push(u32(record.seconds), u32(record.fraction), u32(record.data.length), u32(record.originalLength ?? record.data.length));
    if (options.modified) parts.push(Buffer.alloc(8));
    parts.push(record.data);
  }
  return Buffer.concat(parts);
}

/** Rewrites a little-endian classic pcap file (as tcpdump writes on x86) in big-endian byte order. */
export function pcapToBigEndian(file: Buffer): Buffer {
  const out = Buffer.from(file);
  out.writeUInt32BE(file.readUInt32LE(0), 0);
  out.writeUInt16BE(file.readUInt16LE(4), 4);
  out.writeUInt16BE(file.readUInt16LE(6), 6);
  for (const offset of [8, 12, 16, 20]) out.writeUInt32BE(file.readUInt32LE(offset), offset);
  for (let position = 24; position + 16 <= file.length; ) {
    const capturedLength = file.readUInt32LE(position + 8);
    for (let field = 0; field < 16; field += 4) out.writeUInt32BE(file.readUInt32LE(position + field), position + field);
    position += 16 + capturedLength;
  }
  return out;
}

export interface PcapngOption {
  code: number;
  value: Buffer;
}

/** Builds pcapng blocks in one byte order. */
export class PcapngWriter {
  readonly littleEndian: boolean;

  constructor(littleEndian: boolean) {
    this.littleEndian = littleEndian;
  }

  block(type: number, body: Buffer): Buffer {
    const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
    const totalLength = padded.length + 12;
    return Buffer.concat([this.u32(type), this.u32(totalLength), padded, this.u32(totalLength)]);
  }

  sectionHeader(options: PcapngOption[] = [], majorVersion = 1): Buffer {
    return this.block(
      0x0a0d0d0a,
      Buffer.concat([this.u32(0x1a2b3c4d), this.u16(majorVersion), this.u16(0), Buffer.alloc(8, 0xff), this.options(options)]),
    );
  }

  interfaceDescription(linkType: number, snapLength: number, options: PcapngOption[] = []): Buffer {
    return this.block(1, Buffer.concat([this.u16(linkType), this.u16(0), this.u32(snapLength), this.options(options)]));
  }

  enhancedPacket(interfaceId: number, timestampUnits: bigint, data: Buffer, originalLength = data.length): Buffer {
    return this.block(
      6,
      Buffer.concat([this.u32(interfaceId), this.timestamp(timestampUnits), this.u32(data.length), this.u32(originalLength), data]),
    );
  }

  obsoletePacket(interfaceId: number, timestampUnits: bigint, data: Buffer, originalLength = data.length): Buffer {
    return this.block(
      2,
      Buffer.concat([
        this.u16(interfaceId),
        this.u16(0),
        this.timestamp(timestampUnits),
        this.u32(data.length),
        this.u32(originalLength),
        data,
      ]),
    );
  }

  simplePacket(data: Buffer, originalLength = data.length): Buffer {
    return this.block(3, Buffer.concat([this.u32(originalLength), data]));
  }

  tsresol(value: number): PcapngOption {
    return { code: 9, value: Buffer.from([value]) };
  }

  tsoffset(seconds: bigint): PcapngOption {
    const value = Buffer.alloc(8);
    if (this.littleEndian) value.writeBigInt64LE(seconds);
    else value.writeBigInt64BE(seconds);
    return { code: 14, value };
  }

  options(options: PcapngOption[]): Buffer {
    if (options.length === 0) return Buffer.alloc(0);
    const parts: Buffer[] = [];
    for (const option of options) {
      parts.push(this.u16(option.code), this.u16(option.value.length), option.value, Buffer.alloc((4 - (option.value.length % 4)) % 4));
    }
    parts.push(this.u16(0), this.u16(0));
    return Buffer.concat(parts);
  }

  timestamp(units: bigint): Buffer {
    return Buffer.concat([this.u32(Number(units >> 32n)), this.u32(Number(units & 0xffffffffn))]);
  }

  u32(value: number): Buffer {
    return uint32(value, this.littleEndian);
  }

  u16(value: number): Buffer {
    return uint16(value, this.littleEndian);
  }
}

function uint32(value: number, littleEndian: boolean): Buffer {
  const bytes = Buffer.alloc(4);
  if (littleEndian) bytes.writeUInt32LE(value >>> 0);
  else bytes.writeUInt32BE(value >>> 0);
  return bytes;
}

function uint16(value: number, littleEndian: boolean): Buffer {
  const bytes = Buffer.alloc(2);
  if (littleEndian) bytes.writeUInt16LE(value);
  else bytes.writeUInt16BE(value);
  return bytes;
}
