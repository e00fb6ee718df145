import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  COMPRESSION_GZIP,
  COMPRESSION_LZ4,
  COMPRESSION_NONE,
  COMPRESSION_SNAPPY,
  COMPRESSION_ZSTD,
  compressionCodecNames,
  summarizeRecords,
} from '../../../src/protocol/index.ts';

/** A magic 2 RecordBatch laid out as in the Kafka documentation; `payload` stands in for the records. */
function v2Batch(options: { attributes?: number; recordCount: number; payload?: number; baseOffset?: bigint }): Buffer {
  const payload = options.payload ?? 10;
  const batch = Buffer.alloc(61 + payload, 0x5a);
  batch.writeBigInt64BE(options.baseOffset ?? 0n, 0); // baseOffset
  batch.writeInt32BE(49 + payload, 8); // batchLength: bytes after this field
  batch.writeInt32BE(-1, 12); // partitionLeaderEpoch
  batch.writeInt8(2, 16); // magic
  batch.writeUInt32BE(0xdeadbeef, 17); // crc
  batch.writeInt16BE(options.attributes ?? 0, 21); // attributes
  batch.writeInt32BE(Math.max(0, options.recordCount - 1), 23); // lastOffsetDelta
  batch.writeBigInt64BE(1700000000000n, 27); // baseTimestamp
  batch.writeBigInt64BE(1700000000000n, 35); // maxTimestamp
  batch.writeBigInt64BE(-1n, 43); // producerId
  batch.writeInt16BE(-1, 51); // producerEpoch
  batch.writeInt32BE(-1, 53); // baseSequence
  batch.writeInt32BE(options.recordCount, 57); // recordCount
  return batch;
}

/** A legacy message set entry (magic 0 or 1) with a key and value. */
function legacyMessage(magic: 0 | 1, options: { codec?: number; key?: string | null; value?: string } = {}): Buffer {
  const key = options.key === undefined ? 'k' : options.key;
  const value = Buffer.from(options.value ?? 'value');
  const keyBytes = key === null ? Buffer.alloc(0) : Buffer.from(key);
  const message = Buffer.alloc(4 + 1 + 1 + (magic === 1 ? 8 : 0) + 4 + keyBytes.length + 4 + value.length);
  let at = 4; // crc left as zero
  message.writeInt8(magic, at++);
  message.writeInt8(options.codec ?? 0, at++);
  if (magic === 1) at = message.writeBigInt64BE(1700000000000n, at);
  at = message.writeInt32BE(key === null ? -1 : keyBytes.length, at);
  at += keyBytes.copy(message, at);
  at = message.writeInt32BE(value.length, at);
  value.copy(message, at);
  const entry = Buffer.alloc(12);
  entry.writeBigInt64BE(0n, 0);
  entry.writeInt32BE(message.length, 8);
  return Buffer.concat([entry, message]);
}

const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
const TIMESTAMP_LOG_APPEND = 0x08;

