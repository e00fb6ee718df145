// fast-check arbitraries producing decoded-shape values for any message version of the spec.

import fc from 'fast-check';
import { normalizeInt64 } from '../../../../src/protocol/reader.ts';
import type { DecodedStruct, DecodedValue, Direction } from '../../../../src/protocol/schema-decoder.ts';
import type { FieldSpec, VersionRange } from '../../../../src/protocol/spec/types.ts';
import { absentTaggedValue, messageSpec } from './encoder.ts';

// Show the assertion message of a failing property in node:test output (fast-check keeps it as `cause`).
fc.configureGlobal({ ...fc.readConfigureGlobal(), includeErrorInReport: true });

function inRange(range: VersionRange | undefined, version: number): boolean {
  return range !== undefined && version >= range[0] && version <= range[1];
}

const int64 = fc.oneof(
  fc.integer({ min: -1000, max: 1_000_000 }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(normalizeInt64),
  fc.constantFrom(2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n, -(2n ** 53n)).map(normalizeInt64),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
);

const buffer = fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes));

function scalar(field: FieldSpec, version: number): fc.Arbitrary<DecodedValue> {
  switch (field.type) {
    case 'bool':
      return fc.boolean();
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'uint16':
      return fc.integer({ min: 0, max: 0xffff });
    case 'int32':
      return fc.integer({ min: -0x80000000, max: 0x7fffffff });
    case 'uint32':
      return fc.integer({ min: 0, max: 0xffffffff });
    case 'int64':
      return int64;
    case 'float64':
      return fc.double();
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64url'));
    case 'string':
      return fc.string({ unit: 'binary', maxLength: 12 });
    case 'bytes':
    case 'records':
      return buffer;
    case 'struct':
      return structArbitrary(field.fields ?? [], version);
  }
}

function fieldArbitrary(field: FieldSpec, version: number): fc.Arbitrary<DecodedValue> {
  const base = field.array ? fc.array(scalar(field, version), { maxLength: 3 }) : scalar(field, version);
  const value = inRange(field.nullable, version) ? fc.option(base, { nil: null, freq: 4 }) : base;
  if (!inRange(field.tagged, version)) return value;
  return fc.oneof(fc.constant(absentTaggedValue(field)), value);
}

export function structArbitrary(fields: readonly FieldSpec[], version: number): fc.Arbitrary<DecodedStruct> {
  const shape: Record<string, fc.Arbitrary<DecodedValue>> = {};
  for (const field of fields) {
    if (inRange(field.versions, version)) shape[field.name] = fieldArbitrary(field, version);
  }
  return fc.record(shape, { noNullPrototype: true }) as fc.Arbitrary<DecodedStruct>;
}

export function bodyArbitrary(apiKey: number, version: number, direction: Direction): fc.Arbitrary<DecodedStruct> {
  return structArbitrary(messageSpec(apiKey, direction).fields, version);
}
