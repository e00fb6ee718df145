import type { MetricDefinition } from '../definition.ts';

const TOPIC = ['topic'] as const;
const PARTITION = ['topic', 'partition'] as const;
const GROUP = ['consumergroup'] as const;
const GROUP_TOPIC = ['consumergroup', 'topic'] as const;
const GROUP_PARTITION = ['consumergroup', 'topic', 'partition'] as const;

/** Cluster-wide facts; kafka_exporter's names where it has the metric. */
export const clusterMetrics = {
  up: { name: 'kafka_up', type: 'gauge', labels: [], help: 'Whether the Kafka cluster answered the last collection cycle (1) or not (0).' },
  brokers: { name: 'kafka_brokers', type: 'gauge', labels: [], help: 'Number of brokers in the cluster metadata.' },
  brokerInfo: {
    name: 'kafka_broker_info',
    type: 'gauge',
    labels: ['id', 'address', 'host', 'port', 'rack'],
    help: 'One series per broker in the cluster metadata: id, address (host:port), host, port and rack (empty when unset); always 1.',
  },
  clusterInfo: {
    name: 'kafka_cluster_info',
    type: 'gauge',
    labels: ['cluster_id', 'metadata_mode'],
    help: 'Cluster id and whether metadata lives in KRaft or ZooKeeper; always 1.',
  },
  activeController: {
    name: 'kafka_cluster_active_controller_id',
    type: 'gauge',
    labels: [],
    help: 'Node id of the active controller: the KRaft quorum leader, or the ZooKeeper-elected controller.',
  },
  topics: { name: 'kafka_cluster_topics', type: 'gauge', labels: [], help: 'Number of topics that pass the topic filters.' },
  partitions: {
    name: 'kafka_cluster_partitions',
    type: 'gauge',
    labels: [],
    help: 'Number of partitions of the topics that pass the topic filters.',
  },
  underReplicatedPartitions: {
    name: 'kafka_cluster_under_replicated_partitions',
    type: 'gauge',
    labels: [],
    help: 'Partitions whose in-sync replica set is smaller than their replica set.',
  },
  underMinIsrPartitions: {
    name: 'kafka_cluster_under_min_isr_partitions',
    type: 'gauge',
    labels: [],
    help: "Partitions with fewer in-sync replicas than their topic's min.insync.replicas (acks=all producers fail).",
  },
  atMinIsrPartitions: {
    name: 'kafka_cluster_at_min_isr_partitions',
    type: 'gauge',
    labels: [],
    help: "Partitions with exactly as many replicas in sync as acks=all needs (their topic's min.insync.replicas, at most the replica count): one more replica lost and acks=all producers fail.",
  },
  offlinePartitions: {
    name: 'kafka_cluster_offline_partitions',
    type: 'gauge',
    labels: [],
    help: 'Partitions without a leader (neither readable nor writable).',
  },
  offlineLogDirs: {
    name: 'kafka_cluster_offline_log_dirs',
    type: 'gauge',
    labels: [],
    help: 'Log directories that brokers report offline.',
  },
} as const satisfies Record<string, MetricDefinition>;

export const logDirMetrics = {
  online: {
    name: 'kafka_log_dir_online',
    type: 'gauge',
    labels: ['broker', 'log_dir'],
    help: 'Whether the broker reports the log directory online (1) or offline (0).',
  },
  totalBytes: {
    name: 'kafka_log_dir_total_bytes',
    type: 'gauge',
    labels: ['broker', 'log_dir'],
    unit: 'By',
    help: 'Size of the volume holding the log directory, where the broker reports it.',
  },
  usableBytes: {
    name: 'kafka_log_dir_usable_bytes',
    type: 'gauge',
    labels: ['broker', 'log_dir'],
    unit: 'By',
    help: 'Free bytes usable on the volume holding the log directory, where the broker reports it.',
  },
  sizeBytes: {
    name: 'kafka_log_dir_size_bytes',
    type: 'gauge',
    labels: ['broker', 'log_dir'],
    unit: 'By',
    help: 'Bytes of the replicas stored in the log directory.',
  },
  brokerSizeBytes: {
    name: 'kafka_broker_log_size_bytes',
    type: 'gauge',
    labels: ['broker'],
    unit: 'By',
    help: 'Bytes of all replicas stored on the broker.',
  },
  topicSizeBytes: {
    name: 'kafka_topic_log_size_bytes',
    type: 'gauge',
    labels: TOPIC,
    unit: 'By',
    help: 'Bytes of all replicas of the topic, summed over brokers.',
  },
  partitionSizeBytes: {
    name: 'kafka_topic_partition_log_size_bytes',
    type: 'gauge',
    labels: [...PARTITION, 'broker'],
    unit: 'By',
    help: 'Bytes of one replica of the partition on one broker.',
  },
} as const satisfies Record<string, MetricDefinition>;

