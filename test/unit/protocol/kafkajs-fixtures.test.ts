// Real request bytes produced by kafkajs' own encoders (no broker involved) as fixtures that do not
// depend on our generated spec. kafkajs only speaks non-flexible versions.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import {
  COMPRESSION_GZIP,
  COMPRESSION_NONE,
  decodeRequest,
  readFrame,
  summarizeRecords,
  type DecodedRequest,
} from '../../../src/protocol/index.ts';

const require = createRequire(import.meta.url);

interface KafkajsRequest {
  apiKey: number;
  apiVersion: number;
  encode: () => Promise<unknown>;
}
interface KafkajsProtocol {
  versions: string[];
  protocol: (options: { version: number }) => (args: Record<string, unknown>) => { request: KafkajsRequest };
}
const encodeRequestFrame = require('kafkajs/src/protocol/request') as (options: {
  correlationId: number;
  clientId: string;
  request: KafkajsRequest;
}) => Promise<{ buffer: Buffer }>;
const produce = require('kafkajs/src/protocol/requests/produce') as KafkajsProtocol;
const fetch = require('kafkajs/src/protocol/requests/fetch') as KafkajsProtocol;
const metadata = require('kafkajs/src/protocol/requests/metadata') as KafkajsProtocol;
const apiVersions = require('kafkajs/src/protocol/requests/apiVersions') as KafkajsProtocol;
const { Types: Compression } = require('kafkajs/src/protocol/message/compression') as { Types: Record<string, number> };

async function decodeKafkajs(api: KafkajsProtocol, version: number, args: Record<string, unknown>): Promise<DecodedRequest> {
  const { request } = api.protocol({ version })(args);
  const { buffer } = await encodeRequestFrame({ correlationId: 1234, clientId: 'kafkajs-client', request });
  const frame = readFrame(buffer);
  assert.equal(frame.status, 'complete');
  if (frame.status !== 'complete') throw new Error('unreachable');
  assert.equal(frame.next, buffer.length);
  const decoded = decodeRequest(frame.message);
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
  assert.deepEqual(decoded.value.header, {
    apiKey: request.apiKey,
    apiVersion: version,
    correlationId: 1234,
    clientId: 'kafkajs-client',
    headerVersion: 1,
  });
  assert.equal(decoded.value.trailingBytes, 0);
  return decoded.value;
}

const versions = (api: KafkajsProtocol) => api.versions.map(Number);

const topicData = [
  {
    topic: 'orders',
    partitions: [
      {
        partition: 0,
        messages: [
          { key: 'k1', value: 'v1' },
          { key: 'k2', value: 'v2' },
          { key: null, value: 'v3' },
        ],
      },
      { partition: 5, messages: [{ key: 'k4', value: 'value-4' }] },
    ],
  },
  { topic: 'payments', partitions: [{ partition: 1, messages: [{ value: 'p' }] }] },
];

interface ProducePartition {
  index: number;
  records: Buffer;
}
interface ProduceTopic {
  name: string;
  partitionData: ProducePartition[];
}

describe('kafkajs Produce requests', () => {
  it(`covers versions ${versions(produce).join(',')}`, () => assert.deepEqual(versions(produce), [0, 1, 2, 3, 4, 5, 6, 7]));

  for (const version of versions(produce)) {
    for (const compression of version >= 2 ? ['None', 'GZIP'] : ['None']) {
      it(`v${version} ${compression}`, async () => {
        const decoded = await decodeKafkajs(produce, version, {
          acks: -1,
          timeout: 30000,
          compression: Compression[compression],
          topicData,
          ...(version >= 3 ? { transactionalId: 'tx-1', producerId: 7, producerEpoch: 1 } : {}),
        });
        assert.equal(decoded.apiName, 'Produce');
        assert.equal(decoded.body['acks'], -1);
        assert.equal(decoded.body['timeoutMs'], 30000);
        if (version >= 3) assert.equal(decoded.body['transactionalId'], 'tx-1');
        else assert.equal('transactionalId' in decoded.body, false);

        const topics = decoded.body['topicData'] as unknown as ProduceTopic[];
        assert.deepEqual(
          topics.map((t) => [t.name, t.partitionData.map((p) => p.index)]),
          [
            ['orders', [0, 5]],
            ['payments', [1]],
          ],
        );
        const counts = topics.flatMap((t) => t.partitionData.map((p) => summarizeRecords(p.records)));
        for (const summary of counts) assert.equal(summary.error, null);
        for (const summary of counts) assert.equal(summary.partialBytes, 0);

        const compressed = compression === 'GZIP';
        const codecBit = 1 << (compressed ? COMPRESSION_GZIP : COMPRESSION_NONE);
        for (const summary of counts) assert.equal(summary.compressionCodecs, codecBit);
        if (version >= 3) {
          // Record batches (magic 2): one batch per partition, exact record counts.
          assert.deepEqual(
            counts.map((s) => [s.batches, s.records, s.magics]),
            [
              [1, 3, 4],
              [1, 1, 4],
              [1, 1, 4],
            ],
          );
          for (const summary of counts) assert.equal(summary.transactionalBatches, 1);
          for (const summary of counts) assert.equal(summary.approximate, false);
        } else if (compressed) {
          // Magic 1 gzip wrapper: one entry whose compressed value holds the messages kafkajs wrote, all counted.
          assert.deepEqual(
            counts.map((s) => [s.batches, s.records, s.magics, s.approximate, s.uncountedWrappers]),
            [
              [1, 3, 2, false, 0],
              [1, 1, 2, false, 0],
              [1, 1, 2, false, 0],
            ],
          );
        } else {
          const magicBit = version === 2 ? 2 : 1;
          assert.deepEqual(
            counts.map((s) => [s.batches, s.records, s.magics, s.approximate]),
            [
              [3, 3, magicBit, false],
              [1, 1, magicBit, false],
              [1, 1, magicBit, false],
            ],
          );
        }
      });
    }
  }
});

