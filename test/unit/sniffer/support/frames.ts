// Kafka frames for tests, written by the protocol tests' schema encoder. Fields left out of a body
// get neutral values (0, '', empty arrays, null where nullable), so a test names only what it needs.

import { apiSpec } from '../../../../src/protocol/api-keys.ts';
import type { DecodedStruct, DecodedValue, Direction } from '../../../../src/protocol/index.ts';
import type { FieldSpec, VersionRange } from '../../../../src/protocol/spec/types.ts';
import { encodeRequest, encodeResponse, frame } from '../../protocol/support/encoder.ts';

function inRange(range: VersionRange | undefined, version: number): boolean {
  return range !== undefined && version >= range[0] && version <= range[1];
}

function neutral(field: FieldSpec, version: number): DecodedValue {
  if (inRange(field.nullable, version) && field.type !== 'records' && !field.array) return null;
  if (field.array) return [];
  switch (field.type) {
    case 'bool':
      return false;
    case 'uuid':
      return 'AAAAAAAAAAAAAAAAAAAAAA';
    case 'string':
      return '';
    case 'bytes':
    case 'records':
      return Buffer.alloc(0);
    case 'struct':
      return complete(field.fields ?? [], version, {});
    default:
      return 0;
  }
}

function complete(fields: readonly FieldSpec[], version: number, given: DecodedStruct): DecodedStruct {
  const out: DecodedStruct = {};
  for (const field of fields) {
    if (!inRange(field.versions, version)) continue;
    if (inRange(field.tagged, version) && !(field.name in given)) continue;
    const value = field.name in given ? given[field.name]! : neutral(field, version);
    if (field.type === 'struct' && field.array && Array.isArray(value)) {
      out[field.name] = value.map((item) => complete(field.fields ?? [], version, item as DecodedStruct));
    } else if (field.type === 'struct' && !field.array && value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
      out[field.name] = complete(field.fields ?? [], version, value as DecodedStruct);
    } else {
      out[field.name] = value;
    }
  }
  return out;
}

export function body(apiKey: number, version: number, direction: Direction, given: DecodedStruct = {}): DecodedStruct {
  const spec = apiSpec(apiKey);
  if (!spec) throw new Error(`unknown api key ${apiKey}`);
  return complete(spec[direction].fields, version, given);
}

/** A request frame (with its size prefix). */
export function requestFrame(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  clientId: string | null,
  given: DecodedStruct = {},
): Buffer {
  return frame(encodeRequest({ apiKey, apiVersion, correlationId, clientId }, body(apiKey, apiVersion, 'request', given)));
}

/** A response frame (with its size prefix) to a request of `apiKey`/`apiVersion`. */
export function responseFrame(apiKey: number, apiVersion: number, correlationId: number, given: DecodedStruct = {}): Buffer {
  return frame(encodeResponse(apiKey, apiVersion, correlationId, body(apiKey, apiVersion, 'response', given)));
}

/** A magic 2 record batch of `records` records (their bytes are opaque filler), optionally a control batch. */
export function recordBatch(records: number, options: { control?: boolean; size?: number; codec?: number } = {}): Buffer {
  const size = Math.max(options.size ?? 61 + records * 10, 61);
  const batch = Buffer.alloc(size, 0x61);
  batch.writeBigInt64BE(0n, 0);
  batch.writeInt32BE(size - 12, 8);
  batch.writeInt32BE(0, 12);
  batch.writeInt8(2, 16);
  batch.writeInt16BE((options.codec ?? 0) | (options.control ? 0x30 : 0), 21);
  batch.writeInt32BE(records - 1, 23);
  batch.writeInt32BE(records, 57);
  return batch;
}
