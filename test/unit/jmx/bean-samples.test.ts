import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { type BeanSamples, beanSamples } from '../../../src/jmx/bean-samples.ts';
import { type JmxRuleSet, parseJmxRules } from '../../../src/jmx/jmx-rules.ts';
import type { MBeanAttributes } from '../../../src/jmx/jolokia-client.ts';

// Expected names follow the JMX exporter: the match line `domain<k=v, k2=v2><compositeKeys>attr: value`, the
// first rule whose pattern matches it, toSafeName, lowercaseOutputName, then client_java's naming (reserved
// suffixes stripped, a counter exposed as base + _total).

const BUNDLED = parseJmxRules(
  readFileSync(new URL('../../../jmx/kafka-broker-rules.yaml', import.meta.url), 'utf8'),
  'kafka-broker-rules.yaml',
);

const rulesOf = (yaml: string): JmxRuleSet => parseJmxRules(yaml, 'test-rules.yaml');

/** MBeans as Jolokia returns them: object name to attribute map. */
function read(beans: Record<string, MBeanAttributes>, rules: JmxRuleSet = BUNDLED): BeanSamples {
  return beanSamples(new Map(Object.entries(beans)), rules);
}

/** Each sample as `name{labels sorted} value type`, sorted, so that a test reads like an exposition. */
function series(result: BeanSamples): string[] {
  return result.samples
    .map(({ name, labels, value, type }) => {
      const pairs = Object.entries(labels)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, text]) => `${key}="${text}"`);
      return `${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${value} ${type}`;
    })
    .sort();
}

const METER = {
  EventType: 'bytes',
  RateUnit: 'SECONDS',
  MeanRate: 12.25,
  OneMinuteRate: 9.75,
  FiveMinuteRate: 11,
  FifteenMinuteRate: 10.5,
};

test('a per-topic meter: Count is a counter named after the type and name, the topic a label', () => {
  const result = read({ 'kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=orders': { Count: 1234, ...METER } });
  assert.deepEqual(series(result), ['kafka_server_brokertopicmetrics_bytesin_total{topic="orders"} 1234 counter']);
  // The four rates match no rule; the strings (EventType, RateUnit) are no numbers and not counted.
  assert.equal(result.unmatched, 4);
});

test('the all-topics meter has no labels', () => {
  const result = read({ 'kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec': { Count: 5678, ...METER } });
  assert.deepEqual(series(result), ['kafka_server_brokertopicmetrics_bytesin_total 5678 counter']);
  assert.equal(result.unmatched, 4);
});

test('a request histogram: Count becomes a _count counter and the percentiles quantile gauges', () => {
  const result = read({
    'kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce': {
      Count: 42,
      Max: 30,
      Mean: 2.5,
      Min: 0,
      StdDev: 1.25,
      '50thPercentile': 2,
      '99thPercentile': 12.5,
      '999thPercentile': 29,
    },
  });
  assert.deepEqual(series(result), [
    'kafka_network_requestmetrics_totaltimems_count_total{request="Produce"} 42 counter',
    'kafka_network_requestmetrics_totaltimems{quantile="0.50",request="Produce"} 2 gauge',
    'kafka_network_requestmetrics_totaltimems{quantile="0.99",request="Produce"} 12.5 gauge',
    'kafka_network_requestmetrics_totaltimems{quantile="0.999",request="Produce"} 29 gauge',
  ]);
  assert.equal(result.unmatched, 4);
  const p99 = result.samples.find((sample) => sample.labels.quantile === '0.99')!;
  assert.deepEqual(p99.labels, { request: 'Produce', quantile: '0.99' });
});

test('a Value gauge without extra keys', () => {
  const result = read({ 'kafka.controller:type=KafkaController,name=ActiveControllerCount': { Value: 1 } });
  assert.deepEqual(series(result), ['kafka_controller_kafkacontroller_activecontrollercount 1 gauge']);
  assert.equal(result.unmatched, 0);
});

