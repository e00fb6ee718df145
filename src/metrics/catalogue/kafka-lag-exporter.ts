import type { MetricDefinition } from '../definition.ts';

const GROUP_PARTITION_MEMBER = ['cluster_name', 'group', 'topic', 'partition', 'member_host', 'consumer_id', 'client_id'] as const;

/**
 * kafka-lag-exporter's families, with its names, labels and help (--compat.kafka-lag-exporter), so its
 * dashboard and alerts work unchanged. Two of its names are kafka-sonar's own lag-seconds families: with
 * the option they take these labels instead (and lose `estimate`).
 */
export const kafkaLagExporterMetrics = {
  partitionLatestOffset: {
    name: 'kafka_partition_latest_offset',
    type: 'gauge',
    labels: ['cluster_name', 'topic', 'partition'],
    help: 'Latest offset of a partition',
  },
  partitionEarliestOffset: {
    name: 'kafka_partition_earliest_offset',
    type: 'gauge',
    labels: ['cluster_name', 'topic', 'partition'],
    help: 'Earliest offset of a partition',
  },
  groupOffset: {
    name: 'kafka_consumergroup_group_offset',
    type: 'gauge',
    labels: GROUP_PARTITION_MEMBER,
    help: 'Last group consumed offset of a partition',
  },
  groupLag: {
    name: 'kafka_consumergroup_group_lag',
    type: 'gauge',
    labels: GROUP_PARTITION_MEMBER,
    help: 'Group offset lag of a partition',
  },
  groupLagSeconds: {
    name: 'kafka_consumergroup_group_lag_seconds',
    type: 'gauge',
    labels: GROUP_PARTITION_MEMBER,
    unit: 's',
    help: 'Group time lag of a partition',
  },
  groupMaxLag: {
    name: 'kafka_consumergroup_group_max_lag',
    type: 'gauge',
    labels: ['cluster_name', 'group'],
    help: 'Max group offset lag',
  },
  groupMaxLagSeconds: {
    name: 'kafka_consumergroup_group_max_lag_seconds',
    type: 'gauge',
    labels: ['cluster_name', 'group'],
    unit: 's',
    help: 'Max group time lag',
  },
  groupSumLag: {
    name: 'kafka_consumergroup_group_sum_lag',
    type: 'gauge',
    labels: ['cluster_name', 'group'],
    help: 'Sum of group offset lag',
  },
  groupTopicSumLag: {
    name: 'kafka_consumergroup_group_topic_sum_lag',
    type: 'gauge',
    labels: ['cluster_name', 'group', 'topic'],
    help: 'Sum of group offset lag across topic partitions',
  },
} as const satisfies Record<string, MetricDefinition>;
