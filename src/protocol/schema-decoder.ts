// Generic Kafka message decoder driven by the generated message definitions. Each
// (api key, version, direction) is compiled once into a plan whose opcodes already encode
// flexible/non-flexible and nullable variants, so decoding is one switch per value.

import { apiSpec } from './api-keys.ts';
import { DecodeError, failure, type DecodeResult } from './decode-error.ts';
import { Reader, type Int64 } from './reader.ts';
import type { FieldSpec, TaggedDefault } from './spec/types.ts';

export type Direction = 'request' | 'response';

export type DecodedValue = Int64 | boolean | string | null | Buffer | DecodedStruct | DecodedValue[];
export interface DecodedStruct {
  [field: string]: DecodedValue;
}

const BOOL = 0;
const INT8 = 1;
const INT16 = 2;
const UINT16 = 3;
const INT32 = 4;
const UINT32 = 5;
const INT64 = 6;
const FLOAT64 = 7;
const UUID = 8;
const STRING = 9;
const NULLABLE_STRING = 10;
const COMPACT_STRING = 11;
const COMPACT_NULLABLE_STRING = 12;
const BYTES = 13;
const NULLABLE_BYTES = 14;
const COMPACT_BYTES = 15;
const COMPACT_NULLABLE_BYTES = 16;
const STRUCT = 17;
const NULLABLE_STRUCT = 18;
const ARRAY = 19;
const NULLABLE_ARRAY = 20;
const COMPACT_ARRAY = 21;
const COMPACT_NULLABLE_ARRAY = 22;

interface ValuePlan {
  readonly op: number;
  readonly struct: StructPlan | null;
  readonly element: ValuePlan | null;
}

interface FieldPlan {
  readonly key: string;
  readonly value: ValuePlan;
}

interface TaggedFieldPlan extends FieldPlan {
  readonly tag: number;
  /** undefined: a fresh [] (arrays) or null (structs) when absent. */
  readonly absent: TaggedDefault | undefined;
}

export interface StructPlan {
  readonly fields: readonly FieldPlan[];
  readonly tagged: readonly TaggedFieldPlan[];
  readonly flexible: boolean;
}

const FIXED_OPS: Readonly<Record<string, number>> = {
  bool: BOOL,
  int8: INT8,
  int16: INT16,
  uint16: UINT16,
  int32: INT32,
  uint32: UINT32,
  int64: INT64,
  float64: FLOAT64,
  uuid: UUID,
};

function inRange(range: readonly [number, number] | undefined, version: number): boolean {
  return range !== undefined && version >= range[0] && version <= range[1];
}

function valuePlan(field: FieldSpec, version: number, flexible: boolean, nullable: boolean, asElement: boolean): ValuePlan {
  if (field.array && !asElement) {
    const element = valuePlan(field, version, flexible, false, true);
    const op = flexible ? (nullable ? COMPACT_NULLABLE_ARRAY : COMPACT_ARRAY) : nullable ? NULLABLE_ARRAY : ARRAY;
    return { op, struct: null, element };
  }
  const fixed = FIXED_OPS[field.type];
  if (fixed !== undefined) return { op: fixed, struct: null, element: null };
  switch (field.type) {
    case 'string':
      return {
        op: flexible ? (nullable ? COMPACT_NULLABLE_STRING : COMPACT_STRING) : nullable ? NULLABLE_STRING : STRING,
        struct: null,
        element: null,
      };
    case 'bytes':
    case 'records':
      return {
        op: flexible ? (nullable ? COMPACT_NULLABLE_BYTES : COMPACT_BYTES) : nullable ? NULLABLE_BYTES : BYTES,
        struct: null,
        element: null,
      };
    case 'struct':
      return { op: nullable ? NULLABLE_STRUCT : STRUCT, struct: structPlan(field.fields ?? [], version, flexible), element: null };
    default:
      throw new Error(`unsupported field type ${field.type}`);
  }
}

export function structPlan(fields: readonly FieldSpec[], version: number, flexible: boolean): StructPlan {
  const regular: FieldPlan[] = [];
  const tagged: TaggedFieldPlan[] = [];
  for (const field of fields) {
    if (!inRange(field.versions, version)) continue;
    const nullable = inRange(field.nullable, version);
    if (inRange(field.tagged, version)) {
      const value = valuePlan(field, version, true, nullable, false);
      tagged.push({ key: field.name, value, tag: field.tag!, absent: field.default });
    } else {
      regular.push({ key: field.name, value: valuePlan(field, version, flexible, nullable, false) });
    }
  }
  tagged.sort((a, b) => a.tag - b.tag);
  return { fields: regular, tagged, flexible };
}

const plans = new Map<number, StructPlan>();

/** Compiled plan for one message version (cached), or undefined when that version is not defined. */
export function messagePlan(apiKey: number, version: number, direction: Direction): StructPlan | undefined {
  const message = apiSpec(apiKey)?.[direction];
  if (!message || !Number.isInteger(version) || !inRange(message.validVersions, version)) return undefined;
  const cacheKey = (apiKey * 0x10000 + version) * 2 + (direction === 'request' ? 0 : 1);
  let plan = plans.get(cacheKey);
  if (plan) return plan;
  const flexible = message.flexibleFrom !== null && version >= message.flexibleFrom;
  plan = structPlan(message.fields, version, flexible);
  plans.set(cacheKey, plan);
  return plan;
}

