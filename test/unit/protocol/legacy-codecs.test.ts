import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { lz4Compress, snappyCompress } from '@platformatic/wasm-utils';
import fc from 'fast-check';
import { CodecError, gunzipBounded, unlz4Bounded, unsnappyBounded } from '../../../src/protocol/legacy-codecs.ts';
import { summarizeRecords } from '../../../src/protocol/record-batch.ts';

/** Text that compresses (repeats, overlapping matches) and random bytes that do not, in one buffer. */
function sample(size: number): Buffer {
  const text = Buffer.from('kafka record value 0123456789 '.repeat(Math.ceil(size / 60) + 1));
  return Buffer.concat([text.subarray(0, size / 2), randomBytes(size / 4), Buffer.alloc(size / 4, 7)]);
}

/** snappy-java's xerial framing (as librdkafka and the Java client write legacy snappy) around raw blocks. */
function xerial(...blocks: Buffer[]): Buffer {
  const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
  const chunks = blocks.flatMap((block) => {
    const length = Buffer.alloc(4);
    length.writeInt32BE(block.length);
    return [length, block];
  });
  return Buffer.concat([header, ...chunks]);
}

describe('legacy codecs, against independent encoders', () => {
  for (const size of [0, 4, 100, 70_000, 300_000]) {
    const data = sample(size);
    test(`${size} bytes: gzip (zlib), snappy raw and xerial, lz4 frame (@platformatic/wasm-utils)`, () => {
      assert.deepEqual(gunzipBounded(gzipSync(data), 1 << 20), data);
      assert.deepEqual(unsnappyBounded(snappyCompress(data), 1 << 20), data);
      if (size > 0) {
        const half = size >> 1;
        const framed = xerial(snappyCompress(data.subarray(0, half)), snappyCompress(data.subarray(half)));
        assert.deepEqual(unsnappyBounded(framed, 1 << 20), data, 'xerial chunks, each a raw block');
      }
      assert.deepEqual(unlz4Bounded(lz4Compress(data), 1 << 20), data);
    });
  }

  test('past the bound: a CodecError, for every codec', () => {
    const data = sample(10_000);
    for (const [name, decode, encoded] of [
      ['gzip', gunzipBounded, gzipSync(data)],
      ['snappy', unsnappyBounded, snappyCompress(data)],
      ['lz4', unlz4Bounded, lz4Compress(data)],
    ] as const) {
      assert.throws(() => decode(encoded, 9_999), CodecError, name);
      assert.deepEqual(decode(encoded, 10_000), data, `${name}: exactly the bound fits`);
    }
  });

  test('garbage and cut data are CodecErrors, never another exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(gunzipBounded, unsnappyBounded, unlz4Bounded), (bytes, decode) => {
        try {
          decode(Buffer.from(bytes), 1 << 16);
        } catch (error) {
          assert.ok(error instanceof CodecError, String(error));
        }
      }),
      { numRuns: 3000 },
    );
    const encoded = lz4Compress(sample(5000));
    for (let cut = 0; cut < encoded.length; cut += 7) assert.throws(() => unlz4Bounded(encoded.subarray(0, cut), 1 << 16), CodecError);
    const snappy = snappyCompress(sample(5000));
    for (let cut = 0; cut < snappy.length; cut += 7) assert.throws(() => unsnappyBounded(snappy.subarray(0, cut), 1 << 16), CodecError);
  });
});

/** A legacy message (magic 0 or 1) with its log entry header: offset, size, crc (not checked), magic, attributes. */
function legacyMessage(magic: 0 | 1, codec: number, value: Buffer, offset = 0): Buffer {
  const body = Buffer.concat([
    Buffer.from([0, 0, 0, 0, magic, codec]),
    magic === 1 ? Buffer.alloc(8) : Buffer.alloc(0),
    Buffer.from([0xff, 0xff, 0xff, 0xff]),
    Buffer.from(Uint8Array.of(0, 0, 0, 0)),
    value,
  ]);
  body.writeInt32BE(value.length, body.length - value.length - 4);
  const header = Buffer.alloc(12);
  header.writeBigInt64BE(BigInt(offset));
  header.writeInt32BE(body.length, 8);
  return Buffer.concat([header, body]);
}

const innerSet = (magic: 0 | 1, count: number): Buffer =>
  Buffer.concat(Array.from({ length: count }, (_, index) => legacyMessage(magic, 0, Buffer.from(`inner message ${index}`), index)));

describe('legacy message sets: compressed wrappers are counted by their inner messages', () => {
  for (const magic of [0, 1] as const) {
    for (const [name, codec, compress] of [
      ['gzip', 1, gzipSync],
      ['snappy', 2, (data: Buffer) => xerial(snappyCompress(data))],
      ['lz4', 3, lz4Compress],
    ] as const) {
      test(`magic ${magic} ${name}: two wrappers of 7 and 5 messages, then a plain message`, () => {
        const set = Buffer.concat([
          legacyMessage(magic, codec, compress(innerSet(magic, 7)), 6),
          legacyMessage(magic, codec, compress(innerSet(magic, 5)), 11),
          legacyMessage(magic, 0, Buffer.from('plain'), 12),
        ]);
        const summary = summarizeRecords(set);
        assert.deepEqual(
          [summary.batches, summary.records, summary.uncountedWrappers, summary.approximate, summary.error],
          [3, 13, 0, false, null],
        );
      });
    }
  }

  test('past the budget, or not decompressible: the wrapper counts as one record and is said uncounted', () => {
    const big = legacyMessage(1, 1, gzipSync(innerSet(1, 2000)));
    const over = summarizeRecords(big, 0, big.length, { remaining: 1000 });
    assert.deepEqual([over.records, over.uncountedWrappers, over.approximate], [1, 1, true]);
    const budget = { remaining: 10_000_000 };
    const twice = Buffer.concat([big, big]);
    assert.equal(summarizeRecords(twice, 0, twice.length, budget).records, 4000);
    assert.ok(budget.remaining < 10_000_000, 'the budget is spent by what was decompressed');
    const broken = legacyMessage(0, 2, Buffer.from('not snappy at all'));
    assert.deepEqual([summarizeRecords(broken).records, summarizeRecords(broken).uncountedWrappers], [1, 1]);
  });
});