export const topicMetrics = {
  partitions: { name: 'kafka_topic_partitions', type: 'gauge', labels: TOPIC, help: 'Number of partitions of the topic.' },
  replicationFactor: {
    name: 'kafka_topic_replication_factor',
    type: 'gauge',
    labels: TOPIC,
    help: 'Replicas per partition of the topic (the largest replica set).',
  },
  messages: {
    name: 'kafka_topic_messages',
    type: 'gauge',
    labels: TOPIC,
    help: 'Messages in the topic: latest minus earliest offset, summed over partitions (an upper bound on compacted topics).',
  },
  underReplicatedPartitions: {
    name: 'kafka_topic_under_replicated_partitions',
    type: 'gauge',
    labels: TOPIC,
    help: 'Under-replicated partitions of the topic.',
  },
  underMinIsrPartitions: {
    name: 'kafka_topic_under_min_isr_partitions',
    type: 'gauge',
    labels: TOPIC,
    help: 'Partitions of the topic with fewer in-sync replicas than min.insync.replicas.',
  },
  atMinIsrPartitions: {
    name: 'kafka_topic_at_min_isr_partitions',
    type: 'gauge',
    labels: TOPIC,
    help: 'Partitions of the topic with exactly min.insync.replicas in sync.',
  },
  offlinePartitions: {
    name: 'kafka_topic_offline_partitions',
    type: 'gauge',
    labels: TOPIC,
    help: 'Partitions of the topic without a leader.',
  },
} as const satisfies Record<string, MetricDefinition>;

export const DEFAULT_TOPIC_INFO_CONFIGS = ['cleanup.policy', 'retention.ms', 'min.insync.replicas'] as const;

