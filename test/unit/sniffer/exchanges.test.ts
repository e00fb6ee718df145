import { acceptedByTopic, acceptedRecords } from '../../../src/sniffer/produce-outcome.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestFrame, responseFrame, recordBatch } from './support/frames.ts';
import { BROKER, CLIENT, sniff, TcpConversation } from './support/traffic.ts';

const PRODUCE = 0;
const METADATA = 3;
const API_VERSIONS = 18;

function produceV9(correlationId: number, acks: number, partitions: { index: number; records: Buffer | null }[], topic = 'orders'): Buffer {
  return requestFrame(PRODUCE, 9, correlationId, 'producer-1', {
    transactionalId: null,
    acks,
    timeoutMs: 30_000,
    topicData: [{ name: topic, partitionData: partitions }],
  });
}

/** A legacy (magic 0 or 1) message set entry: offset, size, crc, magic, attributes, [timestamp], key, value. */
function legacyMessage(magic: 0 | 1, value: string): Buffer {
  const body = Buffer.concat([
    Buffer.from([0, 0, 0, 0, magic, 0]),
    magic === 1 ? Buffer.alloc(8) : Buffer.alloc(0),
    Buffer.from([0xff, 0xff, 0xff, 0xff]),
    Buffer.from([0, 0, 0, value.length]),
    Buffer.from(value),
  ]);
  const header = Buffer.alloc(12);
  header.writeInt32BE(body.length, 8);
  return Buffer.concat([header, body]);
}

