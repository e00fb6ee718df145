import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterHistory } from '../../../../src/collectors/cluster/cluster-history.ts';
import type { ClusterState, GroupState } from '../../../../src/collectors/cluster/cluster-model.ts';
import { buildClusterSnapshot, type SnapshotSettings } from '../../../../src/collectors/cluster/cluster-snapshot.ts';
import type { Snapshot } from '../../../../src/metrics/series-store.ts';

const settings: SnapshotSettings = {
  collector: 'cluster',
  granularity: 'partition',
  maxSeries: 100_000,
  topicInfoConfigs: ['cleanup.policy', 'min.insync.replicas'],
};

function group(overrides: Partial<GroupState>): GroupState {
  return {
    id: 'billing',
    type: 'classic',
    state: 'Stable',
    protocolType: 'consumer',
    protocol: 'range',
    coordinator: 1,
    members: [],
    offsets: new Map(),
    error: undefined,
    ...overrides,
  };
}

function state(overrides: Partial<ClusterState> = {}): ClusterState {
  return {
    timeSeconds: 1000,
    clusterId: 'c1',
    controllerId: 2,
    brokers: [
      { id: 1, host: 'b1', port: 9092, rack: 'r1' },
      { id: 2, host: 'b2', port: 9092, rack: null },
    ],
    topics: [
      {
        name: 'orders',
        id: 'id-orders',
        internal: false,
        partitions: [
          { partition: 0, leader: 1, replicas: [1, 2], isr: [1, 2], offlineReplicas: [] },
          { partition: 1, leader: 1, replicas: [2, 1], isr: [1], offlineReplicas: [2] },
          { partition: 2, leader: -1, replicas: [2], isr: [], offlineReplicas: [2] },
        ],
      },
    ],
    topicConfigs: new Map([
      [
        'orders',
        new Map([
          ['cleanup.policy', 'delete'],
          ['min.insync.replicas', '2'],
        ]),
      ],
    ]),
    offsets: new Map([
      [
        'orders',
        new Map([
          [0, { earliest: 0, latest: 100 }],
          [1, { earliest: 50, latest: 80 }],
        ]),
      ],
    ]),
    logDirs: [
      {
        broker: 1,
        path: '/data',
        error: 'NONE',
        totalBytes: 1000,
        usableBytes: 400,
        partitions: [{ topic: 'orders', partition: 0, sizeBytes: 300, future: false }],
      },
      { broker: 2, path: '/data', error: 'KAFKA_STORAGE_ERROR', totalBytes: -1, usableBytes: -1, partitions: [] },
    ],
    groups: [
      group({
        offsets: new Map([
          [
            'orders',
            new Map([
              [0, 100],
              [1, 20],
            ]),
          ],
        ]),
        members: [{ memberId: 'm1', clientId: 'c', clientHost: 'h', assignment: new Map([['orders', [0, 1]]]) }],
      }),
    ],
    quorum: undefined,
    stages: {
      errors: new Map([['log_dirs', 'broker 3: timeout']]),
      durations: new Map([
        ['metadata', 0.1],
        ['log_dirs', 2],
      ]),
    },
    ...overrides,
  };
}

function value(snapshot: Snapshot, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const sample of snapshot.series(name) ?? []) {
    if (Object.entries(labels).every(([key, expected]) => sample.labels[key] === expected)) return sample.value;
  }
  return undefined;
}

function count(snapshot: Snapshot, name: string): number {
  return [...(snapshot.series(name) ?? [])].length;
}