test('percent metrics: MeanRate of a Percent meter and Value of a Percent gauge', () => {
  const result = read({
    'kafka.server:type=KafkaRequestHandlerPool,name=RequestHandlerAvgIdlePercent': { Count: 17, MeanRate: 0.9, OneMinuteRate: 0.95 },
    'kafka.network:type=SocketServer,name=NetworkProcessorAvgIdlePercent': { Value: 0.8 },
  });
  assert.deepEqual(series(result), [
    'kafka_network_socketserver_networkprocessoravgidle_percent 0.8 gauge',
    'kafka_server_kafkarequesthandlerpool_requesthandleravgidle_percent 0.9 gauge',
    'kafka_server_kafkarequesthandlerpool_requesthandleravgidlepercent_count_total 17 counter',
  ]);
  assert.equal(result.unmatched, 1);
});

test('raft metrics: the current state through value: 1 with the state as label, -max counters, NaN for null', () => {
  const result = read({
    'kafka.server:type=raft-metrics': {
      'current-state': 'leader',
      'current-leader': 1,
      'commit-latency-max': 12,
      'append-records-rate': 0.5,
      // Jolokia 2.6+ sends NaN as null; the JMX exporter reports NaN.
      'commit-latency-avg': null,
    },
  });
  assert.deepEqual(series(result), [
    'kafka_server_raftmetrics_append_records_rate 0.5 gauge',
    'kafka_server_raftmetrics_commit_latency_avg NaN gauge',
    'kafka_server_raftmetrics_commit_latency_max_total 12 counter',
    'kafka_server_raftmetrics_current_leader 1 gauge',
    'kafka_server_raftmetrics_current_state{current_state="leader"} 1 untyped',
  ]);
  assert.ok(Number.isNaN(result.samples.find((sample) => sample.name === 'kafka_server_raftmetrics_commit_latency_avg')!.value));
  assert.equal(result.unmatched, 0);
});

test('socket server metrics: _info is stripped from a gauge name, label name case kept', () => {
  const result = read({
    'kafka.server:type=socket-server-metrics,cipher=TLS_AES_256_GCM_SHA384,protocol=TLSv1.3,listener=SSL,networkProcessor=3': {
      connections: 2,
    },
    'kafka.server:type=socket-server-metrics,clientSoftwareName=apache-kafka-java,clientSoftwareVersion=3.7.0,listener=PLAINTEXT,networkProcessor=0':
      { connections: 3 },
    'kafka.server:type=socket-server-metrics,listener=PLAINTEXT,networkProcessor=0': { 'connection-count': 5, 'connection-close-total': 7 },
  });
  assert.deepEqual(series(result), [
    'kafka_server_socket_server_metrics_connection_close_total{listener="PLAINTEXT",networkProcessor="0"} 7 counter',
    'kafka_server_socket_server_metrics_connection_count{listener="PLAINTEXT",networkProcessor="0"} 5 gauge',
    'kafka_server_socket_server_metrics_connections_software{clientSoftwareName="apache-kafka-java",clientSoftwareVersion="3.7.0",listener="PLAINTEXT",networkProcessor="0"} 3 gauge',
    'kafka_server_socket_server_metrics_connections_tls{cipher="TLS_AES_256_GCM_SHA384",listener="SSL",networkProcessor="3",protocol="TLSv1.3"} 2 gauge',
  ]);
});

test('string attributes count only through a rule value:, and are not counted as unmatched', () => {
  const appInfo = { 'commit-id': 'abc123', version: '3.7.0', 'start-time-ms': 1700000000000 };
  const bundled = read({ 'kafka.server:type=app-info,id=1': appInfo });
  assert.deepEqual(series(bundled), []);
  assert.equal(bundled.unmatched, 1);
  // A named rule without value: that matches a string drops it, and later rules are not tried.
  const named = read(
    { 'kafka.server:type=app-info,id=1': appInfo },
    rulesOf("rules:\n- pattern: 'app-info, id=(\\d+)><>version'\n  name: kafka_version\n- pattern: '.*'\n"),
  );
  assert.deepEqual(series(named), ['kafka_server_app_info_start_time_ms{id="1"} 1700000000000 untyped']);
  assert.equal(named.unmatched, 0);
});

