// Test-only schema-driven ENCODER: the inverse of src/protocol/schema-decoder.ts, written directly
// against the FieldSpec list (not the decoder's compiled plans) so that round trips exercise both.

import { apiSpec } from '../../../../src/protocol/api-keys.ts';
import type { DecodedStruct, DecodedValue, Direction } from '../../../../src/protocol/schema-decoder.ts';
import type { FieldSpec, VersionRange } from '../../../../src/protocol/spec/types.ts';

export class Writer {
  private buf = Buffer.alloc(256);
  private length = 0;

  private reserve(bytes: number): number {
    if (this.length + bytes > this.buf.length) {
      const bigger = Buffer.alloc(Math.max(this.buf.length * 2, this.length + bytes));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    const at = this.length;
    this.length += bytes;
    return at;
  }

  int8(v: number): this {
    const at = this.reserve(1);
    this.buf.writeInt8(v, at);
    return this;
  }
  int16(v: number): this {
    const at = this.reserve(2);
    this.buf.writeInt16BE(v, at);
    return this;
  }
  uint16(v: number): this {
    const at = this.reserve(2);
    this.buf.writeUInt16BE(v, at);
    return this;
  }
  int32(v: number): this {
    const at = this.reserve(4);
    this.buf.writeInt32BE(v, at);
    return this;
  }
  uint32(v: number): this {
    const at = this.reserve(4);
    this.buf.writeUInt32BE(v, at);
    return this;
  }
  int64(v: number | bigint): this {
    const at = this.reserve(8);
    this.buf.writeBigInt64BE(BigInt(v), at);
    return this;
  }
  float64(v: number): this {
    const at = this.reserve(8);
    this.buf.writeDoubleBE(v, at);
    return this;
  }
  uvarint(v: number): this {
    let rest = v >>> 0;
    while (rest >= 0x80) {
      const at = this.reserve(1);
      this.buf[at] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    const at = this.reserve(1);
    this.buf[at] = rest;
    return this;
  }
  raw(bytes: Uint8Array): this {
    const at = this.reserve(bytes.length);
    this.buf.set(bytes, at);
    return this;
  }
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }
}

function inRange(range: VersionRange | undefined, version: number): boolean {
  return range !== undefined && version >= range[0] && version <= range[1];
}

export interface EncodeOptions {
  /** Appended to every tagged-field section, to check that unknown tags are skipped. */
  readonly unknownTaggedField?: { readonly tag: number; readonly bytes: Uint8Array };
}

class SchemaEncoder {
  private readonly version: number;
  private readonly options: EncodeOptions;

  constructor(version: number, options: EncodeOptions) {
    this.version = version;
    this.options = options;
  }

  private length(w: Writer, flexible: boolean, n: number, classicWidth: 2 | 4): void {
    if (flexible) w.uvarint(n + 1);
    else if (classicWidth === 2) w.int16(n);
    else w.int32(n);
  }

  private scalar(w: Writer, field: FieldSpec, flexible: boolean, value: DecodedValue): void {
    switch (field.type) {
      case 'bool':
        w.int8(value ? 1 : 0);
        return;
      case 'int8':
        w.int8(value as number);
        return;
      case 'int16':
        w.int16(value as number);
        return;
      case 'uint16':
        w.uint16(value as number);
        return;
      case 'int32':
        w.int32(value as number);
        return;
      case 'uint32':
        w.uint32(value as number);
        return;
      case 'int64':
        w.int64(value as number | bigint);
        return;
      case 'float64':
        w.float64(value as number);
        return;
      case 'uuid':
        w.raw(Buffer.from(value as string, 'base64url'));
        return;
      case 'string':
        if (value === null) return this.length(w, flexible, -1, 2);
        this.length(w, flexible, Buffer.byteLength(value as string), 2);
        w.raw(Buffer.from(value as string, 'utf8'));
        return;
      case 'bytes':
      case 'records':
        if (value === null) return this.length(w, flexible, -1, 4);
        this.length(w, flexible, (value as Buffer).length, 4);
        w.raw(value as Buffer);
        return;
      case 'struct':
        this.struct(w, field.fields ?? [], flexible, value as DecodedStruct);
        return;
    }
  }

