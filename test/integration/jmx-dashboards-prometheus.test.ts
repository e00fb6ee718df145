/**
 * The dashboards people already run against the JMX exporter's names (Strimzi's Kafka and KRaft dashboards,
 * grafana's kafka-observ-lib) with kafka-sonar in its place: a real Prometheus scrapes kafka-sonar reading the
 * KRaft test bed's brokers through Jolokia, and a query of ours for each of their broker panels (the same metric,
 * the same labels, aggregated the same way) returns data; the JVM panels from the bundled JVM rules. Their
 * container and file descriptor panels come from elsewhere (cAdvisor, the process) and are not checked.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { jolokiaUrlFor, reloadPrometheus, testbedUp, uniqueName, type Testbed } from '../testbed/index.ts';
import { startExporterProcess, type ExporterProcess } from '../support/exporter-process.ts';
import { commitGroupOffsets, createTopic, produceMessages } from '../support/kafka-clients.ts';
import { waitUntil } from '../support/wait.ts';

let bed: Testbed;
let exporter: ExporterProcess;
let targetFile: string;
const topic = uniqueName('dashboards-jmx');
const group = uniqueName('dashboards-jmx-group');

interface Vector {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(expr: string): Promise<Vector[]> {
  const response = await fetch(`${bed.prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as { status: string; error?: string; data?: { result: Vector[] } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? body.status}`);
  return body.data?.result ?? [];
}

/** Each panel of theirs, as a query of ours over the same series: [dashboard, panel, query]. */
const PANELS: readonly (readonly [string, string, string])[] = [
  ['strimzi-kafka', 'Brokers Online', 'count(kafka_server_replicamanager_leadercount) == 3'],
  ['strimzi-kafka', 'Active Controllers', 'sum(kafka_controller_kafkacontroller_activecontrollercount) == 1'],
  ['strimzi-kafka', 'Online Replicas', 'sum(kafka_server_replicamanager_partitioncount) > 0'],
  ['strimzi-kafka', 'Under Replicated Partitions', 'sum(kafka_server_replicamanager_underreplicatedpartitions)'],
  ['strimzi-kafka', 'Partitions at minimum ISR', 'sum(kafka_cluster_partition_atminisr)'],
  ['strimzi-kafka', 'Partitions under minimum ISR', 'sum(kafka_cluster_partition_underminisr)'],
  ['strimzi-kafka', 'Offline Partitions Count', 'sum(kafka_controller_kafkacontroller_offlinepartitionscount)'],
  ['strimzi-kafka', 'Total Incoming Byte Rate', `sum(rate(kafka_server_brokertopicmetrics_bytesin_total{topic="${topic}"}[5m])) > 0`],
  // A topic's bytes-out meter appears with its first consumer: the all-topics one is there from the start.
  ['strimzi-kafka', 'Total Outgoing Byte Rate', 'sum(rate(kafka_server_brokertopicmetrics_bytesout_total[5m]))'],
  ['strimzi-kafka', 'Incoming Messages Rate', `sum(rate(kafka_server_brokertopicmetrics_messagesin_total{topic="${topic}"}[5m])) > 0`],
  [
    'strimzi-kafka',
    'Produce Request Rate',
    `sum(rate(kafka_server_brokertopicmetrics_totalproducerequests_total{topic="${topic}"}[5m])) > 0`,
  ],
  // A broker makes a topic's failure meters at its first failure: before one, only the all-topics meter exists.
  ['strimzi-kafka', 'Produce Request Rate (failed)', 'sum(rate(kafka_server_brokertopicmetrics_failedproducerequests_total[5m]))'],
  ['strimzi-kafka', 'Fetch Request Rate', 'sum(rate(kafka_server_brokertopicmetrics_totalfetchrequests_total{topic!=""}[5m]))'],
  ['strimzi-kafka', 'Fetch Request Rate (failed)', 'sum(rate(kafka_server_brokertopicmetrics_failedfetchrequests_total[5m]))'],
  [
    'strimzi-kafka',
    'Network Processor Avg Idle Percent',
    'sum by (broker) (kafka_network_socketserver_networkprocessoravgidle_percent * 100)',
  ],
  [
    'strimzi-kafka',
    'Request Handler Avg Idle Percent',
    'sum by (broker) (kafka_server_kafkarequesthandlerpool_requesthandleravgidle_percent * 100)',
  ],
  ['strimzi-kafka', 'Disk Writes', 'sum by (broker) (rate(kafka_server_kafkaserver_linux_disk_write_bytes[5m]))'],
  ['strimzi-kafka', 'Disk Reads', 'sum by (broker) (rate(kafka_server_kafkaserver_linux_disk_read_bytes[5m]))'],
  ['strimzi-kafka', 'Connection Count per Listener', 'sum by (broker, listener) (kafka_server_socket_server_metrics_connection_count)'],
  ['strimzi-kafka', 'Log Size', `sum by (topic, partition) (kafka_log_log_size{topic="${topic}"})`],
  ['strimzi-kafka', 'JVM Memory Used', 'sum by (broker) (jvm_memory_used_bytes) > 0'],
  ['strimzi-kafka', 'JVM GC Time', 'sum by (broker) (rate(jvm_gc_collection_seconds_sum[5m]))'],
  ['strimzi-kafka', 'JVM GC Count', 'sum by (broker) (rate(jvm_gc_collection_seconds_count[5m]))'],
  ['strimzi-kafka', 'JVM Thread Count', 'sum by (broker) (jvm_threads_current) > 0'],
  ['strimzi-kraft', 'Append Metadata Records Rate', 'sum by (broker) (kafka_server_raftmetrics_append_records_rate)'],
  ['strimzi-kraft', 'Fetch Metadata Records Rate', 'sum by (broker) (kafka_server_raftmetrics_fetch_records_rate)'],
  ['strimzi-kraft', 'Metadata Records Commit Latency', 'sum by (broker) (kafka_server_raftmetrics_commit_latency_avg)'],
  ['strimzi-kraft', 'Current Raft State', 'max by (broker, current_state) (kafka_server_raftmetrics_current_state)'],
  ['strimzi-kraft', 'Current Quorum Leader', 'sum by (broker) (kafka_server_raftmetrics_current_leader)'],
  ['strimzi-kraft', 'Current Voted Leader', 'sum by (broker) (kafka_server_raftmetrics_current_vote)'],
  ['strimzi-kraft', 'Current Quorum Epoch', 'sum by (broker) (kafka_server_raftmetrics_current_epoch)'],
  [
    'strimzi-kraft',
    'Metadata Topic Incoming Bytes Rate',
    'sum by (broker) (rate(kafka_server_raftchannelmetrics_incoming_byte_total[5m]))',
  ],
  [
    'strimzi-kraft',
    'Metadata Topic Outgoing Bytes Rate',
    'sum by (broker) (rate(kafka_server_raftchannelmetrics_outgoing_byte_total[5m]))',
  ],
  ['strimzi-kraft', 'Metadata Topic Requests Rate', 'sum by (broker) (rate(kafka_server_raftchannelmetrics_request_total[5m]))'],
  ['strimzi-kraft', 'Metadata Topic Responses Rate', 'sum by (broker) (rate(kafka_server_raftchannelmetrics_response_total[5m]))'],
  ['strimzi-kraft', 'High Watermark', 'sum by (broker) (kafka_server_raftmetrics_high_watermark)'],
  ['strimzi-kraft', 'Log End Offset', 'sum by (broker) (kafka_server_raftmetrics_log_end_offset)'],
  ['kafka-observ-lib', 'Active kafka controllers', 'sum by (kafka_cluster) (kafka_controller_kafkacontroller_activecontrollercount) == 1'],
  ['kafka-observ-lib', 'Brokers count', 'count by (kafka_cluster) (kafka_server_kafkaserver_brokerstate) == 3'],
  ['kafka-observ-lib', 'Cluster messages in', `sum by (kafka_cluster) (rate(kafka_server_brokertopicmetrics_messagesin_total[5m])) > 0`],
  ['kafka-observ-lib', 'Cluster network throughput', 'sum by (kafka_cluster) (rate(kafka_server_brokertopicmetrics_bytesout_total[5m]))'],
  [
    'kafka-observ-lib',
    'Preferred replica imbalance',
    'sum by (kafka_cluster) (kafka_controller_kafkacontroller_preferredreplicaimbalancecount)',
  ],
  ['kafka-observ-lib', 'ISR shrinks', 'sum by (kafka_cluster) (rate(kafka_server_replicamanager_isrshrinks_total[5m]))'],
  ['kafka-observ-lib', 'ISR expands', 'sum by (kafka_cluster) (rate(kafka_server_replicamanager_isrexpands_total[5m]))'],
  ['kafka-observ-lib', 'Under-replicated partitions', 'sum by (kafka_cluster) (kafka_cluster_partition_underreplicated)'],
  [
    'kafka-observ-lib',
    'Produce request time',
    'avg by (kafka_cluster, broker) (kafka_network_requestmetrics_totaltimems{request="Produce",quantile="0.95"})',
  ],
  [
    'kafka-observ-lib',
    'Fetch queue time',
    'avg by (kafka_cluster) (kafka_network_requestmetrics_requestqueuetimems{request="Fetch",quantile="0.95"})',
  ],
  [
    'kafka-observ-lib',
    'Fetch follower local time',
    'avg by (kafka_cluster) (kafka_network_requestmetrics_localtimems{request="FetchFollower",quantile="0.95"})',
  ],
  [
    'kafka-observ-lib',
    'Produce remote time',
    'avg by (kafka_cluster) (kafka_network_requestmetrics_remotetimems{request="Produce",quantile="0.95"})',
  ],
  [
    'kafka-observ-lib',
    'Produce response queue',
    'avg by (kafka_cluster) (kafka_network_requestmetrics_responsequeuetimems{request="Produce",quantile="0.95"})',
  ],
  [
    'kafka-observ-lib',
    'Produce response send',
    'avg by (kafka_cluster) (kafka_network_requestmetrics_responsesendtimems{request="Produce",quantile="0.95"})',
  ],
  [
    'kafka-observ-lib',
    'Producer conversions',
    'sum by (kafka_cluster) (rate(kafka_server_brokertopicmetrics_producemessageconversions_total[5m]))',
  ],
  [
    'kafka-observ-lib',
    'Consumer conversions',
    'sum by (kafka_cluster) (rate(kafka_server_brokertopicmetrics_fetchmessageconversions_total[5m]))',
  ],
  ['kafka-observ-lib', 'Topic log start offset', `max by (topic, partition) (kafka_log_log_logstartoffset{topic="${topic}"})`],
  ['kafka-observ-lib', 'Topic log end offset', `max by (topic, partition) (kafka_log_log_logendoffset{topic="${topic}"}) > 0`],
  ['kafka-observ-lib', 'Topic messages/s (kafka_exporter)', `sum by (topic) (kafka_topic_partition_current_offset{topic="${topic}"}) > 0`],
  [
    'kafka-observ-lib',
    'Consumer group lag (kafka_exporter)',
    `sum by (consumergroup, topic) (kafka_consumergroup_lag{consumergroup="${group}"})`,
  ],
];

