// Typed reads of decoded message fields: the generic decoder returns loosely typed structs.

import type { DecodedStruct, DecodedValue } from '../../protocol/index.ts';

export function stringField(struct: DecodedStruct, name: string): string | undefined {
  const value = struct[name];
  return typeof value === 'string' ? value : undefined;
}

/** A nullable string field: null when the field is present and null, undefined when absent. */
export function nullableStringField(struct: DecodedStruct, name: string): string | null | undefined {
  const value = struct[name];
  if (value === null) return null;
  return typeof value === 'string' ? value : undefined;
}

export function numberField(struct: DecodedStruct, name: string): number | undefined {
  const value = struct[name];
  return typeof value === 'number' ? value : undefined;
}

export function int64Field(struct: DecodedStruct, name: string): number | bigint | undefined {
  const value = struct[name];
  return typeof value === 'number' || typeof value === 'bigint' ? value : undefined;
}

export function bytesField(struct: DecodedStruct, name: string): Buffer | undefined {
  const value = struct[name];
  return Buffer.isBuffer(value) ? value : undefined;
}

function isStruct(value: DecodedValue): value is DecodedStruct {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

export function structField(struct: DecodedStruct, name: string): DecodedStruct | undefined {
  const value = struct[name];
  return value !== undefined && isStruct(value) ? value : undefined;
}

/** Struct elements of an array field; [] when absent or null. */
export function structsField(struct: DecodedStruct, name: string): DecodedStruct[] {
  const value = struct[name];
  return Array.isArray(value) ? value.filter(isStruct) : [];
}

export function stringsField(struct: DecodedStruct, name: string): string[] | undefined {
  const value = struct[name];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
}

export function numbersField(struct: DecodedStruct, name: string): number[] {
  const value = struct[name];
  return Array.isArray(value) ? value.filter((item): item is number => typeof item === 'number') : [];
}

/** Every `errorCode` in a decoded message, at any depth, with how often each non-zero one occurs. */
export function collectErrorCodes(struct: DecodedStruct, into: Map<number, number> = new Map()): Map<number, number> {
  for (const key in struct) {
    const value = struct[key]!;
    if (key === 'errorCode') {
      if (typeof value === 'number' && value !== 0) into.set(value, (into.get(value) ?? 0) + 1);
    } else if (Array.isArray(value)) {
      for (const item of value) if (isStruct(item)) collectErrorCodes(item, into);
    } else if (isStruct(value)) {
      collectErrorCodes(value, into);
    }
  }
  return into;
}
