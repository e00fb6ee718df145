import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AbortedTransactionFilter } from '../../../src/protocol/aborted-transactions.ts';
import { summarizeRecords } from '../../../src/protocol/record-batch.ts';

/** A magic 2 batch of a producer: data records, or a control batch with one COMMIT (1) or ABORT (0) marker record. */
function batch(options: { baseOffset: number; records: number; producerId: bigint; transactional: boolean; marker?: 0 | 1 }): Buffer {
  const control = options.marker !== undefined;
  // marker record: length, attributes, timestamp delta 0, offset delta 0, key length 4, key (version 0, type), value length -1 (null), no headers
  const markerRecord = Buffer.from([0x14, 0, 0, 0, 0x08, 0, 0, 0, options.marker ?? 0, 0x01, 0]);
  const body = control ? markerRecord : Buffer.alloc(options.records * 10, 0x61);
  const out = Buffer.alloc(61 + body.length);
  out.writeBigInt64BE(BigInt(options.baseOffset), 0);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt8(2, 16);
  out.writeInt16BE((options.transactional ? 0x10 : 0) | (control ? 0x20 : 0), 21);
  out.writeInt32BE((control ? 1 : options.records) - 1, 23);
  out.writeBigInt64BE(options.producerId, 43);
  out.writeInt32BE(control ? 1 : options.records, 57);
  body.copy(out, 61);
  return out;
}

test("a read_committed fetch: the aborted transaction's batches are counted apart, up to its abort marker, as Kafka's consumer drops them", () => {
  const records = Buffer.concat([
    batch({ baseOffset: 0, records: 5, producerId: 7n, transactional: true }),
    batch({ baseOffset: 5, records: 3, producerId: 9n, transactional: true }),
    batch({ baseOffset: 8, records: 4, producerId: 7n, transactional: true }),
    batch({ baseOffset: 12, records: 1, producerId: 7n, transactional: true, marker: 0 }),
    batch({ baseOffset: 13, records: 1, producerId: 9n, transactional: true, marker: 1 }),
    batch({ baseOffset: 14, records: 6, producerId: 7n, transactional: true }),
    batch({ baseOffset: 20, records: 2, producerId: -1n, transactional: false }),
  ]);
  const filter = new AbortedTransactionFilter([{ producerId: 7n, firstOffset: 0 }]);
  const summary = summarizeRecords(records, 0, records.length, undefined, filter);
  assert.deepEqual(
    [summary.records, summary.abortedRecords, summary.controlRecords, summary.nextOffset],
    [20, 9, 2, 22],
    "producer 7's first transaction (5 + 4) was aborted; its next one (6) and producer 9's were not",
  );
  assert.equal(summarizeRecords(records).abortedRecords, 0, 'without the list (read_uncommitted) nothing is aborted');
});

test('a transaction that starts after the batch is not aborted yet; a non-transactional batch never is', () => {
  const filter = new AbortedTransactionFilter([{ producerId: 3n, firstOffset: 100 }]);
  assert.equal(filter.isAborted({ producerId: 3n, lastOffset: 50, transactional: true, control: false, abortMarker: false }), false);
  assert.equal(filter.isAborted({ producerId: 3n, lastOffset: 120, transactional: false, control: false, abortMarker: false }), false);
  assert.equal(filter.isAborted({ producerId: 3n, lastOffset: 130, transactional: true, control: false, abortMarker: false }), true);
  assert.equal(filter.isAborted({ producerId: -1n, lastOffset: 140, transactional: true, control: false, abortMarker: false }), false);
});
