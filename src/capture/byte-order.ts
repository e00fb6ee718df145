/** Unsigned integer readers for one byte order, picked once per file or section. */
export interface ByteOrder {
  readonly littleEndian: boolean;
  u16(buffer: Buffer, offset: number): number;
  u32(buffer: Buffer, offset: number): number;
}

export const LITTLE_ENDIAN: ByteOrder = {
  littleEndian: true,
  u16: (buffer, offset) => buffer.readUInt16LE(offset),
  u32: (buffer, offset) => buffer.readUInt32LE(offset),
};

export const BIG_ENDIAN: ByteOrder = {
  littleEndian: false,
  u16: (buffer, offset) => buffer.readUInt16BE(offset),
  u32: (buffer, offset) => buffer.readUInt32BE(offset),
};