  private value(w: Writer, field: FieldSpec, flexible: boolean, value: DecodedValue): void {
    const nullable = inRange(field.nullable, this.version);
    if (value === null && !nullable) throw new Error(`${field.name}: null in a non-nullable version`);
    if (field.array) {
      if (value === null) return this.length(w, flexible, -1, 4);
      const items = value as DecodedValue[];
      this.length(w, flexible, items.length, 4);
      for (const item of items) this.scalar(w, field, flexible, item);
      return;
    }
    if (field.type === 'struct' && nullable) {
      w.int8(value === null ? -1 : 1);
      if (value === null) return;
    }
    this.scalar(w, field, flexible, value);
  }

  struct(w: Writer, fields: readonly FieldSpec[], flexible: boolean, value: DecodedStruct): void {
    const present = fields.filter((f) => inRange(f.versions, this.version));
    for (const field of present) {
      if (inRange(field.tagged, this.version)) continue;
      if (!(field.name in value)) throw new Error(`missing field ${field.name}`);
      this.value(w, field, flexible, value[field.name]!);
    }
    if (!flexible) return;
    const sections: { tag: number; bytes: Buffer }[] = [];
    for (const field of present) {
      if (!inRange(field.tagged, this.version) || isAbsentValue(field, value[field.name])) continue;
      const inner = new Writer();
      this.value(inner, field, true, value[field.name]!);
      sections.push({ tag: field.tag!, bytes: inner.toBuffer() });
    }
    if (this.options.unknownTaggedField) {
      sections.push({ tag: this.options.unknownTaggedField.tag, bytes: Buffer.from(this.options.unknownTaggedField.bytes) });
    }
    sections.sort((a, b) => a.tag - b.tag);
    w.uvarint(sections.length);
    for (const section of sections) w.uvarint(section.tag).uvarint(section.bytes.length).raw(section.bytes);
  }
}

/** What the decoder yields for a tagged field that was not sent. */
export function absentTaggedValue(field: FieldSpec): DecodedValue {
  if (field.default !== undefined) return field.default;
  return field.array ? [] : null;
}

function isAbsentValue(field: FieldSpec, value: DecodedValue | undefined): boolean {
  if (value === undefined) return true;
  const absent = absentTaggedValue(field);
  if (Array.isArray(absent)) return Array.isArray(value) && value.length === 0;
  return value === absent;
}

export function messageSpec(apiKey: number, direction: Direction) {
  const spec = apiSpec(apiKey);
  if (!spec) throw new Error(`unknown api key ${apiKey}`);
  return spec[direction];
}

export function isFlexible(apiKey: number, version: number, direction: Direction): boolean {
  const from = messageSpec(apiKey, direction).flexibleFrom;
  return from !== null && version >= from;
}

export function encodeBody(
  apiKey: number,
  version: number,
  direction: Direction,
  body: DecodedStruct,
  options: EncodeOptions = {},
): Buffer {
  const message = messageSpec(apiKey, direction);
  const w = new Writer();
  new SchemaEncoder(version, options).struct(w, message.fields, isFlexible(apiKey, version, direction), body);
  return w.toBuffer();
}

export interface RequestHeaderInput {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
}

/** Request header written from the protocol rules (v0 only for ControlledShutdown v0). */
export function encodeRequestHeader(header: RequestHeaderInput): Buffer {
  const w = new Writer().int16(header.apiKey).int16(header.apiVersion).int32(header.correlationId);
  if (header.apiKey === 7 && header.apiVersion === 0) return w.toBuffer();
  if (header.clientId === null) w.int16(-1);
  else w.int16(Buffer.byteLength(header.clientId)).raw(Buffer.from(header.clientId));
  if (isFlexible(header.apiKey, header.apiVersion, 'request')) w.uvarint(0);
  return w.toBuffer();
}

export function encodeRequest(header: RequestHeaderInput, body: DecodedStruct, options?: EncodeOptions): Buffer {
  return Buffer.concat([encodeRequestHeader(header), encodeBody(header.apiKey, header.apiVersion, 'request', body, options)]);
}

export function encodeResponse(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  body: DecodedStruct,
  options?: EncodeOptions,
): Buffer {
  const w = new Writer().int32(correlationId);
  if (apiKey !== 18 && isFlexible(apiKey, apiVersion, 'response')) w.uvarint(0);
  return Buffer.concat([w.toBuffer(), encodeBody(apiKey, apiVersion, 'response', body, options)]);
}

/** Prefixes a message with its int32 size, as on the wire. */
export function frame(message: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(message.length);
  return Buffer.concat([size, message]);
}