test('a composite attribute is flattened: its keys join the match line and the default name', () => {
  const memory = {
    HeapMemoryUsage: { committed: 536870912, init: 268435456, max: 1073741824, used: 123456789 },
    NonHeapMemoryUsage: { committed: 1, init: 2, max: -1, used: 3 },
    ObjectPendingFinalizationCount: 0,
    ObjectName: { objectName: 'java.lang:type=Memory' },
  };
  const custom = read(
    { 'java.lang:type=Memory': memory },
    rulesOf("rules:\n- pattern: 'java.lang<type=Memory><HeapMemoryUsage>(\\w+)'\n  name: jvm_memory_heap_$1_bytes\n  type: GAUGE\n"),
  );
  assert.deepEqual(series(custom), [
    'jvm_memory_heap_committed_bytes 536870912 gauge',
    'jvm_memory_heap_init_bytes 268435456 gauge',
    'jvm_memory_heap_max_bytes 1073741824 gauge',
    'jvm_memory_heap_used_bytes 123456789 gauge',
  ]);
  // NonHeapMemoryUsage's four items and ObjectPendingFinalizationCount; an ObjectName value is no number.
  assert.equal(custom.unmatched, 5);

  const nested = read({ 'app:type=T': { Outer: { Inner: { v: 1 } } } }, rulesOf("rules:\n- pattern: 'app<type=T><Outer, Inner>v: 1'\n"));
  assert.deepEqual(series(nested), ['app_T_Outer_Inner_v 1 untyped']);
});

test('the default format: domain_firstValue_attribute, the other keys as labels, booleans as 1 and 0', () => {
  const result = read(
    {
      'kafka.server:type=ReplicaManager,name=PartitionCount': { Value: 12 },
      'java.lang:type=GarbageCollector,name=G1 Young Generation': { CollectionCount: 5 },
      'java.lang:type=Memory': { HeapMemoryUsage: { used: 100 }, Verbose: true },
      'java.lang:type=ClassLoading': { Verbose: false },
    },
    rulesOf('rules:\n- pattern: ".*"\n'),
  );
  assert.deepEqual(series(result), [
    'java_lang_ClassLoading_Verbose 0 untyped',
    'java_lang_GarbageCollector_CollectionCount{name="G1 Young Generation"} 5 untyped',
    'java_lang_Memory_HeapMemoryUsage_used 100 untyped',
    'java_lang_Memory_Verbose 1 untyped',
    'kafka_server_ReplicaManager_Value{name="PartitionCount"} 12 untyped',
  ]);
});

test('the default format lowercases names and label names when asked', () => {
  const result = read(
    { 'com.example:type=Pool,PoolName=main': { ActiveCount: 3 } },
    rulesOf('lowercaseOutputName: true\nlowercaseOutputLabelNames: true\n'),
  );
  assert.deepEqual(series(result), ['com_example_pool_activecount{poolname="main"} 3 untyped']);
});

test("the default format keeps the rule's type", () => {
  const result = read(
    { 'kafka.server:type=ReplicaManager,name=PartitionCount': { Value: 12 } },
    rulesOf('rules:\n- pattern: ".*"\n  type: GAUGE\n'),
  );
  assert.deepEqual(series(result), ['kafka_server_ReplicaManager_Value{name="PartitionCount"} 12 gauge']);
});

test('attrNameSnakeCase: the snake-cased attribute name is matched and, without a rule name, named', () => {
  const threading = { 'java.lang:type=Threading': { ThreadCount: 42, DaemonThreadCount: 30 } };
  const named = read(
    threading,
    rulesOf(
      "rules:\n- pattern: 'java.lang<type=Threading><>daemon_thread_count: (\\d+)'\n  name: jvm_threads_daemon\n  attrNameSnakeCase: true\n  type: GAUGE\n",
    ),
  );
  assert.deepEqual(series(named), ['jvm_threads_daemon 30 gauge']);
  const unnamed = read(threading, rulesOf("rules:\n- pattern: 'java.lang<type=Threading><>'\n  attrNameSnakeCase: true\n"));
  assert.deepEqual(series(unnamed), ['java_lang_Threading_daemon_thread_count 30 untyped', 'java_lang_Threading_thread_count 42 untyped']);
});

