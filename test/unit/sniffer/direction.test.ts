import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestFrame, responseFrame } from './support/frames.ts';
import { sniff, TcpConversation } from './support/traffic.ts';

const METADATA = 3;

/** A few request/response pairs, as a mid-stream capture would see them. */
function metadataTraffic(conversation: TcpConversation, from: number, count: number): TcpConversation {
  for (let id = from; id < from + count; id++) {
    conversation.send(
      'client',
      requestFrame(METADATA, 12, id, 'app', { topics: [{ name: `topic-${id}`, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }] }),
    );
    conversation.send('server', responseFrame(METADATA, 12, id));
  }
  return conversation;
}

/** A client on a port below the broker's: the port heuristic alone would swap them. */
const LOW_CLIENT = { address: '10.0.0.7', port: 3000 };
const HIGH_BROKER = { address: '10.0.0.8', port: 39092 };

function clientHello(): Buffer {
  const hello = Buffer.alloc(5 + 200, 0x11);
  hello.set([0x16, 0x03, 0x01, 0x00, 200, 0x01], 0);
  return hello;
}

function tlsRecords(count: number): Buffer {
  return Buffer.concat(
    Array.from({ length: count }, () => Buffer.concat([Buffer.from([0x17, 0x03, 0x03, 0x00, 0x40]), Buffer.alloc(64, 0xab)])),
  );
}

describe('which side is the broker', () => {
  it('learns it from the first request when the connection starts with a SYN', () => {
    const conversation = metadataTraffic(new TcpConversation({ client: LOW_CLIENT, server: HIGH_BROKER }), 1, 2).close();
    const { opened, exchanges } = sniff(conversation.segments);
    assert.deepEqual(
      [opened[0]!.client, opened[0]!.broker, opened[0]!.directionEvidence, opened[0]!.midStream],
      [LOW_CLIENT, HIGH_BROKER, 'first-request', false],
    );
    assert.deepEqual(
      exchanges.map((e) => [e.correlationId, e.outcome]),
      [
        [1, 'answered'],
        [2, 'answered'],
      ],
    );
  });

  it('finds it in a capture that starts mid-connection, whatever the ports suggest', () => {
    const conversation = metadataTraffic(new TcpConversation({ client: LOW_CLIENT, server: HIGH_BROKER, handshake: false }), 7, 4).close();
    const { opened, exchanges } = sniff(conversation.segments);
    assert.deepEqual([opened[0]!.client, opened[0]!.broker, opened[0]!.midStream], [LOW_CLIENT, HIGH_BROKER, true]);
    assert.deepEqual(
      exchanges.map((e) => e.correlationId),
      [7, 8, 9, 10],
    );
  });

  it('takes it from configured broker ports, several listeners allowed', () => {
    const first = metadataTraffic(new TcpConversation({ client: LOW_CLIENT, server: HIGH_BROKER, handshake: false }), 1, 2).close();
    const second = metadataTraffic(
      new TcpConversation({ client: { address: '10.0.0.9', port: 1000 }, server: { address: '10.0.0.8', port: 9093 } }),
      1,
      1,
    ).close();
    const { opened } = sniff([...first.segments, ...second.segments], { brokerPorts: [9093, 39092] });
    assert.deepEqual(
      opened.map((c) => [c.broker.port, c.directionEvidence]),
      [
        [39092, 'broker-port'],
        [9093, 'broker-port'],
      ],
    );
  });

  it('remembers brokers it has seen, so a later mid-stream connection to one needs no guessing', () => {
    const first = metadataTraffic(new TcpConversation({ client: LOW_CLIENT, server: HIGH_BROKER }), 1, 1).close();
    const later = metadataTraffic(
      new TcpConversation({ client: { address: '10.0.0.9', port: 2000 }, server: HIGH_BROKER, handshake: false }),
      5,
      1,
    ).close();
    const { opened } = sniff([...first.segments, ...later.segments]);
    assert.deepEqual(
      opened.map((c) => [c.client.port, c.directionEvidence]),
      [
        [LOW_CLIENT.port, 'first-request'],
        [2000, 'known-broker'],
      ],
    );
  });
});

describe('what is not Kafka in clear text', () => {
  it('recognises TLS from the ClientHello and counts its bytes without decoding', () => {
    const conversation = new TcpConversation().send('client', clientHello()).send('server', tlsRecords(3)).close();
    const { opened, exchanges, closed, sniffer } = sniff(conversation.segments);
    assert.equal(exchanges.length, 0);
    assert.deepEqual([opened[0]!.tls, opened[0]!.directionEvidence], [true, 'tls-client-hello']);
    assert.deepEqual(
      [closed[0]!.connection.stats.bytesFromClient, closed[0]!.connection.stats.bytesFromBroker],
      [clientHello().length, 3 * 69],
    );
    assert.equal(sniffer.counters.tlsConnections, 1);
  });

  it('recognises TLS picked up mid-connection from chained record headers', () => {
    const conversation = new TcpConversation({ handshake: false }).send('client', tlsRecords(4)).close();
    const { opened } = sniff(conversation.segments, { brokerPorts: [9092] });
    assert.deepEqual([opened[0]!.tls, opened[0]!.directionEvidence], [true, 'broker-port']);
  });

  it('ignores a connection that speaks another protocol, and counts it', () => {
    const conversation = new TcpConversation()
      .send('client', Buffer.from('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n'))
      .send('server', Buffer.from('HTTP/1.1 200 OK\r\n\r\n'))
      .close();
    const { opened, exchanges, sniffer } = sniff(conversation.segments);
    assert.deepEqual([opened.length, exchanges.length, sniffer.counters.otherConnections, sniffer.counters.kafkaConnections], [0, 0, 1, 0]);
  });
});
