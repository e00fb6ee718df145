import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FetchResponseStream } from '../../../src/protocol/fetch-response-stream.ts';
import { summarizeRecords } from '../../../src/protocol/record-batch.ts';
import { decodeResponse, type DecodedStruct } from '../../../src/protocol/index.ts';
import { recordBatch, responseFrame } from '../sniffer/support/frames.ts';

const FETCH = 1;
const TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';

function batchAt(baseOffset: number, records: number): Buffer {
  const batch = recordBatch(records);
  batch.writeBigInt64BE(BigInt(baseOffset), 0);
  return batch;
}

/** A Fetch response frame of `version` (size prefix removed) with two topics, aborted transactions and a cut trailing batch. */
function response(version: number): Buffer {
  const topic = (name: string): DecodedStruct => (version >= 13 ? { topicId: TOPIC_ID } : { topic: name });
  const cut = batchAt(30, 5).subarray(0, 40);
  const frame = responseFrame(FETCH, version, 77, {
    throttleTimeMs: 12,
    errorCode: 0,
    sessionId: 5,
    responses: [
      {
        ...topic('orders'),
        partitions: [
          {
            partitionIndex: 0,
            highWatermark: 100n,
            lastStableOffset: 90n,
            abortedTransactions: [{ producerId: 0n, firstOffset: 10n }],
            records: Buffer.concat([batchAt(10, 4), batchAt(14, 6), cut]),
          },
          { partitionIndex: 1, errorCode: 1, highWatermark: 3n, records: null },
        ],
      },
      { ...topic('payments'), partitions: [{ partitionIndex: 7, highWatermark: 50n, lastStableOffset: 50n, records: batchAt(40, 3) }] },
    ],
  });
  return frame.subarray(4);
}

/** What the whole-frame decoder says of the same response, per partition. */
function decoded(message: Buffer, version: number) {
  const result = decodeResponse(message, FETCH, version);
  assert.ok(result.ok);
  const body = result.value.body as Record<string, unknown>;
  return (body['responses'] as Record<string, unknown>[]).flatMap((topic) =>
    (topic['partitions'] as Record<string, unknown>[]).map((partition) => {
      const records = (partition['records'] as Buffer | null) ?? null;
      const summary = summarizeRecords(records);
      return [
        partition['partitionIndex'],
        partition['errorCode'],
        summary.records,
        summary.bytes,
        summary.batches,
        summary.nextOffset,
        summary.partialBytes,
      ];
    }),
  );
}

for (const version of [0, 3, 4, 7, 11, 12, 13, 16, 17]) {
  test(`Fetch v${version}: streamed in chunks of any size, it tells what the whole-frame decoder tells`, () => {
    const message = response(version);
    const expected = decoded(message, version);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 40 }), (sizes) => {
        const stream = new FetchResponseStream(version);
        let at = 0;
        for (let index = 0; at < message.length; index++) {
          const size = sizes[index % sizes.length]!;
          stream.push(message.subarray(at, at + size));
          at += size;
        }
        assert.equal(stream.error, undefined);
        const result = stream.result!;
        assert.ok(result, 'parsed to the end');
        assert.equal(result.throttleTimeMs, version >= 1 ? 12 : 0);
        assert.deepEqual(
          result.partitions.map((p) => [
            p.partitionIndex,
            p.errorCode,
            p.records.records,
            p.records.bytes,
            p.records.batches,
            p.records.nextOffset,
            p.records.partialBytes,
          ]),
          expected,
        );
      }),
      { numRuns: 200 },
    );
  });
}

test('aborted transactions, the last stable offset and topic ids come through', () => {
  const stream = new FetchResponseStream(16);
  stream.push(response(16));
  const [orders] = stream.result!.partitions;
  assert.deepEqual(orders!.topic, { id: TOPIC_ID });
  assert.deepEqual(
    [orders!.highWatermark, orders!.lastStableOffset, orders!.abortedTransactions],
    [100, 90, [{ producerId: 0n, firstOffset: 10 }]],
  );
});

test('a malformed response ends with an error, never a throw; a cut one stays unfinished', () => {
  const broken = Buffer.from(response(12));
  broken.fill(0xff, 15, 21); // after correlation id, tagged fields, throttle, error code, session id: the topics count, an over-long varint
  const stream = new FetchResponseStream(12);
  assert.doesNotThrow(() => stream.push(broken));
  assert.match(stream.error ?? '', /varint/);
  assert.equal(stream.result, undefined);
  const cut = new FetchResponseStream(12);
  cut.push(response(12).subarray(0, 30));
  assert.equal(cut.done, false);
});