describe('summarizeRecords on magic 2 record batches', () => {
  it('counts batches, records and bytes', () => {
    const records = Buffer.concat([v2Batch({ recordCount: 3 }), v2Batch({ recordCount: 5, payload: 100 })]);
    const summary = summarizeRecords(records);
    assert.deepEqual(
      [summary.batches, summary.records, summary.bytes, summary.partialBytes, summary.magics, summary.error],
      [2, 8, records.length, 0, 1 << 2, null],
    );
    assert.equal(summary.approximate, false);
  });

  it('reports each compression codec from attribute bits 0-2, ignoring the timestamp type bit', () => {
    const codecs = [COMPRESSION_NONE, COMPRESSION_GZIP, COMPRESSION_SNAPPY, COMPRESSION_LZ4, COMPRESSION_ZSTD];
    for (const codec of codecs) {
      const summary = summarizeRecords(v2Batch({ recordCount: 2, attributes: codec | TIMESTAMP_LOG_APPEND }));
      assert.equal(summary.compressionCodecs, 1 << codec);
      assert.equal(summary.records, 2);
    }
    const mixed = summarizeRecords(Buffer.concat(codecs.map((codec) => v2Batch({ recordCount: 1, attributes: codec }))));
    assert.deepEqual(compressionCodecNames(mixed.compressionCodecs), ['none', 'gzip', 'snappy', 'lz4', 'zstd']);
  });

  it('counts transactional batches and keeps control batches out of the record count', () => {
    const records = Buffer.concat([
      v2Batch({ recordCount: 4, attributes: TRANSACTIONAL | COMPRESSION_LZ4 }),
      v2Batch({ recordCount: 1, attributes: TRANSACTIONAL | CONTROL }), // commit marker
      v2Batch({ recordCount: 2 }),
    ]);
    const summary = summarizeRecords(records);
    assert.deepEqual(
      [summary.batches, summary.records, summary.controlBatches, summary.controlRecords, summary.transactionalBatches],
      [3, 6, 1, 1, 2],
    );
  });

  it('ignores a trailing batch cut short, at every cut point', () => {
    const first = v2Batch({ recordCount: 3 });
    const second = v2Batch({ recordCount: 7, payload: 40 });
    const whole = Buffer.concat([first, second]);
    for (let cut = first.length; cut < whole.length; cut++) {
      const summary = summarizeRecords(whole.subarray(0, cut));
      assert.deepEqual(
        [summary.batches, summary.records, summary.bytes, summary.partialBytes, summary.error],
        [1, 3, first.length, cut - first.length, null],
      );
    }
  });

  it('reports malformed batches without throwing, keeping the counts before them', () => {
    const good = v2Batch({ recordCount: 3 });
    const shortLength = v2Batch({ recordCount: 1 });
    shortLength.writeInt32BE(20, 8);
    const badMagic = v2Batch({ recordCount: 1 });
    badMagic.writeInt8(3, 16);
    const negativeCount = v2Batch({ recordCount: 1 });
    negativeCount.writeInt32BE(-4, 57);
    const negativeLength = v2Batch({ recordCount: 1 });
    negativeLength.writeInt32BE(-1, 8);
    for (const [bad, message] of [
      [shortLength, /shorter than the v2 header/],
      [badMagic, /unknown magic 3/],
      [negativeCount, /negative record count/],
      [negativeLength, /negative batch length/],
    ] as const) {
      const summary = summarizeRecords(Buffer.concat([good, bad, good]));
      assert.deepEqual([summary.batches, summary.records, summary.bytes, summary.partialBytes], [1, 3, good.length, 0]);
      assert.ok(summary.error);
      assert.match(summary.error.message, message);
      assert.equal(summary.error.where, good.length);
    }
  });

  it('null, empty and windowed record sets', () => {
    assert.deepEqual([summarizeRecords(null).batches, summarizeRecords(null).records], [0, 0]);
    assert.equal(summarizeRecords(Buffer.alloc(0)).bytes, 0);
    const padded = Buffer.concat([Buffer.alloc(5), v2Batch({ recordCount: 9 }), Buffer.alloc(3)]);
    assert.equal(summarizeRecords(padded, 5, padded.length - 3).records, 9);
    assert.match(summarizeRecords(padded, 0, padded.length + 1).error?.message ?? '', /outside/);
    assert.match(summarizeRecords(padded, 0.5).error?.message ?? '', /outside/);
  });

  it('never throws and never claims more bytes than it was given', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (raw) => {
        const summary = summarizeRecords(Buffer.from(raw));
        assert.ok(summary.bytes + summary.partialBytes <= raw.length);
        assert.ok(summary.records >= 0);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('summarizeRecords on legacy message sets (magic 0 and 1)', () => {
  it('counts each uncompressed message as one batch and one record', () => {
    const v0 = summarizeRecords(Buffer.concat([legacyMessage(0), legacyMessage(0, { key: null }), legacyMessage(0)]));
    assert.deepEqual([v0.batches, v0.records, v0.magics, v0.approximate, v0.error], [3, 3, 1 << 0, false, null]);
    const v1 = summarizeRecords(Buffer.concat([legacyMessage(1), legacyMessage(1)]));
    assert.deepEqual([v1.batches, v1.records, v1.magics, v1.approximate], [2, 2, 1 << 1, false]);
  });

  it('counts a compressed wrapper as one record and flags the count as approximate', () => {
    const summary = summarizeRecords(
      Buffer.concat([legacyMessage(1, { codec: COMPRESSION_SNAPPY, value: 'compressed-inner-set' }), legacyMessage(1)]),
    );
    assert.deepEqual([summary.batches, summary.records, summary.approximate], [2, 2, true]);
    assert.equal(summary.compressionCodecs, (1 << COMPRESSION_SNAPPY) | (1 << COMPRESSION_NONE));
  });

  it('handles a trailing cut message and a message too small for its magic', () => {
    const whole = Buffer.concat([legacyMessage(0), legacyMessage(1)]);
    const cut = summarizeRecords(whole.subarray(0, whole.length - 1));
    assert.deepEqual([cut.batches, cut.records, cut.error], [1, 1, null]);
    assert.ok(cut.partialBytes > 0);
    const tiny = legacyMessage(1);
    tiny.writeInt32BE(20, 8);
    assert.match(summarizeRecords(tiny.subarray(0, 32)).error?.message ?? '', /below the magic 1 minimum/);
  });

  it('reads mixed legacy and v2 entries (a log being upgraded)', () => {
    const summary = summarizeRecords(Buffer.concat([legacyMessage(1), v2Batch({ recordCount: 4 })]));
    assert.deepEqual([summary.batches, summary.records, summary.magics], [2, 5, (1 << 1) | (1 << 2)]);
  });
});
