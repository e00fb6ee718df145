import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parseBrokerRegistration,
  parseController,
  parseControllerEpoch,
  parseDynamicConfig,
  parseReassignments,
  parseTopicReassignments,
} from '../../../../src/collectors/zookeeper/kafka-znodes.ts';
import { isSensitiveConfig } from '../../../../src/kafka/sensitive-configs.ts';
import { parseConsumerOffset } from '../../../../src/zookeeper/consumer-offset.ts';

test('broker registration version 5, as Kafka 3.9.2 writes it (read from the test bed)', () => {
  const data =
    '{"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://127.0.0.1:22014"],"jmx_port":-1,"port":22014,"host":"127.0.0.1","version":5,"timestamp":"1795290133236"}';
  assert.deepEqual(parseBrokerRegistration(1, data), {
    id: 1,
    version: 5,
    host: '127.0.0.1',
    port: 22014,
    jmxPort: -1,
    endpoints: ['PLAINTEXT://127.0.0.1:22014'],
    securityProtocolMap: { PLAINTEXT: 'PLAINTEXT' },
    rack: null,
    timestampMs: 1795290133236,
  });
});

test('broker registration version 1: host, port, jmx_port, timestamp only', () => {
  const broker = parseBrokerRegistration(7, '{"jmx_port":9999,"timestamp":"1400000000000","host":"kafka-7","version":1,"port":9092}');
  assert.equal(broker.version, 1);
  assert.equal(broker.host, 'kafka-7');
  assert.equal(broker.port, 9092);
  assert.equal(broker.jmxPort, 9999);
  assert.deepEqual(broker.endpoints, []);
  assert.equal(broker.rack, null);
  assert.equal(broker.timestampMs, 1400000000000);
});

test('broker registration versions 2 to 4: endpoints, rack, listener map; host and port from the first endpoint when empty', () => {
  const v2 = parseBrokerRegistration(
    1,
    '{"jmx_port":-1,"timestamp":"1","endpoints":["SSL://kafka-1:9093"],"host":null,"version":2,"port":-1}',
  );
  assert.equal(v2.host, 'kafka-1');
  assert.equal(v2.port, 9093);
  assert.deepEqual(v2.securityProtocolMap, { SSL: 'SSL' }, 'before version 4, listeners are named after their protocol');
  const v3 = parseBrokerRegistration(
    2,
    '{"jmx_port":-1,"timestamp":"1","endpoints":["PLAINTEXT://k2:9092"],"rack":"eu-1a","host":"k2","version":3,"port":9092}',
  );
  assert.equal(v3.rack, 'eu-1a');
  const v4 = parseBrokerRegistration(
    3,
    '{"listener_security_protocol_map":{"CLIENT":"SASL_SSL","REPLICATION":"SSL"},"endpoints":["CLIENT://[::1]:9094","REPLICATION://k3:9095"],"rack":null,"jmx_port":-1,"host":"","timestamp":"1","port":-1,"version":4}',
  );
  assert.deepEqual(v4.securityProtocolMap, { CLIENT: 'SASL_SSL', REPLICATION: 'SSL' });
  assert.equal(v4.host, '::1');
  assert.equal(v4.port, 9094);
});

test('controller, version 2 (3.9.2, read from the test bed) and version 1, and the controller epoch', () => {
  assert.deepEqual(parseController('{"version":2,"brokerid":1,"timestamp":"1795290133410","kraftControllerEpoch":-1}'), {
    brokerId: 1,
    timestampMs: 1795290133410,
  });
  assert.deepEqual(parseController('{"version":1,"brokerid":3,"timestamp":"1500000000000"}'), { brokerId: 3, timestampMs: 1500000000000 });
  assert.throws(() => parseController('{"version":1}'), /no brokerid/);
  assert.equal(parseControllerEpoch('12'), 12);
});

test('dynamic configs: a broker throttle and a topic throttle list', () => {
  const broker = parseDynamicConfig(
    'brokers',
    '1',
    '{"version":1,"config":{"leader.replication.throttled.rate":"1000000","follower.replication.throttled.rate":"1000000"}}',
  );
  assert.equal(broker.configs.get('leader.replication.throttled.rate'), '1000000');
  const topic = parseDynamicConfig('topics', 'orders', '{"version":1,"config":{"leader.replication.throttled.replicas":"0:1,1:2"}}');
  assert.equal(topic.configs.get('leader.replication.throttled.replicas'), '0:1,1:2');
  assert.equal(parseDynamicConfig('topics', 'empty', '{"version":1,"config":{}}').configs.size, 0);
});

test('secrets never become label values', () => {
  assert.equal(isSensitiveConfig('SCRAM-SHA-256'), true);
  assert.equal(isSensitiveConfig('listener.name.internal.ssl.keystore.password'), true);
  assert.equal(isSensitiveConfig('sasl.jaas.config'), true);
  assert.equal(isSensitiveConfig('producer_byte_rate'), false);
  assert.equal(isSensitiveConfig('leader.replication.throttled.rate'), false);
});

test('reassignments in progress', () => {
  const data =
    '{"version":1,"partitions":[{"topic":"orders","partition":0,"replicas":[2,3]},{"topic":"orders","partition":1,"replicas":[3,1]},{"bad":true}]}';
  assert.deepEqual(parseReassignments(data), [
    { topic: 'orders', partition: 0, replicas: [2, 3] },
    { topic: 'orders', partition: 1, replicas: [3, 1] },
  ]);
});

test('offsets old consumers committed', () => {
  assert.equal(parseConsumerOffset('42'), 42);
  assert.equal(parseConsumerOffset('-1'), undefined);
  assert.equal(parseConsumerOffset('x'), undefined);
});

test('a reassignment in progress in /brokers/topics/<topic> (Kafka 2.4+): target is the replicas without those being removed', () => {
  const data = '{"partitions":{"0":[2,1],"1":[1,2]},"topic_id":"x","adding_replicas":{"0":[2]},"removing_replicas":{"0":[1]},"version":3}';
  assert.deepEqual(parseTopicReassignments('orders', data), [{ topic: 'orders', partition: 0, replicas: [2] }]);
  assert.deepEqual(
    parseTopicReassignments('quiet', '{"partitions":{"0":[1]},"adding_replicas":{},"removing_replicas":{},"version":3}'),
    [],
  );
});