interface FetchPartition {
  partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
  currentLeaderEpoch?: number;
  logStartOffset?: number;
}

describe('kafkajs Fetch requests', () => {
  it(`covers versions ${versions(fetch).join(',')}`, () => assert.equal(versions(fetch).length, 12));

  for (const version of versions(fetch)) {
    it(`v${version}`, async () => {
      const decoded = await decodeKafkajs(fetch, version, {
        replicaId: -1,
        maxWaitTime: 500,
        minBytes: 1,
        maxBytes: 10485760,
        isolationLevel: 1,
        rackId: 'rack-z',
        topics: [
          {
            topic: 'orders',
            partitions: [
              { partition: 0, fetchOffset: '42', maxBytes: 1048576 },
              { partition: 3, fetchOffset: '9007199254740993', maxBytes: 65536 },
            ],
          },
        ],
      });
      const body = decoded.body;
      assert.equal(decoded.apiName, 'Fetch');
      assert.equal(body['replicaId'], -1);
      assert.equal(body['maxWaitMs'], 500);
      assert.equal(body['minBytes'], 1);
      assert.equal('maxBytes' in body, version >= 3);
      if (version >= 3) assert.equal(body['maxBytes'], 10485760);
      if (version >= 4) assert.equal(body['isolationLevel'], 1);
      if (version >= 7) assert.deepEqual([body['sessionId'], body['sessionEpoch'], body['forgottenTopicsData']], [0, -1, []]);
      if (version >= 11) assert.equal(body['rackId'], 'rack-z');
      const topics = body['topics'] as unknown as { topic: string; partitions: FetchPartition[] }[];
      assert.equal(topics.length, 1);
      assert.equal(topics[0]!.topic, 'orders');
      const partitions = topics[0]!.partitions;
      assert.deepEqual(
        partitions.map((p) => [p.partition, p.fetchOffset, p.partitionMaxBytes]),
        [
          [0, 42, 1048576],
          [3, 9007199254740993n, 65536],
        ],
      );
      if (version >= 9) assert.equal(partitions[0]!.currentLeaderEpoch, -1);
      if (version >= 5) assert.equal(partitions[0]!.logStartOffset, -1);
    });
  }
});

describe('kafkajs Metadata requests', () => {
  for (const version of versions(metadata)) {
    it(`v${version}`, async () => {
      const decoded = await decodeKafkajs(metadata, version, { topics: ['orders', 'payments'], allowAutoTopicCreation: false });
      const topics = decoded.body['topics'] as { name: string }[];
      assert.deepEqual(
        topics.map((t) => t.name),
        ['orders', 'payments'],
      );
      if (version >= 4) assert.equal(decoded.body['allowAutoTopicCreation'], false);
      else assert.equal('allowAutoTopicCreation' in decoded.body, false);
    });
  }
});

describe('kafkajs ApiVersions requests', () => {
  for (const version of versions(apiVersions)) {
    it(`v${version} has an empty body`, async () => {
      const decoded = await decodeKafkajs(apiVersions, version, {});
      assert.deepEqual(decoded.body, {});
    });
  }
});