export function configLabelName(configName: string): string {
  return configName.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** kafka_topic_info carries the topic configs chosen in the settings as labels (dots become underscores). */
export function topicInfoMetric(configNames: readonly string[]): MetricDefinition {
  return {
    name: 'kafka_topic_info',
    type: 'gauge',
    labels: ['topic', 'topic_id', 'internal', ...configNames.map(configLabelName)],
    help: 'Topic id, whether it is internal, and the chosen topic configs as labels (empty when unknown); always 1.',
  };
}

export const partitionMetrics = {
  currentOffset: {
    name: 'kafka_topic_partition_current_offset',
    type: 'gauge',
    labels: PARTITION,
    help: 'Latest offset (log end offset) of the partition.',
  },
  oldestOffset: {
    name: 'kafka_topic_partition_oldest_offset',
    type: 'gauge',
    labels: PARTITION,
    help: 'Earliest offset (log start offset) of the partition.',
  },
  messages: {
    name: 'kafka_topic_partition_messages',
    type: 'gauge',
    labels: PARTITION,
    help: 'Messages in the partition: latest minus earliest offset.',
  },
  leader: {
    name: 'kafka_topic_partition_leader',
    type: 'gauge',
    labels: PARTITION,
    help: 'Broker id of the partition leader; -1 without a leader.',
  },
  replicas: { name: 'kafka_topic_partition_replicas', type: 'gauge', labels: PARTITION, help: 'Number of replicas of the partition.' },
  inSyncReplicas: {
    name: 'kafka_topic_partition_in_sync_replica',
    type: 'gauge',
    labels: PARTITION,
    help: 'Number of in-sync replicas of the partition.',
  },
  leaderIsPreferred: {
    name: 'kafka_topic_partition_leader_is_preferred',
    type: 'gauge',
    labels: PARTITION,
    help: 'Whether the leader is the preferred (first) replica (1) or not (0).',
  },
  underReplicated: {
    name: 'kafka_topic_partition_under_replicated_partition',
    type: 'gauge',
    labels: PARTITION,
    help: 'Whether the partition is under-replicated (1) or not (0).',
  },
  underMinIsr: {
    name: 'kafka_topic_partition_under_min_isr',
    type: 'gauge',
    labels: PARTITION,
    help: 'Whether the partition has fewer in-sync replicas than min.insync.replicas (1) or not (0).',
  },
  atMinIsr: {
    name: 'kafka_topic_partition_at_min_isr',
    type: 'gauge',
    labels: PARTITION,
    help: "Whether the partition has a leader and exactly as many replicas in sync as acks=all needs (min.insync.replicas, at most the replica count) (1) or not (0), as the brokers' AtMinIsr JMX gauge.",
  },
  offline: {
    name: 'kafka_topic_partition_offline',
    type: 'gauge',
    labels: PARTITION,
    help: 'Whether the partition has no leader (1) or has one (0).',
  },
} as const satisfies Record<string, MetricDefinition>;

export const consumerGroupMetrics = {
  info: {
    name: 'kafka_consumergroup_info',
    type: 'gauge',
    labels: ['consumergroup', 'group_type', 'state', 'protocol', 'coordinator'],
    help: 'Consumer group type (classic or consumer, KIP-848), state, assignor and coordinator broker id; always 1.',
  },
  members: { name: 'kafka_consumergroup_members', type: 'gauge', labels: GROUP, help: 'Number of members of the consumer group.' },
  topicMembers: {
    name: 'kafka_consumergroup_topic_members',
    type: 'gauge',
    labels: GROUP_TOPIC,
    help: 'Members of the group with at least one partition of the topic assigned.',
  },
  topicAssignedPartitions: {
    name: 'kafka_consumergroup_topic_assigned_partitions',
    type: 'gauge',
    labels: GROUP_TOPIC,
    help: 'Partitions of the topic assigned to members of the group.',
  },
  currentOffset: {
    name: 'kafka_consumergroup_current_offset',
    type: 'gauge',
    labels: GROUP_PARTITION,
    help: 'Offset the group committed on the partition.',
  },
  currentOffsetSum: {
    name: 'kafka_consumergroup_current_offset_sum',
    type: 'gauge',
    labels: GROUP_TOPIC,
    help: "Committed offsets of the group summed over the topic's partitions.",
  },
  lag: {
    name: 'kafka_consumergroup_lag',
    type: 'gauge',
    labels: GROUP_PARTITION,
    help: 'Messages the group has still to read on the partition: latest minus committed offset, never below 0.',
  },
  lagSum: {
    name: 'kafka_consumergroup_lag_sum',
    type: 'gauge',
    labels: GROUP_TOPIC,
    help: "Lag of the group summed over the topic's partitions.",
  },
  lagSeconds: {
    name: 'kafka_consumergroup_group_lag_seconds',
    type: 'gauge',
    labels: ['group', 'topic', 'partition', 'estimate'],
    unit: 's',
    help: 'Age of the oldest message the group has not read on the partition; estimate says how it is known: caught_up (0), interpolated (between two samples of the log end offset history), record_timestamp (the timestamp of that record, read from the partition), extrapolated or lower_bound (from the history, while the record could not be read).',
  },
  topicMaxLagSeconds: {
    name: 'kafka_consumergroup_group_topic_max_lag_seconds',
    type: 'gauge',
    labels: ['group', 'topic'],
    unit: 's',
    help: "Largest lag in seconds of the group over the topic's partitions.",
  },
  maxLagSeconds: {
    name: 'kafka_consumergroup_group_max_lag_seconds',
    type: 'gauge',
    labels: ['group'],
    unit: 's',
    help: 'Largest lag in seconds of the group over all its partitions.',
  },
  status: {
    name: 'kafka_consumergroup_status',
    type: 'gauge',
    labels: ['consumergroup', 'status'],
    help: 'Burrow-style group status, one series per status with 1 on the current one: OK, WARN (lag grew through the window), REWIND (a committed offset went back), STALL (members, lag, offsets not moving), STOP (no members, lag, offsets not moving), ERR (offsets unreadable).',
  },
  offsetBelowLogStart: {
    name: 'kafka_consumergroup_offset_below_log_start',
    type: 'gauge',
    labels: GROUP_PARTITION,
    help: 'Messages removed by retention before the group read them: earliest offset minus committed offset, for partitions where the group committed below the log start.',
  },
} as const satisfies Record<string, MetricDefinition>;
