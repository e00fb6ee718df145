/**
 * The cluster collector against a real cluster: topics, offsets, classic and KIP-848 groups, lag,
 * lag seconds, status transitions, broker loss and recovery, deletions. Run for each test bed mode.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startBroker, stopBroker, testbedUp, uniqueName, type KafkaMode, type Testbed } from '../../testbed/index.ts';
import { startExporterProcess, type ExporterProcess } from '../../support/exporter-process.ts';
import {
  adminClient,
  createTopic,
  commitGroupOffsets,
  kafkaInSyncCounts,
  produceMessages,
  produceWithTimestamps,
  startClassicConsumer,
  startKip848Consumer,
} from '../../support/kafka-clients.ts';
import { valueOf, waitForScrape, type Series } from '../../support/scrape.ts';
import { delay } from '../../support/wait.ts';

const STATUS_WINDOW_SECONDS = 6;

function sumOf(series: readonly Series[], name: string, labels: Record<string, string>): number {
  return series
    .filter((entry) => entry.name === name && Object.entries(labels).every(([key, value]) => entry.labels[key] === value))
    .reduce((total, entry) => total + entry.value, 0);
}

function statusOf(series: readonly Series[], group: string): string | undefined {
  return series.find((entry) => entry.name === 'kafka_consumergroup_status' && entry.labels.consumergroup === group && entry.value === 1)
    ?.labels.status;
}

export function clusterCollectorScenario(mode: KafkaMode): void {
  let bed: Testbed;
  let exporter: ExporterProcess;
  const topic = uniqueName('orders');
  const group = uniqueName('billing');

  before(async () => {
    bed = await testbedUp({ mode, brokers: 3 });
    exporter = await startExporterProcess([
      `--kafka.server=${bed.bootstrapServers}`,
      '--collector.cluster.interval=1s',
      '--collector.cluster.stage-timeout=10s',
      `--collector.cluster.status-window=${STATUS_WINDOW_SECONDS}s`,
      '--log.level=debug',
    ]);
  });

  after(async () => {
    await exporter?.stop();
  });

  test(`${mode}: cluster facts: brokers, controller, metadata mode`, async () => {
    const series = await waitForScrape(
      exporter.url,
      'the cluster',
      (s) => valueOf(s, 'kafka_brokers') === 3 && valueOf(s, 'kafka_cluster_active_controller_id') !== undefined,
    );
    const expectedMode = mode === 'kraft' ? 'kraft' : 'zookeeper';
    assert.equal(valueOf(series, 'kafka_cluster_info', { metadata_mode: expectedMode }), 1);
    const controller = valueOf(series, 'kafka_cluster_active_controller_id')!;
    assert.ok(
      bed.brokers.some((broker) => broker.id === controller),
      `controller ${controller} is one of the nodes`,
    );
    for (const broker of bed.brokers) {
      assert.equal(valueOf(series, 'kafka_log_dir_online', { broker: String(broker.id) }), 1);
      assert.ok(valueOf(series, 'kafka_log_dir_usable_bytes', { broker: String(broker.id) })! > 0);
    }
  });

  test(`${mode}: produced messages show as offsets, message counts and log sizes`, async () => {
    await createTopic(bed.bootstrapServers, topic, 3, 3, { 'min.insync.replicas': '2', 'retention.ms': '3600000' });
    await produceMessages(bed.bootstrapServers, topic, 300);
    const series = await waitForScrape(
      exporter.url,
      `300 messages in ${topic}`,
      (s) => valueOf(s, 'kafka_topic_messages', { topic }) === 300,
      90_000,
      new RegExp(topic),
    );
    assert.equal(sumOf(series, 'kafka_topic_partition_current_offset', { topic }), 300);
    assert.equal(sumOf(series, 'kafka_topic_partition_oldest_offset', { topic }), 0);
    assert.equal(valueOf(series, 'kafka_topic_partitions', { topic }), 3);
    assert.equal(valueOf(series, 'kafka_topic_replication_factor', { topic }), 3);
    assert.equal(
      valueOf(series, 'kafka_topic_info', { topic, min_insync_replicas: '2', retention_ms: '3600000', cleanup_policy: 'delete' }),
      1,
    );
    assert.equal(sumOf(series, 'kafka_topic_partition_in_sync_replica', { topic }), 9);
    assert.equal(valueOf(series, 'kafka_topic_under_replicated_partitions', { topic }), 0);
    await waitForScrape(exporter.url, `log size of ${topic}`, (s) => (valueOf(s, 'kafka_topic_log_size_bytes', { topic }) ?? 0) > 0);
  });

  test(`${mode}: a classic group that read everything has lag 0, 0 seconds, OK`, async () => {
    const consumer = await startClassicConsumer(bed.bootstrapServers, topic, group);
    try {
      await consumer.waitFor(300);
      const series = await waitForScrape(
        exporter.url,
        `group ${group} caught up`,
        (s) =>
          valueOf(s, 'kafka_consumergroup_current_offset_sum', { consumergroup: group, topic }) === 300 &&
          valueOf(s, 'kafka_consumergroup_members', { consumergroup: group }) === 1,
        90_000,
        new RegExp(group),
      );
      assert.equal(valueOf(series, 'kafka_consumergroup_lag_sum', { consumergroup: group, topic }), 0);
      assert.equal(valueOf(series, 'kafka_consumergroup_info', { consumergroup: group, group_type: 'classic', state: 'Stable' }), 1);
      assert.equal(valueOf(series, 'kafka_consumergroup_topic_assigned_partitions', { consumergroup: group, topic }), 3);
      assert.equal(valueOf(series, 'kafka_consumergroup_group_max_lag_seconds', { group }), 0);
      assert.equal(statusOf(series, group), 'OK');
    } finally {
      await consumer.stop();
    }
    const stopped = await waitForScrape(
      exporter.url,
      `group ${group} empty`,
      (s) => valueOf(s, 'kafka_consumergroup_members', { consumergroup: group }) === 0,
    );
    assert.equal(
      valueOf(stopped, 'kafka_consumergroup_info', { consumergroup: group, state: 'Empty' }),
      1,
      'a group with committed offsets and no members is still shown',
    );
  });

  test(`${mode}: a stopped group falls behind: lag, lag seconds, then STOP`, async () => {
    await delay(2500);
    await produceMessages(bed.bootstrapServers, topic, 120);
    const behind = await waitForScrape(
      exporter.url,
      `lag 120 for ${group}`,
      (s) => valueOf(s, 'kafka_consumergroup_lag_sum', { consumergroup: group, topic }) === 120,
    );
    assert.equal(sumOf(behind, 'kafka_consumergroup_lag', { consumergroup: group, topic }), 120);
    const lagSeconds = behind.filter(
      (entry) => entry.name === 'kafka_consumergroup_group_lag_seconds' && entry.labels.group === group && entry.labels.topic === topic,
    );
    assert.equal(lagSeconds.length, 3);
    assert.ok(
      lagSeconds.some((entry) => entry.labels.estimate === 'interpolated' && entry.value > 0),
      'partitions that received data are behind by a positive, interpolated time',
    );
    const firstMax = valueOf(behind, 'kafka_consumergroup_group_max_lag_seconds', { group })!;
    const stopped = await waitForScrape(exporter.url, `STOP for ${group}`, (s) => statusOf(s, group) === 'STOP', 30_000);
    assert.ok(
      valueOf(stopped, 'kafka_consumergroup_group_max_lag_seconds', { group })! > firstMax,
      'lag in seconds grows while nothing is read',
    );
  });

  test(`${mode}: right after a start, lag in seconds is the age of the next record to read, by CreateTime or LogAppendTime as the topic says, read once`, async () => {
    const created = uniqueName('created');
    const appended = uniqueName('appended');
    const timed = uniqueName('timed');
    await createTopic(bed.bootstrapServers, created, 1, 3);
    await createTopic(bed.bootstrapServers, appended, 1, 3, { 'message.timestamp.type': 'LogAppendTime' });
    const hourAgo = Date.now() - 3_600_000;
    const stamps = Array.from({ length: 20 }, (_, index) => hourAgo + index * 60_000);
    const producing = Date.now();
    await produceWithTimestamps(bed.bootstrapServers, created, stamps);
    await produceWithTimestamps(bed.bootstrapServers, appended, stamps);
    await commitGroupOffsets(bed.bootstrapServers, timed, created, [{ partition: 0, offset: 5 }]);
    await commitGroupOffsets(bed.bootstrapServers, timed, appended, [{ partition: 0, offset: 3 }]);
    const fresh = await startExporterProcess([
      `--kafka.server=${bed.bootstrapServers}`,
      '--collector.cluster.interval=1s',
      `--group.filter=${timed}`,
      `--topic.filter=${created}|${appended}`,
    ]);
    try {
      const lagSeconds = (series: readonly Series[], topic: string) =>
        valueOf(series, 'kafka_consumergroup_group_lag_seconds', { group: timed, topic, estimate: 'record_timestamp' });
      const series = await waitForScrape(
        fresh.url,
        'lag in seconds from record timestamps',
        (s) => lagSeconds(s, created) !== undefined && lagSeconds(s, appended) !== undefined,
      );
      const now = Date.now();
      assert.equal(valueOf(series, 'kafka_consumergroup_lag', { consumergroup: timed, topic: created, partition: '0' }), 15);
      const createdAge = lagSeconds(series, created)!;
      const truth = (now - stamps[5]!) / 1000;
      assert.ok(
        createdAge <= truth && createdAge > truth - 30,
        `CreateTime set by the producer 55 minutes ago: ${createdAge} s, the record is ${truth.toFixed(1)} s old`,
      );
      const appendedAge = lagSeconds(series, appended)!;
      assert.ok(
        appendedAge >= 0 && appendedAge <= (now - producing) / 1000,
        `LogAppendTime: the broker's time, not the producer's hour-old one: ${appendedAge} s`,
      );
      const reads = (s: readonly Series[]) => valueOf(s, 'kafka_sonar_lag_timestamp_reads_total', { outcome: 'read' });
      assert.equal(reads(series), 2);
      const cycles = valueOf(series, 'kafka_sonar_collector_last_success_timestamp_seconds', { collector: 'cluster' })!;
      const later = await waitForScrape(
        fresh.url,
        'three more cycles',
        (s) => valueOf(s, 'kafka_sonar_collector_last_success_timestamp_seconds', { collector: 'cluster' })! >= cycles + 3,
      );
      assert.equal(reads(later), 2, 'a group that does not move costs one read per partition in all');
      assert.ok(lagSeconds(later, created)! > createdAge, 'and its lag keeps growing with the clock');
    } finally {
      await fresh.stop();
    }
  });

  test(`${mode}: resetting the offsets backwards shows REWIND and the full lag`, async () => {
    const admin = adminClient(bed.bootstrapServers);
    try {
      await admin.alterConsumerGroupOffsets({
        groupId: group,
        topics: [{ name: topic, partitionOffsets: [0, 1, 2].map((partition) => ({ partition, offset: 0n })) }],
      });
    } finally {
      await admin.close();
    }
    const series = await waitForScrape(exporter.url, `REWIND for ${group}`, (s) => statusOf(s, group) === 'REWIND', 30_000);
    assert.equal(valueOf(series, 'kafka_consumergroup_lag_sum', { consumergroup: group, topic }), 420);
  });

  test(`${mode}: a member that stops reading but stays in the group shows STALL, then OK once it reads again`, async () => {
    const stallTopic = uniqueName('stall');
    const stallGroup = uniqueName('stalled');
    await createTopic(bed.bootstrapServers, stallTopic, 2, 3);
    await produceMessages(bed.bootstrapServers, stallTopic, 40);
    const consumer = await startClassicConsumer(bed.bootstrapServers, stallTopic, stallGroup);
    try {
      await consumer.waitFor(40);
      // The log's end offsets are the truth: a producer retry on a busy machine can write a batch twice.
      const endOffsets = (series: readonly Series[]) => sumOf(series, 'kafka_topic_partition_current_offset', { topic: stallTopic });
      const caughtUp = await waitForScrape(
        exporter.url,
        `${stallGroup} committed everything`,
        (s) =>
          endOffsets(s) >= 40 &&
          valueOf(s, 'kafka_consumergroup_current_offset_sum', { consumergroup: stallGroup, topic: stallTopic }) === endOffsets(s),
        90_000,
        new RegExp(stallGroup),
      );
      consumer.pause();
      await produceMessages(bed.bootstrapServers, stallTopic, 25);
      const stalled = await waitForScrape(
        exporter.url,
        `STALL for ${stallGroup}`,
        (s) => statusOf(s, stallGroup) === 'STALL' && endOffsets(s) >= endOffsets(caughtUp) + 25,
        30_000,
        new RegExp(stallGroup),
      );
      assert.equal(valueOf(stalled, 'kafka_consumergroup_members', { consumergroup: stallGroup }), 1, 'the member is still there');
      assert.equal(
        valueOf(stalled, 'kafka_consumergroup_lag_sum', { consumergroup: stallGroup, topic: stallTopic }),
        endOffsets(stalled) - endOffsets(caughtUp),
        'the lag is what was written since the member stopped reading',
      );
      consumer.resume();
      await waitForScrape(
        exporter.url,
        `OK again for ${stallGroup}`,
        (s) =>
          statusOf(s, stallGroup) === 'OK' &&
          valueOf(s, 'kafka_consumergroup_lag_sum', { consumergroup: stallGroup, topic: stallTopic }) === 0,
        30_000,
      );
    } finally {
      await consumer.stop();
    }
  });

  if (mode === 'kraft') {
    test('kraft: a KIP-848 consumer group is collected with its type, assignment and lag', async () => {
      const kip848Group = uniqueName('kip848');
      const consumer = await startKip848Consumer(bed.bootstrapServers, topic, kip848Group);
      try {
        await consumer.waitFor(420);
        const series = await waitForScrape(
          exporter.url,
          `KIP-848 group ${kip848Group} caught up`,
          (s) =>
            valueOf(s, 'kafka_consumergroup_lag_sum', { consumergroup: kip848Group, topic }) === 0 &&
            valueOf(s, 'kafka_consumergroup_members', { consumergroup: kip848Group }) === 1,
        );
        assert.equal(valueOf(series, 'kafka_consumergroup_info', { consumergroup: kip848Group, group_type: 'consumer' }), 1);
        assert.equal(valueOf(series, 'kafka_consumergroup_topic_assigned_partitions', { consumergroup: kip848Group, topic }), 3);
        assert.equal(valueOf(series, 'kafka_consumergroup_current_offset_sum', { consumergroup: kip848Group, topic }), 420);
      } finally {
        await consumer.stop();
      }
    });
  }

  test(`${mode}: a stopped broker shows as under-replicated and offline partitions, then recovers`, async () => {
    const single = uniqueName('single');
    const guarded = uniqueName('guarded');
    await createTopic(bed.bootstrapServers, single, 3, 1);
    await createTopic(bed.bootstrapServers, guarded, 3, 3, { 'min.insync.replicas': '2' });
    await waitForScrape(
      exporter.url,
      `topics ${single} and ${guarded}`,
      (s) =>
        valueOf(s, 'kafka_topic_partitions', { topic: single }) === 3 &&
        valueOf(s, 'kafka_topic_at_min_isr_partitions', { topic: guarded }) === 0,
    );
    const stopped = bed.brokers.at(-1)!;
    await stopBroker(bed, stopped.id);
    try {
      const series = await waitForScrape(
        exporter.url,
        'under-replicated and offline partitions',
        (s) =>
          valueOf(s, 'kafka_topic_under_replicated_partitions', { topic }) === 3 &&
          (valueOf(s, 'kafka_topic_offline_partitions', { topic: single }) ?? 0) >= 1,
        90_000,
      );
      assert.equal(sumOf(series, 'kafka_topic_partition_in_sync_replica', { topic }), 6);
      const atMin = await waitForScrape(
        exporter.url,
        `${guarded} at min ISR as Kafka's metadata shows it`,
        (s) => valueOf(s, 'kafka_topic_at_min_isr_partitions', { topic: guarded }) === 3,
        90_000,
      );
      const inSync = await kafkaInSyncCounts(bed.bootstrapServers, guarded);
      assert.deepEqual(inSync, [2, 2, 2], 'Kafka itself: two of three replicas in sync on every partition, min.insync.replicas 2');
      for (const partition of ['0', '1', '2']) {
        assert.equal(valueOf(atMin, 'kafka_topic_partition_at_min_isr', { topic: guarded, partition }), 1, `partition ${partition}`);
      }
      assert.ok(valueOf(atMin, 'kafka_cluster_at_min_isr_partitions')! >= 3);
      assert.ok(valueOf(series, 'kafka_cluster_offline_partitions')! >= 1);
      assert.ok(valueOf(series, 'kafka_cluster_under_replicated_partitions')! >= 3);
      assert.equal(valueOf(series, 'kafka_up'), 1);
    } finally {
      await startBroker(bed, stopped.id);
    }
    await waitForScrape(
      exporter.url,
      'recovery',
      (s) => valueOf(s, 'kafka_cluster_offline_partitions') === 0 && valueOf(s, 'kafka_topic_under_replicated_partitions', { topic }) === 0,
      120_000,
    );
  });

  test(`${mode}: deleted topics and groups lose their series`, async () => {
    const doomedTopic = uniqueName('doomed');
    const doomedGroup = uniqueName('doomed-group');
    await createTopic(bed.bootstrapServers, doomedTopic, 1, 1);
    await produceMessages(bed.bootstrapServers, doomedTopic, 10);
    const consumer = await startClassicConsumer(bed.bootstrapServers, doomedTopic, doomedGroup);
    try {
      await consumer.waitFor(10);
      await waitForScrape(
        exporter.url,
        'the doomed topic and group',
        (s) => valueOf(s, 'kafka_consumergroup_current_offset_sum', { consumergroup: doomedGroup, topic: doomedTopic }) === 10,
      );
    } finally {
      await consumer.stop();
    }
    const admin = adminClient(bed.bootstrapServers);
    try {
      await admin.deleteGroups({ groups: [doomedGroup] });
      await admin.deleteTopics({ topics: [doomedTopic] });
    } finally {
      await admin.close();
    }
    const series = await waitForScrape(
      exporter.url,
      'the deleted topic and group gone',
      (s) => !s.some((entry) => entry.labels.topic === doomedTopic || entry.labels.consumergroup === doomedGroup),
      60_000,
    );
    assert.equal(valueOf(series, 'kafka_topic_partitions', { topic }), 3, 'other topics stay');
  });
}