test('cluster, broker and partition health', async () => {
  const snapshot = await buildClusterSnapshot(state(), new ClusterHistory({ offsetHistory: 10, statusWindowSeconds: 60 }), settings);
  assert.equal(value(snapshot, 'kafka_brokers'), 2);
  assert.equal(value(snapshot, 'kafka_broker_info', { id: '1', address: 'b1:9092', rack: 'r1' }), 1);
  assert.equal(value(snapshot, 'kafka_cluster_active_controller_id'), 2);
  assert.equal(value(snapshot, 'kafka_cluster_info', { cluster_id: 'c1', metadata_mode: 'zookeeper' }), 1);
  assert.equal(
    value(snapshot, 'kafka_cluster_under_replicated_partitions'),
    2,
    'isr smaller than replicas, as kafka_exporter counts it (the offline partition included)',
  );
  assert.equal(value(snapshot, 'kafka_cluster_under_min_isr_partitions'), 2, 'partition 1 has 1 of min 2 in sync; partition 2 has none');
  assert.equal(value(snapshot, 'kafka_cluster_offline_partitions'), 1);
  assert.equal(value(snapshot, 'kafka_cluster_at_min_isr_partitions'), 1, 'partition 0 has exactly min 2 in sync');
  assert.equal(value(snapshot, 'kafka_topic_at_min_isr_partitions', { topic: 'orders' }), 1);
  assert.deepEqual(
    ['0', '1', '2'].map((partition) => value(snapshot, 'kafka_topic_partition_at_min_isr', { partition })),
    [1, 0, 0],
    'at min, under min, offline',
  );
  assert.equal(value(snapshot, 'kafka_topic_partition_leader_is_preferred', { partition: '0' }), 1);
  assert.equal(value(snapshot, 'kafka_topic_partition_leader_is_preferred', { partition: '1' }), 0);
  assert.equal(value(snapshot, 'kafka_topic_partition_in_sync_replica', { partition: '1' }), 1);
  assert.equal(value(snapshot, 'kafka_topic_partition_offline', { partition: '2' }), 1);
  assert.equal(value(snapshot, 'kafka_topic_partition_messages', { partition: '1' }), 30);
  assert.equal(value(snapshot, 'kafka_topic_messages', { topic: 'orders' }), 130);
  assert.equal(value(snapshot, 'kafka_topic_info', { topic: 'orders', cleanup_policy: 'delete', min_insync_replicas: '2' }), 1);
  assert.equal(value(snapshot, 'kafka_topic_replication_factor', { topic: 'orders' }), 2);
  assert.equal(value(snapshot, 'kafka_sonar_collector_stage_up', { stage: 'log_dirs' }), 0);
  assert.equal(value(snapshot, 'kafka_sonar_collector_stage_up', { stage: 'metadata' }), 1);
});

test('log directories: offline dirs, sizes per broker, topic and replica', async () => {
  const snapshot = await buildClusterSnapshot(state(), new ClusterHistory({ offsetHistory: 10, statusWindowSeconds: 60 }), settings);
  assert.equal(value(snapshot, 'kafka_log_dir_online', { broker: '2' }), 0);
  assert.equal(value(snapshot, 'kafka_cluster_offline_log_dirs'), 1);
  assert.equal(value(snapshot, 'kafka_log_dir_usable_bytes', { broker: '1' }), 400);
  assert.equal(value(snapshot, 'kafka_log_dir_usable_bytes', { broker: '2' }), undefined, 'not reported: absent, not -1');
  assert.equal(value(snapshot, 'kafka_topic_log_size_bytes', { topic: 'orders' }), 300);
  assert.equal(value(snapshot, 'kafka_topic_partition_log_size_bytes', { topic: 'orders', partition: '0', broker: '1' }), 300);
});

test('consumer groups: lag clamped at 0, sums, assignment, offsets below the log start, status', async () => {
  const snapshot = await buildClusterSnapshot(state(), new ClusterHistory({ offsetHistory: 10, statusWindowSeconds: 60 }), settings);
  assert.equal(value(snapshot, 'kafka_consumergroup_lag', { consumergroup: 'billing', partition: '0' }), 0);
  assert.equal(value(snapshot, 'kafka_consumergroup_lag', { consumergroup: 'billing', partition: '1' }), 60);
  assert.equal(value(snapshot, 'kafka_consumergroup_lag_sum', { consumergroup: 'billing', topic: 'orders' }), 60);
  assert.equal(value(snapshot, 'kafka_consumergroup_current_offset_sum', { consumergroup: 'billing', topic: 'orders' }), 120);
  assert.equal(value(snapshot, 'kafka_consumergroup_offset_below_log_start', { partition: '1' }), 30);
  assert.equal(value(snapshot, 'kafka_consumergroup_offset_below_log_start', { partition: '0' }), undefined);
  assert.equal(value(snapshot, 'kafka_consumergroup_members', { consumergroup: 'billing' }), 1);
  assert.equal(value(snapshot, 'kafka_consumergroup_topic_assigned_partitions', { consumergroup: 'billing', topic: 'orders' }), 2);
  assert.equal(value(snapshot, 'kafka_consumergroup_status', { consumergroup: 'billing', status: 'OK' }), 1);
  assert.equal(count(snapshot, 'kafka_consumergroup_status'), 6);
});