test('the first matching rule wins; a value: that is no number drops the attribute', () => {
  const bean = { 'kafka.server:type=ReplicaManager,name=PartitionCount': { Value: 12 } };
  const first = read(
    bean,
    rulesOf("rules:\n- pattern: 'ReplicaManager, name=(\\w+)><>Value'\n  name: first_$1\n- pattern: '.*'\n  name: second\n"),
  );
  assert.deepEqual(series(first), ['first_PartitionCount 12 untyped']);
  const dropped = read(
    bean,
    rulesOf("rules:\n- pattern: 'ReplicaManager, name=(\\w+)><>Value'\n  name: first\n  value: '$1'\n- pattern: '.*'\n  name: second\n"),
  );
  assert.deepEqual(series(dropped), []);
  assert.equal(dropped.unmatched, 0);
});

test('valueFactor multiplies the value; an empty value: keeps the attribute value', () => {
  const bean = { 'kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Fetch': { '99thPercentile': 1500 } };
  const scaled = read(
    bean,
    rulesOf(
      "rules:\n- pattern: 'RequestMetrics, name=TotalTimeMs, request=(\\w+)><>99thPercentile'\n  name: kafka_request_seconds\n  valueFactor: 0.001\n  labels:\n    request: $1\n",
    ),
  );
  assert.deepEqual(series(scaled), ['kafka_request_seconds{request="Fetch"} 1.5 untyped']);
  const empty = read(bean, rulesOf("rules:\n- pattern: 'RequestMetrics'\n  name: kafka_request_ms\n  value: ''\n"));
  assert.deepEqual(series(empty), ['kafka_request_ms 1500 untyped']);
});

test('when two series of a name would have the same labels, every series of that name gets _objectname', () => {
  const result = read(
    {
      'kafka.server:type=ReplicaManager,name=PartitionCount': { Value: 12 },
      'kafka.server:type=ReplicaManager,name=LeaderCount': { Value: 7 },
      'kafka.server:type=ReplicaFetcherManager,name=MaxLag,clientId=Replica': { Value: 3 },
      'kafka.server:type=KafkaServer,name=BrokerState': { Value: 3 },
    },
    rulesOf(
      [
        'rules:',
        "- pattern: 'kafka.server<type=(ReplicaManager|ReplicaFetcherManager), name=(\\w+).*><>Value'",
        '  name: kafka_server_managed',
        '  type: GAUGE',
        '  labels:',
        '    manager: $1',
        "- pattern: 'kafka.server<type=KafkaServer, name=(\\w+)><>Value'",
        '  name: kafka_server_kafkaserver_$1',
        '  type: GAUGE',
        '',
      ].join('\n'),
    ),
  );
  assert.deepEqual(series(result), [
    'kafka_server_kafkaserver_BrokerState 3 gauge',
    'kafka_server_managed{_objectname="kafka.server<type=ReplicaFetcherManager, name=MaxLag, clientId=Replica><>Value",manager="ReplicaFetcherManager"} 3 gauge',
    'kafka_server_managed{_objectname="kafka.server<type=ReplicaManager, name=LeaderCount><>Value",manager="ReplicaManager"} 7 gauge',
    'kafka_server_managed{_objectname="kafka.server<type=ReplicaManager, name=PartitionCount><>Value",manager="ReplicaManager"} 12 gauge',
  ]);
});

test("Jolokia's error markers and arrays are skipped, not counted", () => {
  const result = read(
    {
      'kafka.server:type=KafkaServer,name=BrokerState': {
        Value: 3,
        Broken: { '.error': true, message: 'java.lang.UnsupportedOperationException: not readable' },
        Tags: [1, 2],
      },
    },
    rulesOf(''),
  );
  assert.deepEqual(series(result), ['kafka_server_KafkaServer_Value{name="BrokerState"} 3 untyped']);
  assert.equal(result.unmatched, 0);
});

test('a negative counter value is left out; a negative gauge is kept', () => {
  const result = read({
    'kafka.server:type=BrokerTopicMetrics,name=BytesOutPerSec': { Count: -1 },
    'kafka.controller:type=KafkaController,name=OfflinePartitionsCount': { Value: -1 },
  });
  assert.deepEqual(series(result), ['kafka_controller_kafkacontroller_offlinepartitionscount -1 gauge']);
});