before(async () => {
  bed = await testbedUp({ mode: 'kraft', brokers: 3, prometheus: true, jolokia: true });
  exporter = await startExporterProcess([
    `--kafka.server=${bed.bootstrapServers}`,
    `--jmx.jolokia-url=${bed.brokers.map((broker) => jolokiaUrlFor(broker.jolokiaPort!)).join(',')}`,
    '--kafka.labels=kafka_cluster=testbed',
    '--collector.cluster.interval=2s',
    '--collector.jmx.interval=2s',
  ]);
  await createTopic(bed.bootstrapServers, topic, 3, 3);
  targetFile = join(bed.prometheus!.targetsDir, `${uniqueName('sonar-jmx')}.json`);
  writeFileSync(targetFile, JSON.stringify([{ targets: [new URL(exporter.url).host] }]));
  await reloadPrometheus(bed);
  // rate() needs two scrapes of a series with records between them; a topic's series appear with its first records.
  await produceMessages(bed.bootstrapServers, topic, 100);
  await waitUntil(
    'Prometheus scraping the topic on the three agents',
    async () => (await query(`kafka_server_brokertopicmetrics_messagesin_total{topic="${topic}"}`)).length > 0,
    { timeoutMs: 90_000, intervalMs: 1000 },
  );
  await produceMessages(bed.bootstrapServers, topic, 200);
  await commitGroupOffsets(bed.bootstrapServers, group, topic, [{ partition: 0, offset: 1 }]);
  await waitUntil(
    'a scrape after the records',
    async () => (await query(`rate(kafka_server_brokertopicmetrics_messagesin_total{topic="${topic}"}[5m]) > 0`)).length > 0,
    { timeoutMs: 90_000, intervalMs: 1000 },
  );
});

after(async () => {
  if (targetFile) rmSync(targetFile, { force: true });
  await exporter?.stop();
});

test("every broker and JVM panel of Strimzi's Kafka and KRaft dashboards and of kafka-observ-lib shows data from kafka-sonar", async () => {
  const empty: string[] = [];
  for (const [dashboard, panel, expr] of PANELS) {
    if ((await query(expr)).length === 0) empty.push(`${dashboard} "${panel}": ${expr}`);
  }
  assert.deepEqual(empty, [], 'panels without data');
});

test('the per-topic and per-group panels name the topic and group they show, the cluster panels the cluster', async () => {
  const [log] = await query(`sum by (topic, partition) (kafka_log_log_size{topic="${topic}"})`);
  assert.equal(log?.metric.topic, topic);
  const [lag] = await query(`sum by (consumergroup, topic) (kafka_consumergroup_lag{consumergroup="${group}"})`);
  assert.deepEqual(lag?.metric, { consumergroup: group, topic });
  const clusters = await query('count by (kafka_cluster) (kafka_server_brokertopicmetrics_messagesin_total)');
  assert.deepEqual(
    clusters.map((vector) => vector.metric.kafka_cluster),
    ['testbed'],
  );
});