test('lag seconds: caught up is 0; behind is the age of the log end at the committed offset', async () => {
  const history = new ClusterHistory({ offsetHistory: 10, statusWindowSeconds: 60 });
  const first = state({
    timeSeconds: 1000,
    offsets: new Map([
      [
        'orders',
        new Map([
          [0, { earliest: 0, latest: 100 }],
          [1, { earliest: 0, latest: 20 }],
        ]),
      ],
    ]),
  });
  await history.recordOffsets(first);
  await buildClusterSnapshot(first, history, settings);
  const second = state({
    timeSeconds: 1010,
    offsets: new Map([
      [
        'orders',
        new Map([
          [0, { earliest: 0, latest: 100 }],
          [1, { earliest: 0, latest: 40 }],
        ]),
      ],
    ]),
  });
  await history.recordOffsets(second);
  const snapshot = await buildClusterSnapshot(second, history, settings);
  assert.equal(value(snapshot, 'kafka_consumergroup_group_lag_seconds', { group: 'billing', partition: '0', estimate: 'caught_up' }), 0);
  assert.equal(
    value(snapshot, 'kafka_consumergroup_group_lag_seconds', { group: 'billing', partition: '1', estimate: 'interpolated' }),
    10,
  );
  assert.equal(value(snapshot, 'kafka_consumergroup_group_max_lag_seconds', { group: 'billing' }), 10);
});

