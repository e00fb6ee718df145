import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DecodeError } from '../../../src/protocol/decode-error.ts';
import { Reader } from '../../../src/protocol/reader.ts';
import { bytes } from './support/hex.ts';

const reader = (...hex: string[]) => new Reader(bytes(...hex));

/** Test-side reference encoders (LEB128 + zigzag) over bigint. */
function unsignedVarlongBytes(value: bigint): Buffer {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
  return Buffer.from(out);
}
const zigzag64 = (value: bigint) => BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));

function throwsDecodeError(read: () => unknown, what: RegExp): DecodeError {
  let caught: unknown;
  try {
    read();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof DecodeError, `expected a DecodeError, got ${String(caught)}`);
  assert.match(caught.what, what);
  return caught;
}

describe('Reader fixed-width integers', () => {
  it('reads signed and unsigned big-endian values', () => {
    const r = reader('ff', '8000', 'ffff', '80000000', 'ffffffff', '7fffffff');
    assert.equal(r.int8(), -1);
    assert.equal(r.int16(), -32768);
    assert.equal(r.uint16(), 65535);
    assert.equal(r.int32(), -2147483648);
    assert.equal(r.uint32(), 4294967295);
    assert.equal(r.int32(), 2147483647);
    assert.equal(r.remaining, 0);
  });

  it('int64: a number when safe, a bigint otherwise, exact either way', () => {
    const r = reader(
      '0000000000000064', // 100
      'ffffffffffffffff', // -1
      '001fffffffffffff', // 2^53 - 1
      '0020000000000000', // 2^53
      'ffe0000000000001', // -(2^53 - 1)
      'ffe0000000000000', // -2^53
      '7fffffffffffffff', // max
      '8000000000000000', // min
      '0000000100000000', // 2^32
    );
    assert.equal(r.int64(), 100);
    assert.equal(r.int64(), -1);
    assert.equal(r.int64(), Number.MAX_SAFE_INTEGER);
    assert.equal(r.int64(), 2n ** 53n);
    assert.equal(r.int64(), Number.MIN_SAFE_INTEGER);
    assert.equal(r.int64(), -(2n ** 53n));
    assert.equal(r.int64(), 2n ** 63n - 1n);
    assert.equal(r.int64(), -(2n ** 63n));
    assert.equal(r.int64(), 4294967296);
  });

  it('int64 agrees with readBigInt64BE for any 8 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), (raw) => {
        const buf = Buffer.from(raw);
        assert.equal(BigInt(new Reader(buf).int64()), buf.readBigInt64BE(0));
      }),
      { numRuns: 2000 },
    );
  });

  it('float64, bool and uuid', () => {
    const r = reader('400921fb54442d18', '00', '02', '000102030405060708090a0b0c0d0e0f');
    assert.equal(r.float64(), Math.PI);
    assert.equal(r.bool(), false);
    assert.equal(r.bool(), true);
    assert.equal(r.uuid(), 'AAECAwQFBgcICQoLDA0ODw');
  });
});

describe('Reader varints', () => {
  it('unsigned varint boundaries', () => {
    const r = reader('00', '7f', '8001', 'ac02', 'ffffffff0f');
    assert.deepEqual([r.uvarint(), r.uvarint(), r.uvarint(), r.uvarint(), r.uvarint()], [0, 127, 128, 300, 4294967295]);
  });

  it('unsigned varint longer than 5 bytes or cut short is a DecodeError', () => {
    throwsDecodeError(() => reader('ffffffffff01').uvarint(), /unsigned varint/);
    throwsDecodeError(() => reader('ff').uvarint(), /unsigned varint/);
  });

  it('zigzag varint (int32) round-trips any int32', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), (value) => {
        const r = new Reader(unsignedVarlongBytes(BigInt(((value << 1) ^ (value >> 31)) >>> 0)));
        assert.equal(r.varint(), value);
        assert.equal(r.remaining, 0);
      }),
      { numRuns: 2000 },
    );
    assert.equal(reader('01').varint(), -1);
    assert.equal(reader('02').varint(), 1);
  });

  it('zigzag varlong (int64) round-trips any int64', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (value) => {
        const r = new Reader(unsignedVarlongBytes(zigzag64(value)));
        assert.equal(BigInt(r.varlong()), value);
        assert.equal(r.remaining, 0);
      }),
      { numRuns: 2000 },
    );
    assert.equal(reader('03').varlong(), -2);
    throwsDecodeError(() => reader('ffffffffffffffffffff01').varlong(), /varlong/);
  });
});