test("the bundled JVM rules give the JMX exporter's own JVM metrics from the platform MBeans", () => {
  const jvm = parseJmxRules(readFileSync(new URL('../../../jmx/jvm-rules.yaml', import.meta.url), 'utf8'), 'jvm-rules.yaml');
  const result = read(
    {
      'java.lang:type=Memory': {
        HeapMemoryUsage: { init: 268435456, committed: 259653632, max: 518979584, used: 74616360 },
        NonHeapMemoryUsage: { init: 2555904, committed: 60620800, max: -1, used: 59430480 },
        ObjectPendingFinalizationCount: 0,
      },
      'java.lang:type=MemoryPool,name=Eden Space': { Usage: { init: 1, committed: 2, max: 3, used: 4 }, CollectionUsage: null },
      'java.lang:name=Tenured Gen,type=MemoryPool': { Usage: { init: 5, committed: 6, max: 7, used: 8 } },
      'java.lang:name=Copy,type=GarbageCollector': { CollectionCount: 7, CollectionTime: 1500, Valid: true },
      'java.lang:type=Threading': { ThreadCount: 80, DaemonThreadCount: 30, PeakThreadCount: 82, TotalStartedThreadCount: 95 },
      'java.lang:type=ClassLoading': { LoadedClassCount: 8478, TotalLoadedClassCount: 8480, UnloadedClassCount: 2 },
      'java.lang:type=Compilation': { TotalCompilationTime: 1170 },
      'java.nio:type=BufferPool,name=direct': { Count: 15, MemoryUsed: 46708, TotalCapacity: 46708 },
    },
    jvm,
  );
  assert.deepEqual(series(result), [
    'jvm_buffer_pool_capacity_bytes{pool="direct"} 46708 gauge',
    'jvm_buffer_pool_used_buffers{pool="direct"} 15 gauge',
    'jvm_buffer_pool_used_bytes{pool="direct"} 46708 gauge',
    'jvm_classes_currently_loaded 8478 gauge',
    'jvm_classes_loaded_total 8480 counter',
    'jvm_classes_unloaded_total 2 counter',
    'jvm_compilation_time_seconds_total 1.17 counter',
    'jvm_gc_collection_seconds_count{gc="Copy"} 7 untyped',
    'jvm_gc_collection_seconds_sum{gc="Copy"} 1.5 untyped',
    'jvm_memory_committed_bytes{area="heap"} 259653632 gauge',
    'jvm_memory_committed_bytes{area="nonheap"} 60620800 gauge',
    'jvm_memory_init_bytes{area="heap"} 268435456 gauge',
    'jvm_memory_init_bytes{area="nonheap"} 2555904 gauge',
    'jvm_memory_max_bytes{area="heap"} 518979584 gauge',
    'jvm_memory_max_bytes{area="nonheap"} -1 gauge',
    'jvm_memory_objects_pending_finalization 0 gauge',
    'jvm_memory_pool_committed_bytes{pool="Eden Space"} 2 gauge',
    'jvm_memory_pool_committed_bytes{pool="Tenured Gen"} 6 gauge',
    'jvm_memory_pool_init_bytes{pool="Eden Space"} 1 gauge',
    'jvm_memory_pool_init_bytes{pool="Tenured Gen"} 5 gauge',
    'jvm_memory_pool_max_bytes{pool="Eden Space"} 3 gauge',
    'jvm_memory_pool_max_bytes{pool="Tenured Gen"} 7 gauge',
    'jvm_memory_pool_used_bytes{pool="Eden Space"} 4 gauge',
    'jvm_memory_pool_used_bytes{pool="Tenured Gen"} 8 gauge',
    'jvm_memory_used_bytes{area="heap"} 74616360 gauge',
    'jvm_memory_used_bytes{area="nonheap"} 59430480 gauge',
    'jvm_threads_current 80 gauge',
    'jvm_threads_daemon 30 gauge',
    'jvm_threads_peak 82 gauge',
    'jvm_threads_started_total 95 counter',
  ]);
});