test("kafka-lag-exporter's families with its labels replace the two lag-seconds families both name; unknown members are 'unknown'", async () => {
  const history = new ClusterHistory({ offsetHistory: 10, statusWindowSeconds: 60 });
  const compat = { ...settings, kafkaLagExporterCluster: 'prod' };
  const twoMembers = (offsets: ReadonlyMap<number, { earliest: number; latest: number }>, timeSeconds: number) =>
    state({
      timeSeconds,
      offsets: new Map([['orders', new Map(offsets)]]),
      groups: [
        group({
          offsets: new Map([
            [
              'orders',
              new Map([
                [0, 100],
                [1, 20],
              ]),
            ],
          ]),
          members: [{ memberId: 'm1', clientId: 'c1', clientHost: '/10.0.0.1', assignment: new Map([['orders', [0]]]) }],
        }),
      ],
    });
  const first = twoMembers(
    new Map([
      [0, { earliest: 0, latest: 100 }],
      [1, { earliest: 0, latest: 20 }],
    ]),
    1000,
  );
  const early = await buildClusterSnapshot(first, new ClusterHistory({ offsetHistory: 10, statusWindowSeconds: 60 }), compat);
  await history.recordOffsets(first);
  assert.ok(
    Number.isNaN(value(early, 'kafka_consumergroup_group_lag_seconds', { partition: '1' })!),
    'no offset history: NaN, as it reports',
  );
  assert.ok(Number.isNaN(value(early, 'kafka_consumergroup_group_max_lag_seconds')!));
  const second = twoMembers(
    new Map([
      [0, { earliest: 0, latest: 100 }],
      [1, { earliest: 0, latest: 40 }],
    ]),
    1010,
  );
  await history.recordOffsets(second);
  const snapshot = await buildClusterSnapshot(second, history, compat);
  const owned = {
    cluster_name: 'prod',
    group: 'billing',
    topic: 'orders',
    partition: '0',
    member_host: '/10.0.0.1',
    consumer_id: 'm1',
    client_id: 'c1',
  };
  const orphan = {
    cluster_name: 'prod',
    group: 'billing',
    topic: 'orders',
    partition: '1',
    member_host: 'unknown',
    consumer_id: 'unknown',
    client_id: 'unknown',
  };
  for (const [labels, offset, lag, seconds] of [
    [owned, 100, 0, 0],
    [orphan, 20, 20, 10],
  ] as const) {
    const series = (name: string) => [...(snapshot.series(name) ?? [])].find((sample) => sample.labels['partition'] === labels.partition);
    assert.deepEqual(series('kafka_consumergroup_group_offset')?.labels, labels);
    assert.equal(series('kafka_consumergroup_group_offset')?.value, offset);
    assert.equal(series('kafka_consumergroup_group_lag')?.value, lag);
    assert.deepEqual(series('kafka_consumergroup_group_lag_seconds')?.labels, labels, 'no estimate label in this family now');
    assert.equal(series('kafka_consumergroup_group_lag_seconds')?.value, seconds);
  }
  assert.equal(value(snapshot, 'kafka_consumergroup_group_max_lag', { cluster_name: 'prod', group: 'billing' }), 20);
  assert.equal(value(snapshot, 'kafka_consumergroup_group_max_lag_seconds', { cluster_name: 'prod', group: 'billing' }), 10);
  assert.equal(value(snapshot, 'kafka_consumergroup_group_sum_lag', { cluster_name: 'prod', group: 'billing' }), 20);
  assert.equal(value(snapshot, 'kafka_consumergroup_group_topic_sum_lag', { cluster_name: 'prod', group: 'billing', topic: 'orders' }), 20);
  assert.equal(value(snapshot, 'kafka_partition_latest_offset', { cluster_name: 'prod', topic: 'orders', partition: '1' }), 40);
  assert.equal(value(snapshot, 'kafka_partition_earliest_offset', { cluster_name: 'prod', topic: 'orders', partition: '1' }), 0);
  assert.equal(
    value(snapshot, 'kafka_consumergroup_lag', { consumergroup: 'billing', partition: '1' }),
    20,
    "kafka_exporter's families stay",
  );
  assert.equal(count(snapshot, 'kafka_consumergroup_group_lag_seconds'), 2, 'one series per partition, none with estimate');
  assert.equal(count(snapshot, 'kafka_consumergroup_group_max_lag_seconds'), 1);
  const off = await buildClusterSnapshot(second, history, settings);
  assert.equal(count(off, 'kafka_partition_latest_offset'), 0, 'off by default');
  assert.equal(count(off, 'kafka_consumergroup_group_lag'), 0);
});

test("ERR when a group's offsets could not be read", async () => {
  const snapshot = await buildClusterSnapshot(
    state({ groups: [group({ offsets: undefined, error: 'COORDINATOR_NOT_AVAILABLE' })] }),
    new ClusterHistory({ offsetHistory: 10, statusWindowSeconds: 60 }),
    settings,
  );
  assert.equal(value(snapshot, 'kafka_consumergroup_status', { consumergroup: 'billing', status: 'ERR' }), 1);
});

test('topic granularity leaves out per-partition series', async () => {
  const snapshot = await buildClusterSnapshot(state(), new ClusterHistory({ offsetHistory: 10, statusWindowSeconds: 60 }), {
    ...settings,
    granularity: 'topic',
  });
  assert.equal(count(snapshot, 'kafka_topic_partition_current_offset'), 0);
  assert.equal(count(snapshot, 'kafka_consumergroup_lag'), 0);
  assert.equal(value(snapshot, 'kafka_consumergroup_lag_sum', { consumergroup: 'billing', topic: 'orders' }), 60);
  assert.equal(value(snapshot, 'kafka_topic_partitions', { topic: 'orders' }), 3);
});

test('the series budget keeps cluster-level series and counts what it dropped', async () => {
  const snapshot = await buildClusterSnapshot(state(), new ClusterHistory({ offsetHistory: 10, statusWindowSeconds: 60 }), {
    ...settings,
    maxSeries: 20,
  });
  assert.equal(snapshot.size, 20);
  assert.ok(snapshot.dropped > 20);
  assert.equal(value(snapshot, 'kafka_up'), 1);
  assert.equal(value(snapshot, 'kafka_brokers'), 2);
  assert.equal(count(snapshot, 'kafka_consumergroup_lag'), 0);
});