describe('Reader strings and bytes', () => {
  it('classic and compact strings, nullable and not', () => {
    const r = reader('0003', '6b6166', 'ffff', '04', '6b6166', '00', '01');
    assert.equal(r.string(), 'kaf');
    assert.equal(r.nullableString(), null);
    assert.equal(r.compactString(), 'kaf');
    assert.equal(r.compactNullableString(), null);
    assert.equal(r.compactString(), '');
  });

  it('null where a string is required is a DecodeError', () => {
    throwsDecodeError(() => reader('ffff').string(), /^string$/);
    throwsDecodeError(() => reader('00').compactString(), /compact string/);
  });

  it('bytes are views into the same memory, never copies', () => {
    const buf = bytes('00000003', 'aabbcc', '03', 'ddee', 'ffffffff');
    const r = new Reader(buf);
    const first = r.bytes();
    const second = r.compactBytes();
    assert.equal(r.nullableBytes(), null);
    assert.deepEqual([...first], [0xaa, 0xbb, 0xcc]);
    assert.deepEqual([...second], [0xdd, 0xee]);
    buf[4] = 0x11;
    assert.equal(first[0], 0x11);
    assert.equal(first.buffer, buf.buffer);
  });

  it('a length beyond the end is a DecodeError with what and where, never a RangeError', () => {
    const r = reader('0000', '00000010', 'aabb');
    r.skip(2);
    const error = throwsDecodeError(() => r.bytes(), /bytes/);
    assert.equal(error.where, 6);
    assert.match(error.message, /needs 16 bytes, 2 left/);
    throwsDecodeError(() => reader('00').int16(), /int16/);
    throwsDecodeError(() => reader('000000').int32(), /int32/);
    throwsDecodeError(() => reader('00000000000000').int64(), /int64/);
    throwsDecodeError(() => reader('0005', 'aa').string(), /string/);
  });
});

describe('Reader arrays and tagged fields', () => {
  it('array lengths: null is -1, counts above the remaining bytes are rejected early', () => {
    assert.equal(reader('ffffffff').arrayLength(), -1);
    assert.equal(reader('00').compactArrayLength(), -1);
    throwsDecodeError(() => reader('7fffffff', '00').arrayLength(), /array length/);
    throwsDecodeError(() => reader('ffffffff07').compactArrayLength(), /array length/);
  });

  it('array helpers read each element with the given function', () => {
    assert.deepEqual(
      reader('00000002', '0001', '0002').array((r) => r.int16()),
      [1, 2],
    );
    assert.deepEqual(
      reader('03', '0001', '0002').compactArray((r) => r.int16()),
      [1, 2],
    );
    throwsDecodeError(() => reader('ffffffff').array((r) => r.int16()), /array/);
  });

  it('skipTaggedFields skips every field by its size', () => {
    const r = reader('02', '00', '03', 'aabbcc', '8001', '01', 'dd', '2a');
    r.skipTaggedFields();
    assert.equal(r.int8(), 0x2a);
    throwsDecodeError(() => reader('01', '00', '05', 'aa').skipTaggedFields(), /tagged field/);
  });

  it('respects an end bound inside a larger buffer', () => {
    const r = new Reader(bytes('0001', '0002', '0003'), 2, 4);
    assert.equal(r.int16(), 2);
    throwsDecodeError(() => r.int8(), /int8/);
    throwsDecodeError(() => new Reader(bytes('00'), 0, 5), /reader bounds/);
    throwsDecodeError(() => new Reader(bytes('0000'), 0.5), /reader bounds/);
  });
});
