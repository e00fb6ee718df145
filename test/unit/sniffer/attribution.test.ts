import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DecodedStruct } from '../../../src/protocol/index.ts';
import { Sniffer } from '../../../src/sniffer/sniffer.ts';
import { Writer } from '../protocol/support/encoder.ts';
import { recordBatch, requestFrame, responseFrame } from './support/frames.ts';
import { sniff, TcpConversation } from './support/traffic.ts';

const FETCH = 1;
const METADATA = 3;
const JOIN_GROUP = 11;
const SYNC_GROUP = 14;
const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;
const CONSUMER_GROUP_HEARTBEAT = 68;

const ORDERS_ID = Buffer.alloc(16, 7).toString('base64url');
const PAYMENTS_ID = Buffer.alloc(16, 9).toString('base64url');

function rawFrame(bytes: Buffer | string): Buffer {
  const body = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

function fetchV16(
  correlationId: number,
  sessionId: number,
  epoch: number,
  topics: [string, number[]][],
  forgotten: [string, number[]][] = [],
): Buffer {
  return requestFrame(FETCH, 16, correlationId, 'consumer-1', {
    replicaId: -1,
    sessionId,
    sessionEpoch: epoch,
    topics: topics.map(([topicId, partitions]) => ({ topicId, partitions: partitions.map((partition) => ({ partition })) })),
    forgottenTopicsData: forgotten.map(([topicId, partitions]) => ({ topicId, partitions })),
  });
}

describe('fetch', () => {
  it('tells the records a consumer has left to read: high watermark (last stable offset for read_committed) minus the offset after the records returned, or where it asked when none came', () => {
    const batchAt = (baseOffset: number, records: number): Buffer => {
      const batch = recordBatch(records);
      batch.writeBigInt64BE(BigInt(baseOffset), 0);
      return batch;
    };
    const fetch = (correlationId: number, isolationLevel: number, offsets: [number, number][]) =>
      requestFrame(FETCH, 16, correlationId, 'consumer-1', {
        replicaId: -1,
        sessionEpoch: -1,
        isolationLevel,
        topics: [
          { topicId: ORDERS_ID, partitions: offsets.map(([partition, fetchOffset]) => ({ partition, fetchOffset: BigInt(fetchOffset) })) },
        ],
      });
    const answer = (correlationId: number, partitions: DecodedStruct[]) =>
      responseFrame(FETCH, 16, correlationId, { responses: [{ topicId: ORDERS_ID, partitions }] });
    const conversation = new TcpConversation()
      .send(
        'client',
        fetch(1, 0, [
          [0, 40],
          [1, 70],
          [2, 5],
        ]),
      )
      .send(
        'server',
        answer(1, [
          { partitionIndex: 0, highWatermark: 100n, lastStableOffset: 100n, records: Buffer.concat([batchAt(40, 4), batchAt(44, 6)]) },
          { partitionIndex: 1, highWatermark: 100n, lastStableOffset: 100n },
          { partitionIndex: 2, highWatermark: 9n, errorCode: 1 },
        ]),
      )
      .send('client', fetch(2, 1, [[0, 50]]))
      .send('server', answer(2, [{ partitionIndex: 0, highWatermark: 100n, lastStableOffset: 90n, records: batchAt(50, 10) }]))
      .close();
    const exchanges = sniff(conversation.segments).exchanges.sort((a, b) => a.correlationId - b.correlationId);
    assert.deepEqual(
      exchanges.map((e) => e.fetchLags.map((lag) => [lag.partition, lag.lag])),
      [
        [
          [0, 50],
          [1, 30],
        ],
        [[0, 30]],
      ],
      'partition 2 answered with an error tells nothing',
    );
  });

  it('keeps the partitions of a fetch session: incremental fetches list only what changed', () => {
    const conversation = new TcpConversation()
      .send('client', fetchV16(1, 0, 0, [[ORDERS_ID, [0, 1, 2]]]))
      .send(
        'server',
        responseFrame(FETCH, 16, 1, {
          sessionId: 77,
          responses: [{ topicId: ORDERS_ID, partitions: [{ partitionIndex: 1, records: recordBatch(4) }] }],
        }),
      )
      .send('client', fetchV16(2, 77, 1, [[PAYMENTS_ID, [5]]]))
      .send('server', responseFrame(FETCH, 16, 2, { sessionId: 77 }))
      .send('client', fetchV16(3, 77, 2, [], [[ORDERS_ID, [0]]]))
      .send(
        'server',
        responseFrame(FETCH, 16, 3, {
          sessionId: 77,
          responses: [{ topicId: PAYMENTS_ID, partitions: [{ partitionIndex: 5, records: recordBatch(2) }] }],
        }),
      )
      .send('client', fetchV16(4, 55, 9, [[ORDERS_ID, [8]]]))
      .close();
    const { exchanges } = sniff(conversation.segments);
    const scope = exchanges.map((e) => e.topics.map((t) => `${t.topic}:${t.partitions.join('/')}:${t.records}`).join(' '));
    assert.deepEqual(scope, [
      `${ORDERS_ID}:0/1/2:4`,
      `${ORDERS_ID}:0/1/2:0 ${PAYMENTS_ID}:5:0`,
      `${ORDERS_ID}:1/2:0 ${PAYMENTS_ID}:5:2`,
      `${ORDERS_ID}:8:0`,
    ]);
    assert.deepEqual(
      exchanges.map((e) => e.details.fetchSessionIncomplete ?? false),
      [false, false, false, true],
    );
    assert.deepEqual(
      exchanges.map((e) => e.role),
      ['consumer', 'consumer', 'consumer', 'consumer'],
    );
  });

  it('tells follower fetches (replica id, or ReplicaState from v15) from consumer fetches', () => {
    const conversation = new TcpConversation()
      .send('client', requestFrame(FETCH, 12, 1, 'broker-2-fetcher', { replicaId: 2, sessionEpoch: -1 }))
      .send('client', requestFrame(FETCH, 15, 2, 'broker-3-fetcher', { replicaState: { replicaId: 3, replicaEpoch: 1 }, sessionEpoch: -1 }))
      .send('client', requestFrame(FETCH, 15, 3, 'consumer', { sessionEpoch: -1 }))
      .close();
    const { exchanges } = sniff(conversation.segments);
    assert.deepEqual(
      exchanges.map((e) => [e.role, e.details.replicaId]),
      [
        ['follower', 2],
        ['follower', 3],
        ['consumer', -1],
      ],
    );
  });
});

describe('topic ids', () => {
  it('names topic ids from Metadata responses, and reports ids learned later as resolved', () => {
    const conversation = new TcpConversation()
      .send('client', fetchV16(1, 0, -1, [[ORDERS_ID, [0]]]))
      .send('server', responseFrame(FETCH, 16, 1))
      .send('client', requestFrame(METADATA, 12, 2, 'consumer-1', { topics: [{ name: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }] }))
      .send('server', responseFrame(METADATA, 12, 2, { topics: [{ name: 'orders', topicId: ORDERS_ID, partitions: [] }] }))
      .send(
        'client',
        fetchV16(3, 0, -1, [
          [ORDERS_ID, [0]],
          [PAYMENTS_ID, [1]],
        ]),
      )
      .send('server', responseFrame(FETCH, 16, 3))
      .close();
    const { exchanges, resolved } = sniff(conversation.segments);
    const fetches = exchanges.filter((e) => e.apiName === 'Fetch');
    assert.deepEqual(
      fetches[0]!.topics.map((t) => [t.topic, t.resolved]),
      [[ORDERS_ID, false]],
    );
    assert.deepEqual(
      fetches[1]!.topics.map((t) => [t.topic, t.topicId, t.resolved]),
      [
        ['orders', ORDERS_ID, true],
        [PAYMENTS_ID, PAYMENTS_ID, false],
      ],
    );
    assert.deepEqual(resolved, [[ORDERS_ID, 'orders']]);
  });

  it('takes topic names from outside through its feeder', () => {
    const conversation = new TcpConversation().send('client', fetchV16(1, 0, -1, [[PAYMENTS_ID, [0]]])).close();
    const topics: string[] = [];
    const resolved: [string, string][] = [];
    const sniffer = new Sniffer({
      exchange: (e) => topics.push(e.topics[0]!.topic),
      topicResolved: (id, name) => resolved.push([id, name]),
    });
    sniffer.topics.learnTopic(PAYMENTS_ID, 'payments');
    for (const segment of conversation.segments) sniffer.push(segment);
    sniffer.finish();
    assert.deepEqual(topics, ['payments']);
    assert.deepEqual(resolved, [[PAYMENTS_ID, 'payments']]);
  });
});

describe('groups', () => {
  it('reads subscribed topics from JoinGroup and the assignment from SyncGroup', () => {
    const subscription = new Writer()
      .int16(1)
      .int32(2)
      .int16(6)
      .raw(Buffer.from('orders'))
      .int16(8)
      .raw(Buffer.from('payments'))
      .int32(-1)
      .int32(0)
      .toBuffer();
    const assignment = new Writer().int16(1).int32(1).int16(6).raw(Buffer.from('orders')).int32(2).int32(0).int32(3).int32(-1).toBuffer();
    const conversation = new TcpConversation()
      .send(
        'client',
        requestFrame(JOIN_GROUP, 9, 1, 'c1', {
          groupId: 'billing',
          memberId: '',
          protocolType: 'consumer',
          protocols: [{ name: 'range', metadata: subscription }],
          reason: null,
        }),
      )
      .send(
        'server',
        responseFrame(JOIN_GROUP, 9, 1, {
          generationId: 4,
          memberId: 'c1-uuid',
          leader: 'c1-uuid',
          protocolName: 'range',
          protocolType: 'consumer',
        }),
      )
      .send('client', requestFrame(SYNC_GROUP, 5, 2, 'c1', { groupId: 'billing', generationId: 4, memberId: 'c1-uuid' }))
      .send('server', responseFrame(SYNC_GROUP, 5, 2, { assignment }))
      .close();
    const { exchanges } = sniff(conversation.segments);
    const [join, sync] = exchanges;
    assert.deepEqual(join!.details.subscribedTopics, ['orders', 'payments']);
    assert.deepEqual([join!.details.groupId, join!.details.memberId, join!.details.generationId], ['billing', 'c1-uuid', 4]);
    assert.deepEqual(
      sync!.topics.map((t) => [t.topic, t.partitions]),
      [['orders', [0, 3]]],
    );
    assert.deepEqual([join!.role, sync!.role], ['group', 'group']);
  });

  it('reads the subscription and the topic-id assignment of KIP-848 heartbeats', () => {
    const conversation = new TcpConversation()
      .send(
        'client',
        requestFrame(CONSUMER_GROUP_HEARTBEAT, 1, 1, 'c2', {
          groupId: 'billing',
          memberId: 'm-1',
          memberEpoch: 0,
          subscribedTopicNames: ['orders'],
          topicPartitions: null,
        }),
      )
      .send(
        'server',
        responseFrame(CONSUMER_GROUP_HEARTBEAT, 1, 1, {
          memberId: 'm-1',
          memberEpoch: 3,
          assignment: { topicPartitions: [{ topicId: ORDERS_ID, partitions: [0, 1] }] },
        }),
      )
      .close();
    const [heartbeat] = sniff(conversation.segments).exchanges;
    assert.deepEqual(heartbeat!.details.subscribedTopics, ['orders']);
    assert.deepEqual([heartbeat!.details.groupId, heartbeat!.details.memberId, heartbeat!.details.generationId], ['billing', 'm-1', 3]);
    assert.deepEqual(
      heartbeat!.topics.map((t) => [t.topic, t.partitions]),
      [
        ['orders', []],
        [ORDERS_ID, [0, 1]],
      ],
    );
  });
});

describe('SASL', () => {
  it('takes the PLAIN user name from SaslAuthenticate and never keeps the password', () => {
    const conversation = new TcpConversation()
      .send('client', requestFrame(SASL_HANDSHAKE, 1, 1, 'p', { mechanism: 'PLAIN' }))
      .send('server', responseFrame(SASL_HANDSHAKE, 1, 1, { mechanisms: ['PLAIN'] }))
      .send('client', requestFrame(SASL_AUTHENTICATE, 2, 2, 'p', { authBytes: Buffer.from('\u0000alice\u0000hunter2-secret') }))
      .send('server', responseFrame(SASL_AUTHENTICATE, 2, 2, { errorMessage: null, authBytes: Buffer.alloc(0) }))
      .close();
    const { exchanges, opened } = sniff(conversation.segments);
    assert.deepEqual(opened[0]!.sasl, { mechanism: 'PLAIN', principal: 'alice', authenticated: true });
    assert.equal(exchanges[1]!.details.principal, 'alice');
    const everything = JSON.stringify([exchanges, opened], (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
    assert.doesNotMatch(everything, /hunter2/);
  });

  it('follows raw SCRAM tokens after a v0 handshake and resumes Kafka decoding after them', () => {
    const conversation = new TcpConversation()
      .send('client', requestFrame(SASL_HANDSHAKE, 0, 1, 's', { mechanism: 'SCRAM-SHA-512' }))
      .send('server', responseFrame(SASL_HANDSHAKE, 0, 1, { mechanisms: ['SCRAM-SHA-512'] }))
      .send('client', rawFrame('n,,n=bob=2Cjr,r=fyko+d2lbbFgONRv9qkxdawL'))
      .send('server', rawFrame('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096'))
      .send('client', rawFrame('c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts='))
      .send('server', rawFrame('v=rmF9pqV8S7suAoZWja4dJRkFsKQ='))
      .send('client', requestFrame(METADATA, 8, 2, 's', { topics: null }))
      .send('server', responseFrame(METADATA, 8, 2))
      .close();
    const { exchanges, opened, sniffer } = sniff(conversation.segments);
    assert.deepEqual(
      exchanges.map((e) => e.apiName),
      ['SaslHandshake', 'Metadata'],
    );
    assert.deepEqual(opened[0]!.sasl, { mechanism: 'SCRAM-SHA-512', principal: 'bob,jr', authenticated: true });
    assert.equal(sniffer.counters.saslRawTokens, 2);
    assert.equal(sniffer.counters.undecodableRequests, 0);
  });

  it('records a failed SCRAM authentication', () => {
    const conversation = new TcpConversation()
      .send('client', requestFrame(SASL_HANDSHAKE, 1, 1, 's', { mechanism: 'SCRAM-SHA-256' }))
      .send('server', responseFrame(SASL_HANDSHAKE, 1, 1))
      .send('client', requestFrame(SASL_AUTHENTICATE, 1, 2, 's', { authBytes: Buffer.from('n,,n=carol,r=abc') }))
      .send(
        'server',
        responseFrame(SASL_AUTHENTICATE, 1, 2, { errorCode: 58, errorMessage: 'Authentication failed', authBytes: Buffer.alloc(0) }),
      )
      .close();
    const { opened, exchanges } = sniff(conversation.segments);
    assert.deepEqual(opened[0]!.sasl, { mechanism: 'SCRAM-SHA-256', principal: 'carol', authenticated: false });
    assert.equal(exchanges[1]!.errors[0]!.name, 'SASL_AUTHENTICATION_FAILED');
  });
});
