import assert from 'node:assert/strict';
import { test } from 'node:test';
import { objectNameMatcher, parseObjectName } from '../../../src/jmx/object-name.ts';

const matches = (pattern: string, name: string): boolean => objectNameMatcher(pattern)(parseObjectName(name)!);

test('the key properties keep the order they were registered in', () => {
  assert.deepEqual(parseObjectName('kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=orders'), {
    domain: 'kafka.server',
    properties: [
      ['type', 'BrokerTopicMetrics'],
      ['name', 'BytesInPerSec'],
      ['topic', 'orders'],
    ],
  });
  assert.deepEqual(parseObjectName('kafka.log:type=Log,topic=orders,name=Size,partition=0')!.properties, [
    ['type', 'Log'],
    ['topic', 'orders'],
    ['name', 'Size'],
    ['partition', '0'],
  ]);
});

test('quoted values are kept with their quotes, commas, equals signs and escapes included', () => {
  assert.deepEqual(parseObjectName('java.lang:type=MemoryPool,name="G1 Old, Gen=x"')!.properties, [
    ['type', 'MemoryPool'],
    ['name', '"G1 Old, Gen=x"'],
  ]);
  assert.deepEqual(parseObjectName('app:name="say \\"hi\\"",type=T')!.properties, [
    ['name', '"say \\"hi\\""'],
    ['type', 'T'],
  ]);
});

test('values may be empty or hold spaces; a name without a colon is none', () => {
  assert.deepEqual(parseObjectName('java.lang:type=GarbageCollector,name=G1 Young Generation')!.properties, [
    ['type', 'GarbageCollector'],
    ['name', 'G1 Young Generation'],
  ]);
  assert.deepEqual(parseObjectName('kafka.server:type=Fetch,clientId=')!.properties, [
    ['type', 'Fetch'],
    ['clientId', ''],
  ]);
  assert.deepEqual(parseObjectName('JMImplementation:type=MBeanServerDelegate'), {
    domain: 'JMImplementation',
    properties: [['type', 'MBeanServerDelegate']],
  });
  assert.equal(parseObjectName('kafka.server'), undefined);
});

test('domain:* matches every MBean of the domain, and only of it', () => {
  assert.ok(matches('kafka.server:*', 'kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=orders'));
  assert.ok(matches('kafka.server:*', 'kafka.server:type=raft-metrics'));
  assert.ok(!matches('kafka.server:*', 'kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce'));
  // The dot of a domain is no wildcard.
  assert.ok(!matches('kafka.server:*', 'kafkaXserver:type=raft-metrics'));
  assert.ok(matches('*:*', 'java.lang:type=Memory'));
});

test('* and ? are wildcards in the domain', () => {
  assert.ok(matches('kafka.*:*', 'kafka.network:type=SocketServer,name=NetworkProcessorAvgIdlePercent'));
  assert.ok(!matches('kafka.*:*', 'java.lang:type=Memory'));
  assert.ok(matches('kafka.serve?:*', 'kafka.server:type=raft-metrics'));
  assert.ok(!matches('kafka.serve?:*', 'kafka.serve:type=raft-metrics'));
});

test('a key list without * asks for exactly those keys, in any order', () => {
  const pattern = 'kafka.controller:type=KafkaController,name=ActiveControllerCount';
  assert.ok(matches(pattern, 'kafka.controller:type=KafkaController,name=ActiveControllerCount'));
  assert.ok(matches(pattern, 'kafka.controller:name=ActiveControllerCount,type=KafkaController'));
  assert.ok(!matches(pattern, 'kafka.controller:type=KafkaController,name=ActiveControllerCount,extra=1'));
  assert.ok(!matches(pattern, 'kafka.controller:type=KafkaController'));
  assert.ok(!matches(pattern, 'kafka.controller:type=KafkaController,name=OfflinePartitionsCount'));
});

test('a key list ending in ,* allows more keys', () => {
  const pattern = 'kafka.server:type=BrokerTopicMetrics,*';
  assert.ok(matches(pattern, 'kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec'));
  assert.ok(matches(pattern, 'kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=orders'));
  assert.ok(matches(pattern, 'kafka.server:name=BytesInPerSec,type=BrokerTopicMetrics'));
  assert.ok(!matches(pattern, 'kafka.server:type=ReplicaManager,name=PartitionCount'));
});

test('* and ? are wildcards in values', () => {
  assert.ok(matches('kafka.server:type=app-info,id=*', 'kafka.server:type=app-info,id=1'));
  assert.ok(!matches('kafka.server:type=app-info,id=*', 'kafka.server:type=app-info'));
  assert.ok(!matches('kafka.server:type=app-info,id=*', 'kafka.server:type=app-info,id=1,extra=x'));
  assert.ok(
    matches('kafka.server:type=BrokerTopicMetrics,name=Bytes*PerSec,*', 'kafka.server:type=BrokerTopicMetrics,name=BytesOutPerSec'),
  );
  assert.ok(
    !matches('kafka.server:type=BrokerTopicMetrics,name=Bytes*PerSec,*', 'kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec'),
  );
  assert.ok(matches('kafka.log:type=Log,name=Size,topic=orders,partition=?', 'kafka.log:type=Log,name=Size,topic=orders,partition=7'));
  assert.ok(!matches('kafka.log:type=Log,name=Size,topic=orders,partition=?', 'kafka.log:type=Log,name=Size,topic=orders,partition=17'));
});

test('a pattern without a colon is refused', () => {
  assert.throws(() => objectNameMatcher('kafka.server'), /is not an object name pattern/);
});
