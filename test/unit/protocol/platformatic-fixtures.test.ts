// Real bytes from @platformatic/kafka's request encoders, which cover the flexible versions kafkajs
// lacks, plus the reverse check: responses written by our test encoder are parsed by its decoders.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as kafka from '@platformatic/kafka';
import { decodeRequest, decodeResponse, readFrame, summarizeRecords, type DecodedRequest } from '../../../src/protocol/index.ts';
import { encodeBody, encodeResponse } from './support/encoder.ts';

interface PlatformaticWriter {
  appendInt16(v: number): PlatformaticWriter;
  appendInt32(v: number): PlatformaticWriter;
  appendString(v: string | null, compact?: boolean): PlatformaticWriter;
  appendTaggedFields(): PlatformaticWriter;
  appendFrom(w: PlatformaticWriter): PlatformaticWriter;
  prependLength(): PlatformaticWriter;
  readonly buffer: Buffer;
}
interface PlatformaticApi {
  createRequest(...args: unknown[]): PlatformaticWriter;
  parseResponse(correlationId: number, apiKey: number, apiVersion: number, reader: unknown): Record<string, unknown>;
}
const lib = kafka as unknown as Record<string, PlatformaticApi> & {
  Writer: { create(): PlatformaticWriter };
  Reader: { from(buffer: Buffer): unknown };
};

/** First flexible version of each API, from the protocol documentation (request header v2 from there on). */
const FIRST_FLEXIBLE: Record<number, number> = { 0: 9, 1: 12, 3: 9, 18: 3 };
const TOPIC_ID_DASHED = '00010203-0405-0607-0809-0a0b0c0d0e0f';
const TOPIC_ID = 'AAECAwQFBgcICQoLDA0ODw';

/** Frames a body the way @platformatic/kafka's Connection does before writing to the socket. */
function frameLikePlatformatic(apiKey: number, apiVersion: number, body: PlatformaticWriter): Buffer {
  const writer = lib.Writer.create().appendInt16(apiKey).appendInt16(apiVersion).appendInt32(77).appendString('plt-client', false);
  if (apiVersion >= FIRST_FLEXIBLE[apiKey]!) writer.appendTaggedFields();
  return writer.appendFrom(body).prependLength().buffer;
}