describe('request/response pairing', () => {
  it('pairs a response with its request by correlation id and measures the latency between them', () => {
    const conversation = new TcpConversation()
      .send('client', requestFrame(API_VERSIONS, 3, 41, 'producer-1', { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' }))
      .send('server', responseFrame(API_VERSIONS, 3, 41), { stepMicros: 3_100 })
      .close();
    const { exchanges, opened, closed } = sniff(conversation.segments);
    assert.equal(exchanges.length, 1);
    const [exchange] = exchanges;
    assert.equal(exchange!.apiName, 'ApiVersions');
    assert.equal(exchange!.apiVersion, 3);
    assert.equal(exchange!.correlationId, 41);
    assert.equal(exchange!.clientId, 'producer-1');
    assert.equal(exchange!.outcome, 'answered');
    assert.equal(exchange!.latencyMs, 3.1);
    assert.deepEqual(exchange!.connection.client, CLIENT);
    assert.deepEqual(exchange!.connection.broker, BROKER);
    assert.deepEqual(exchange!.connection.software, { name: 'librdkafka', version: '2.0.2' });
    assert.equal(opened.length, 1);
    assert.deepEqual(
      closed.map((c) => c.reason),
      ['fin'],
    );
  });

  it('reports a Produce with acks=0 at once, since no response comes', () => {
    const conversation = new TcpConversation().send('client', produceV9(7, 0, [{ index: 0, records: recordBatch(3) }])).close();
    const { exchanges, sniffer } = sniff(conversation.segments);
    assert.deepEqual(
      exchanges.map((e) => [e.outcome, e.records, e.details.acks]),
      [['no-response', 3, 0]],
    );
    assert.equal(sniffer.counters.noResponseExpected, 1);
  });

  it('reports requests left without response when the connection ends, and responses without request', () => {
    const conversation = new TcpConversation()
      .send('client', requestFrame(METADATA, 12, 1, 'c', { topics: null }))
      .send('server', responseFrame(METADATA, 12, 99))
      .send('client', requestFrame(METADATA, 12, 2, 'c', { topics: null }))
      .close();
    const { exchanges, sniffer } = sniff(conversation.segments);
    assert.deepEqual(
      exchanges.map((e) => [e.correlationId, e.outcome]),
      [
        [1, 'unanswered'],
        [2, 'unanswered'],
      ],
    );
    assert.equal(sniffer.counters.responsesWithoutRequest, 1);
    assert.equal(sniffer.counters.unanswered, 2);
  });

  it('gives up requests sent before the one a response answers: a broker answers in order', () => {
    const conversation = new TcpConversation()
      .send('client', Buffer.concat([1, 2, 3].map((id) => requestFrame(METADATA, 12, id, 'c', { topics: null }))))
      .send('server', responseFrame(METADATA, 12, 3))
      .close();
    const { exchanges } = sniff(conversation.segments);
    assert.deepEqual(
      exchanges.map((e) => [e.correlationId, e.outcome]),
      [
        [1, 'unanswered'],
        [2, 'unanswered'],
        [3, 'answered'],
      ],
    );
  });

  it('bounds the requests waiting for a response per connection', () => {
    const conversation = new TcpConversation().send(
      'client',
      Buffer.concat([1, 2, 3, 4, 5].map((id) => requestFrame(METADATA, 12, id, 'c', { topics: null }))),
    );
    const { exchanges, sniffer } = sniff(conversation.segments, { maxPendingRequests: 2 });
    assert.deepEqual(
      exchanges.map((e) => e.correlationId),
      [1, 2, 3, 4, 5],
    );
    assert.equal(sniffer.counters.pendingOverflow, 3);
  });
});

describe('header exceptions', () => {
  it('reads ControlledShutdown v0 with request header v0 (no client id)', () => {
    const conversation = new TcpConversation()
      .send('client', requestFrame(7, 0, 11, null, { brokerId: 2 }))
      .send('server', responseFrame(7, 0, 11, { remainingPartitions: [] }))
      .close();
    const [exchange] = sniff(conversation.segments).exchanges;
    assert.deepEqual(
      [exchange!.apiName, exchange!.apiVersion, exchange!.clientId, exchange!.outcome, exchange!.role],
      ['ControlledShutdown', 0, null, 'answered', 'broker'],
    );
    assert.equal(exchange!.problem, undefined);
  });

  it('reads an ApiVersions response in the v0 format a broker uses for versions it does not support', () => {
    const conversation = new TcpConversation()
      .send('client', requestFrame(API_VERSIONS, 3, 1, 'new-client', { clientSoftwareName: 'x', clientSoftwareVersion: '9' }))
      .send('server', responseFrame(API_VERSIONS, 0, 1, { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 2 }] }))
      .close();
    const [exchange] = sniff(conversation.segments).exchanges;
    assert.deepEqual([exchange!.errorCode, exchange!.errors[0]!.name, exchange!.problem], [35, 'UNSUPPORTED_VERSION', undefined]);
  });
});

describe('records, bytes and errors', () => {
  it('counts records from batch headers without control batches, and legacy messages one by one', () => {
    const v2 = produceV9(1, -1, [
      { index: 0, records: Buffer.concat([recordBatch(5), recordBatch(1, { control: true }), recordBatch(7, { codec: 4 })]) },
      { index: 3, records: recordBatch(2) },
    ]);
    const legacy = requestFrame(PRODUCE, 2, 2, 'old-client', {
      acks: 1,
      timeoutMs: 1000,
      topicData: [
        {
          name: 'legacy',
          partitionData: [{ index: 1, records: Buffer.concat([legacyMessage(1, 'a'), legacyMessage(1, 'bb'), legacyMessage(0, 'c')]) }],
        },
      ],
    });
    const conversation = new TcpConversation()
      .send('client', v2)
      .send('server', responseFrame(PRODUCE, 9, 1, { responses: [{ name: 'orders', partitionResponses: [{ index: 0 }, { index: 3 }] }] }))
      .send('client', legacy)
      .send('server', responseFrame(PRODUCE, 2, 2, { responses: [{ name: 'legacy', partitionResponses: [{ index: 1 }] }] }))
      .close();
    const { exchanges } = sniff(conversation.segments);
    const [modern, old] = exchanges;
    assert.equal(modern!.records, 14);
    assert.deepEqual(
      modern!.topics.map((t) => [t.topic, t.partitions, t.records]),
      [['orders', [0, 3], 14]],
    );
    assert.equal(modern!.recordBytes, recordBatch(5).length + recordBatch(1).length + recordBatch(7).length + recordBatch(2).length);
    assert.equal(modern!.details.controlRecords, 1);
    assert.deepEqual(modern!.details.compression, ['none', 'zstd']);
    assert.equal(old!.records, 3);
    assert.deepEqual(
      old!.topics.map((t) => [t.topic, t.partitions]),
      [['legacy', [1]]],
    );
  });

  it('reports the error codes of the response, per partition where it carries them', () => {
    const conversation = new TcpConversation()
      .send(
        'client',
        produceV9(5, -1, [
          { index: 0, records: recordBatch(1) },
          { index: 1, records: recordBatch(1) },
          { index: 2, records: recordBatch(1) },
        ]),
      )
      .send(
        'server',
        responseFrame(PRODUCE, 9, 5, {
          responses: [{ name: 'orders', partitionResponses: [{ index: 0, errorCode: 6 }, { index: 1 }, { index: 2, errorCode: 6 }] }],
        }),
      )
      .close();
    const [exchange] = sniff(conversation.segments).exchanges;
    assert.equal(exchange!.errorCode, 6);
    assert.deepEqual(exchange!.errors, [{ code: 6, name: 'NOT_LEADER_OR_FOLLOWER', count: 2 }]);
    assert.deepEqual(exchange!.partitionErrors, [
      { topic: 'orders', partition: 0, errorCode: 6 },
      { topic: 'orders', partition: 2, errorCode: 6 },
    ]);
  });

  it('reports the throttle time a response announces, and none for 0', () => {
    const conversation = new TcpConversation()
      .send('client', produceV9(11, -1, [{ index: 0, records: recordBatch(1) }]))
      .send(
        'server',
        responseFrame(PRODUCE, 9, 11, { responses: [{ name: 'orders', partitionResponses: [{ index: 0 }] }], throttleTimeMs: 250 }),
      )
      .send('client', produceV9(12, -1, [{ index: 0, records: recordBatch(1) }]))
      .send(
        'server',
        responseFrame(PRODUCE, 9, 12, { responses: [{ name: 'orders', partitionResponses: [{ index: 0 }] }], throttleTimeMs: 0 }),
      )
      .close();
    const exchanges = sniff(conversation.segments).exchanges.sort((a, b) => a.correlationId - b.correlationId);
    assert.deepEqual(
      exchanges.map((exchange) => exchange.throttleMs),
      [250, undefined],
    );
  });

  it('tells apart the records of partitions the broker refused, and of a request never answered', () => {
    const conversation = new TcpConversation()
      .send(
        'client',
        produceV9(5, -1, [
          { index: 0, records: recordBatch(4) },
          { index: 1, records: recordBatch(3) },
          { index: 2, records: recordBatch(2) },
        ]),
      )
      .send(
        'server',
        responseFrame(PRODUCE, 9, 5, {
          responses: [{ name: 'orders', partitionResponses: [{ index: 0, errorCode: 6 }, { index: 1 }, { index: 2, errorCode: 19 }] }],
        }),
      )
      .send('client', produceV9(6, -1, [{ index: 1, records: recordBatch(5) }]))
      .send('client', produceV9(7, 0, [{ index: 1, records: recordBatch(8) }]))
      .close();
    const [refused, unanswered, withoutAcks] = sniff(conversation.segments).exchanges.sort((a, b) => a.correlationId - b.correlationId);
    assert.equal(refused!.records, 9, 'what the request carried');
    assert.deepEqual(
      refused!.rejected.map((entry) => [entry.topic, entry.partition, entry.error, entry.records, entry.batches, entry.bytes]),
      [
        ['orders', 0, 'NOT_LEADER_OR_FOLLOWER', 4, 1, recordBatch(4).length],
        ['orders', 2, 'NOT_ENOUGH_REPLICAS', 2, 1, recordBatch(2).length],
      ],
    );
    assert.equal(acceptedRecords(refused!), 3);
    assert.deepEqual([...acceptedByTopic(refused!)], [['orders', { records: 3, bytes: recordBatch(3).length, batches: 1 }]]);
    assert.equal(unanswered!.outcome, 'unanswered');
    assert.deepEqual(
      unanswered!.rejected.map((entry) => [entry.partition, entry.error, entry.records]),
      [[1, 'UNANSWERED', 5]],
    );
    assert.equal(acceptedRecords(unanswered!), 0);
    assert.equal(withoutAcks!.outcome, 'no-response');
    assert.deepEqual(withoutAcks!.rejected, [], 'acks=0 has no answer: its records count as sent');
    assert.equal(acceptedRecords(withoutAcks!), 8);
  });

  it('counts the records of a produce request too large to buffer as it passes, and pairs its response', () => {
    const big = produceV9(9, 1, [{ index: 0, records: recordBatch(100, { size: 50_000 }) }]);
    const conversation = new TcpConversation()
      .send('client', big)
      .send('server', responseFrame(PRODUCE, 9, 9))
      .close();
    const { exchanges, sniffer } = sniff(conversation.segments, { maxFrameBytes: 10_000 });
    assert.equal(exchanges.length, 1);
    const [exchange] = exchanges;
    assert.equal(exchange!.outcome, 'answered');
    assert.equal(exchange!.requestBytes, big.length);
    assert.equal(exchange!.details.acks, 1);
    assert.equal(exchange!.problem, undefined);
    assert.deepEqual([...acceptedByTopic(exchange!)], [['orders', { records: 100, bytes: 50_000, batches: 1 }]]);
    assert.equal(sniffer.counters.framing.oversizeFrames, 1);
  });

  it('a produce request too large to buffer whose bytes the capture lost says so, counts no records, and pairs its response', () => {
    const big = produceV9(9, 1, [{ index: 0, records: recordBatch(100, { size: 50_000 }) }]);
    const conversation = new TcpConversation()
      .send('client', big.subarray(0, 20_000))
      .lose('client', 10_000)
      .send('client', big.subarray(30_000))
      .send('server', responseFrame(PRODUCE, 9, 9))
      .close();
    const [exchange] = sniff(conversation.segments, { maxFrameBytes: 10_000 }).exchanges;
    assert.deepEqual([exchange!.outcome, exchange!.details.acks, exchange!.records], ['answered', 1, 0]);
    assert.equal(exchange!.problem, 'request bytes missing from the capture');
  });

  it('reports a request of another API too large to buffer with its header and sizes, and pairs its response', () => {
    const topics = Array.from({ length: 1000 }, (_, index) => ({ name: `topic-with-a-long-name-${index}` }));
    const big = requestFrame(3, 9, 4, 'admin', { topics });
    const conversation = new TcpConversation()
      .send('client', big)
      .send('server', responseFrame(3, 9, 4))
      .close();
    const { exchanges, sniffer } = sniff(conversation.segments, { maxFrameBytes: 10_000 });
    const [exchange] = exchanges;
    assert.deepEqual([exchange!.apiName, exchange!.outcome, exchange!.requestBytes], ['Metadata', 'answered', big.length]);
    assert.match(exchange!.problem ?? '', /request of \d+ bytes not buffered \(limit 10000\)/);
    assert.equal(sniffer.counters.framing.oversizeFrames, 1);
  });

  it('reports the key, version and sizes of every other API', () => {
    const request = requestFrame(32, 4, 3, 'admin', { resources: [{ resourceType: 2, resourceName: 'orders', configurationKeys: null }] });
    const response = responseFrame(32, 4, 3, { results: [{ errorCode: 29, resourceType: 2, resourceName: 'orders', errorMessage: null }] });
    const conversation = new TcpConversation().send('client', request).send('server', response).close();
    const [exchange] = sniff(conversation.segments).exchanges;
    assert.deepEqual(
      [exchange!.apiName, exchange!.apiVersion, exchange!.requestBytes, exchange!.responseBytes, exchange!.role, exchange!.errorCode],
      ['DescribeConfigs', 4, request.length, response.length, 'admin', 29],
    );
  });
});
