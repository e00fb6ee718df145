import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeRequest, decodeRequestHeader, type DecodedStruct } from '../../../src/protocol/index.ts';
import { ProduceRequestStream } from '../../../src/protocol/produce-request-stream.ts';
import { summarizeRecords } from '../../../src/protocol/record-batch.ts';
import { recordBatch, requestFrame } from '../sniffer/support/frames.ts';

const PRODUCE = 0;
const TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';
const TRANSACTIONAL = 0x10;

function idempotentBatch(records: number, producerId: bigint, baseSequence: number, transactional: boolean): Buffer {
  const batch = recordBatch(records);
  batch.writeInt16BE(transactional ? TRANSACTIONAL : 0, 21);
  batch.writeBigInt64BE(producerId, 43);
  batch.writeInt16BE(3, 51);
  batch.writeInt32BE(baseSequence, 53);
  return batch;
}

/** A Produce request frame of `version` (size prefix removed): two topics, an idempotent producer's batches and a null record set. */
function request(version: number): Buffer {
  const topic = (name: string): DecodedStruct => (version >= 13 ? { topicId: TOPIC_ID } : { name });
  const transactional = version >= 3;
  const frame = requestFrame(PRODUCE, version, 41, 'streamer', {
    transactionalId: transactional ? 'orders-tx' : null,
    acks: -1,
    timeoutMs: 30000,
    topicData: [
      {
        ...topic('orders'),
        partitionData: [
          { index: 0, records: Buffer.concat([idempotentBatch(4, 9n, 10, transactional), idempotentBatch(6, 9n, 14, transactional)]) },
          { index: 1, records: null },
        ],
      },
      { ...topic('payments'), partitionData: [{ index: 7, records: idempotentBatch(3, 9n, 0, transactional) }] },
    ],
  });
  return frame.subarray(4);
}

/** What the whole-frame decoder says of the same request, per partition. */
function decoded(message: Buffer) {
  const result = decodeRequest(message);
  assert.ok(result.ok);
  const body = result.value.body as Record<string, unknown>;
  return (body['topicData'] as Record<string, unknown>[]).flatMap((topic) =>
    (topic['partitionData'] as Record<string, unknown>[]).map((partition) => {
      const records = (partition['records'] as Buffer | null) ?? null;
      const summary = summarizeRecords(records);
      return [partition['index'], records?.length ?? 0, summary.records, summary.batches, summary.producerId, summary.baseSequence];
    }),
  );
}

function bodyOf(message: Buffer): Buffer {
  const header = decodeRequestHeader(message);
  assert.ok(header.ok);
  return message.subarray(header.value.bodyOffset);
}

for (const version of [0, 2, 3, 8, 9, 12, 13]) {
  test(`Produce v${version}: streamed in chunks of any size, it tells what the whole-frame decoder tells`, () => {
    const message = request(version);
    const expected = decoded(message);
    const body = bodyOf(message);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 40 }), (sizes) => {
        const stream = new ProduceRequestStream(version);
        let at = 0;
        for (let index = 0; at < body.length; index++) {
          const size = sizes[index % sizes.length]!;
          stream.push(body.subarray(at, at + size));
          at += size;
        }
        assert.equal(stream.error, undefined);
        const result = stream.result;
        assert.ok(result, 'parsed to the end');
        assert.deepEqual([result.acks, result.timeoutMs, result.transactionalId], [-1, 30000, version >= 3 ? 'orders-tx' : undefined]);
        assert.deepEqual(
          result.partitions.map((p) => [
            p.partitionIndex,
            p.size,
            p.records.records,
            p.records.batches,
            p.records.producerId,
            p.records.baseSequence,
          ]),
          expected,
        );
      }),
      { numRuns: 200 },
    );
  });
}

test('topic ids (v13) and transactional batches come through', () => {
  const stream = new ProduceRequestStream(13);
  stream.push(bodyOf(request(13)));
  const [orders] = stream.result!.partitions;
  assert.deepEqual(orders!.topic, { id: TOPIC_ID });
  assert.equal(orders!.records.transactionalProducerId, 9n);
});

test('a malformed request ends with an error, never a throw; a cut one stays unfinished', () => {
  const body = Buffer.from(bodyOf(request(9)));
  body.fill(0xff, 16, 22); // after the compact transactional id (10 bytes), acks and timeout: the topics count, an over-long varint
  const broken = new ProduceRequestStream(9);
  assert.doesNotThrow(() => broken.push(body));
  assert.match(broken.error ?? '', /varint/);
  assert.equal(broken.result, undefined);
  const cut = new ProduceRequestStream(9);
  cut.push(bodyOf(request(9)).subarray(0, 30));
  assert.equal(cut.done, false);
});