function decodeFrame(wire: Buffer, apiKey: number, apiVersion: number): DecodedRequest {
  const frame = readFrame(wire);
  assert.equal(frame.status, 'complete');
  if (frame.status !== 'complete') throw new Error('unreachable');
  const decoded = decodeRequest(frame.message);
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
  const { header } = decoded.value;
  assert.deepEqual([header.apiKey, header.apiVersion, header.correlationId, header.clientId], [apiKey, apiVersion, 77, 'plt-client']);
  assert.equal(header.headerVersion, apiVersion >= FIRST_FLEXIBLE[apiKey]! ? 2 : 1);
  assert.equal(decoded.value.trailingBytes, 0);
  return decoded.value;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('@platformatic/kafka Produce requests', () => {
  for (const version of range(3, 11)) {
    it(`v${version}`, () => {
      const messages = [
        { topic: 'orders', partition: 0, key: Buffer.from('k1'), value: Buffer.from('v1') },
        { topic: 'orders', partition: 0, key: Buffer.from('k2'), value: Buffer.from('v2') },
        { topic: 'orders', partition: 4, key: Buffer.from('k3'), value: Buffer.from('v3') },
        { topic: 'audit', partition: 1, value: Buffer.from('a') },
      ];
      const body = lib[`produceV${version}`]!.createRequest(-1, 5000, messages, {});
      const decoded = decodeFrame(frameLikePlatformatic(0, version, body), 0, version);
      assert.deepEqual([decoded.body['transactionalId'], decoded.body['acks'], decoded.body['timeoutMs']], [null, -1, 5000]);
      const topics = decoded.body['topicData'] as { name: string; partitionData: { index: number; records: Buffer }[] }[];
      const shape = topics.map((t) => [t.name, t.partitionData.map((p) => [p.index, summarizeRecords(p.records).records])]);
      assert.deepEqual(shape, [
        [
          'orders',
          [
            [0, 2],
            [4, 1],
          ],
        ],
        ['audit', [[1, 1]]],
      ]);
    });
  }
});

describe('@platformatic/kafka Fetch requests', () => {
  for (const version of range(4, 17)) {
    it(`v${version}`, () => {
      const topic = version >= 13 ? TOPIC_ID_DASHED : 'orders';
      const partitions = [{ partition: 2, currentLeaderEpoch: 4, fetchOffset: 1234n, lastFetchedEpoch: 3, partitionMaxBytes: 1048576 }];
      const body = lib[`fetchV${version}`]!.createRequest(250, 1, 52428800, 1, 9, 2, [{ topicId: topic, partitions }], [], 'rack-1');
      const decoded = decodeFrame(frameLikePlatformatic(1, version, body), 1, version);
      assert.deepEqual([decoded.body['maxWaitMs'], decoded.body['minBytes'], decoded.body['maxBytes']], [250, 1, 52428800]);
      const topics = decoded.body['topics'] as Record<string, unknown>[];
      assert.equal(topics.length, 1);
      if (version >= 13) assert.equal(topics[0]!['topicId'], TOPIC_ID);
      else assert.equal(topics[0]!['topic'], 'orders');
      const partition = (topics[0]!['partitions'] as Record<string, unknown>[])[0]!;
      assert.equal(partition['partition'], 2);
      assert.equal(partition['fetchOffset'], 1234);
      assert.equal(partition['partitionMaxBytes'], 1048576);
      if (version >= 12) assert.equal(partition['lastFetchedEpoch'], 3);
      if (version >= 11) assert.equal(decoded.body['rackId'], 'rack-1');
      if (version >= 15) assert.equal('replicaId' in decoded.body, false);
      if (version >= 7) assert.deepEqual([decoded.body['sessionId'], decoded.body['sessionEpoch']], [9, 2]);
    });
  }
});

describe('@platformatic/kafka Metadata and ApiVersions requests', () => {
  for (const version of range(0, 12)) {
    it(`Metadata v${version}`, () => {
      const body = lib[`metadataV${version}`]!.createRequest(['orders', 'audit'], true, true);
      const decoded = decodeFrame(frameLikePlatformatic(3, version, body), 3, version);
      const topics = decoded.body['topics'] as Record<string, unknown>[];
      assert.deepEqual(
        topics.map((t) => t['name']),
        ['orders', 'audit'],
      );
      if (version >= 10) assert.equal(topics[0]!['topicId'], 'AAAAAAAAAAAAAAAAAAAAAA');
      if (version >= 4) assert.equal(decoded.body['allowAutoTopicCreation'], true);
    });
  }
  for (const version of [3, 4]) {
    it(`ApiVersions v${version} carries the client software name`, () => {
      const body = lib[`apiVersionsV${version}`]!.createRequest('plt-kafka', '2.12.1');
      const decoded = decodeFrame(frameLikePlatformatic(18, version, body), 18, version);
      assert.deepEqual(decoded.body, { clientSoftwareName: 'plt-kafka', clientSoftwareVersion: '2.12.1' });
    });
  }
});

const bigintsToStrings = (value: unknown) =>
  JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as unknown;

describe('responses from our encoder parse identically with @platformatic/kafka', () => {
  it('Metadata v12 response', () => {
    const body = {
      throttleTimeMs: 5,
      brokers: [{ nodeId: 1, host: 'broker-1', port: 9092, rack: 'r1' }],
      clusterId: 'cluster',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          topicId: TOPIC_ID,
          isInternal: false,
          partitions: [
            { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 3, replicaNodes: [1, 2], isrNodes: [1], offlineReplicas: [] },
          ],
          topicAuthorizedOperations: 8,
        },
      ],
    };
    const parsed = lib['metadataV12']!.parseResponse(1, 3, 12, lib.Reader.from(encodeBody(3, 12, 'response', body)));
    assert.deepEqual(parsed, { ...body, topics: [{ ...body.topics[0]!, topicId: TOPIC_ID_DASHED }] });
    const decoded = decodeResponse(encodeResponse(3, 12, 1, body), 3, 12);
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value.body, body);
  });

  it('Produce v10 response with tagged CurrentLeader and NodeEndpoints', () => {
    const body = {
      responses: [
        {
          name: 'orders',
          partitionResponses: [
            {
              index: 0,
              errorCode: 0,
              baseOffset: 100,
              logAppendTimeMs: -1,
              logStartOffset: 0,
              recordErrors: [],
              errorMessage: null,
              currentLeader: { leaderId: 2, leaderEpoch: 9 },
            },
          ],
        },
      ],
      throttleTimeMs: 0,
      nodeEndpoints: [{ nodeId: 2, host: 'b2', port: 9093, rack: 'r' }],
    };
    const parsed = lib['produceV10']!.parseResponse(1, 0, 10, lib.Reader.from(encodeBody(0, 10, 'response', body)));
    assert.deepEqual(
      bigintsToStrings(parsed),
      bigintsToStrings({
        ...body,
        responses: [
          {
            name: 'orders',
            partitionResponses: [
              { ...body.responses[0]!.partitionResponses[0]!, baseOffset: 100n, logAppendTimeMs: -1n, logStartOffset: 0n },
            ],
          },
        ],
      }),
    );
  });

  it('Fetch v16 response: platformatic parses the batches we count', () => {
    const batch = (kafka as unknown as { createRecordsBatch: (m: unknown[], o: unknown) => { buffer: Buffer } }).createRecordsBatch(
      [
        { topic: 'orders', partition: 0, key: Buffer.from('a'), value: Buffer.from('1') },
        { topic: 'orders', partition: 0, key: Buffer.from('b'), value: Buffer.from('2') },
        { topic: 'orders', partition: 0, key: Buffer.from('c'), value: Buffer.from('3') },
      ],
      {},
    );
    const records = Buffer.concat([batch.buffer, batch.buffer]);
    const body = {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 3,
      responses: [
        {
          topicId: TOPIC_ID,
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 6,
              lastStableOffset: 6,
              logStartOffset: 0,
              divergingEpoch: null,
              currentLeader: null,
              snapshotId: null,
              abortedTransactions: null,
              preferredReadReplica: -1,
              records,
            },
          ],
        },
      ],
      nodeEndpoints: [],
    };
    const parsed = lib['fetchV16']!.parseResponse(1, 1, 16, lib.Reader.from(encodeBody(1, 16, 'response', body))) as {
      responses: { topicId: string; partitions: { records: { records: unknown[] }[]; highWatermark: bigint }[] }[];
    };
    const theirs = parsed.responses[0]!.partitions[0]!;
    assert.equal(parsed.responses[0]!.topicId, TOPIC_ID_DASHED);
    assert.equal(theirs.highWatermark, 6n);
    assert.equal(theirs.records.length, 2);
    assert.equal(
      theirs.records.reduce((n, b) => n + b.records.length, 0),
      6,
    );

    const decoded = decodeResponse(encodeResponse(1, 16, 1, body), 1, 16);
    assert.ok(decoded.ok);
    const ours = ((decoded.value.body['responses'] as Record<string, unknown>[])[0]!['partitions'] as Record<string, unknown>[])[0]!;
    const summary = summarizeRecords(ours['records'] as Buffer);
    assert.deepEqual([summary.batches, summary.records], [2, 6]);
  });
});