function readArray(reader: Reader, length: number, element: ValuePlan, nullable: boolean): DecodedValue[] | null {
  if (length < 0) {
    if (nullable) return null;
    throw reader.error('array', 'null where an array is required');
  }
  const items: DecodedValue[] = [];
  for (let i = 0; i < length; i++) items.push(readValue(reader, element));
  return items;
}

function readValue(reader: Reader, plan: ValuePlan): DecodedValue {
  switch (plan.op) {
    case BOOL:
      return reader.bool();
    case INT8:
      return reader.int8();
    case INT16:
      return reader.int16();
    case UINT16:
      return reader.uint16();
    case INT32:
      return reader.int32();
    case UINT32:
      return reader.uint32();
    case INT64:
      return reader.int64();
    case FLOAT64:
      return reader.float64();
    case UUID:
      return reader.uuid();
    case STRING:
      return reader.string();
    case NULLABLE_STRING:
      return reader.nullableString();
    case COMPACT_STRING:
      return reader.compactString();
    case COMPACT_NULLABLE_STRING:
      return reader.compactNullableString();
    case BYTES:
      return reader.bytes();
    case NULLABLE_BYTES:
      return reader.nullableBytes();
    case COMPACT_BYTES:
      return reader.compactBytes();
    case COMPACT_NULLABLE_BYTES:
      return reader.compactNullableBytes();
    case STRUCT:
      return readStruct(reader, plan.struct!);
    case NULLABLE_STRUCT:
      return reader.int8() < 0 ? null : readStruct(reader, plan.struct!);
    case ARRAY:
      return readArray(reader, reader.arrayLength(), plan.element!, false);
    case NULLABLE_ARRAY:
      return readArray(reader, reader.arrayLength(), plan.element!, true);
    case COMPACT_ARRAY:
      return readArray(reader, reader.compactArrayLength(), plan.element!, false);
    case COMPACT_NULLABLE_ARRAY:
      return readArray(reader, reader.compactArrayLength(), plan.element!, true);
    default:
      throw reader.error('value', `unknown opcode ${plan.op}`);
  }
}

function absentValue(field: TaggedFieldPlan): DecodedValue {
  if (field.absent !== undefined) return field.absent;
  return field.value.element ? [] : null;
}

function readTaggedFields(reader: Reader, plan: StructPlan, out: DecodedStruct): void {
  const known = plan.tagged;
  for (let i = 0; i < known.length; i++) out[known[i]!.key] = absentValue(known[i]!);
  const count = reader.uvarint();
  for (let i = 0; i < count; i++) {
    const tag = reader.uvarint();
    const size = reader.uvarint();
    const start = reader.offset;
    reader.skip(size, 'tagged field');
    let field: TaggedFieldPlan | undefined;
    for (let k = 0; k < known.length; k++) if (known[k]!.tag === tag) field = known[k];
    if (!field) continue;
    const outerEnd = reader.end;
    reader.offset = start;
    reader.end = start + size;
    try {
      out[field.key] = readValue(reader, field.value);
    } catch (error) {
      if (error instanceof DecodeError) error.within(field.key);
      throw error;
    } finally {
      reader.end = outerEnd;
      reader.offset = start + size;
    }
  }
}

/** Reads one struct; throws DecodeError (with the field path) on malformed input. */
export function readStruct(reader: Reader, plan: StructPlan): DecodedStruct {
  const out: DecodedStruct = {};
  const fields = plan.fields;
  let i = 0;
  try {
    for (; i < fields.length; i++) {
      const field = fields[i]!;
      out[field.key] = readValue(reader, field.value);
    }
  } catch (error) {
    if (error instanceof DecodeError) error.within(fields[i]!.key);
    throw error;
  }
  if (plan.flexible) readTaggedFields(reader, plan, out);
  return out;
}

export interface DecodedBody {
  readonly body: DecodedStruct;
  /** Offset just past the body; less than the frame end means trailing bytes the schema did not cover. */
  readonly end: number;
}

/**
 * Decodes a request or response body (the bytes after the header) of the given API version.
 * Never throws: malformed, truncated or unsupported input gives `{ ok: false, error }`.
 */
export function decodeBody(
  apiKey: number,
  version: number,
  direction: Direction,
  buf: Buffer,
  offset = 0,
  end = buf.length,
): DecodeResult<DecodedBody> {
  const plan = messagePlan(apiKey, version, direction);
  if (!plan) {
    return { ok: false, error: new DecodeError(`${direction} body`, offset, `no definition for api key ${apiKey} version ${version}`) };
  }
  try {
    const reader = new Reader(buf, offset, end);
    const body = readStruct(reader, plan);
    return { ok: true, value: { body, end: reader.offset } };
  } catch (error) {
    return failure(error, offset);
  }
}
