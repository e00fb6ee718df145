import { Layout, dashboard, type Variable } from './panels.ts';

const C = 'cluster=~"$cluster"';
const variables: Variable[] = [
  { name: 'cluster', label: 'Cluster', query: 'label_values(kafka_up, cluster)', multi: false, includeAll: true },
  { name: 'topic', label: 'Topic', query: `label_values(kafka_topic_partitions{${C}}, topic)`, multi: true, includeAll: true },
  {
    name: 'consumergroup',
    label: 'Consumer group',
    query: `label_values(kafka_consumergroup_members{${C}}, consumergroup)`,
    multi: true,
    includeAll: true,
  },
];
const RED_FROM_ONE = [
  { value: null, color: 'green' },
  { value: 1, color: 'red' },
];

const layout = new Layout()
  .row('Cluster')
  .add({
    type: 'stat',
    title: 'Cluster answers',
    width: 4,
    description: 'kafka_up: 1 when the cluster answered the last collection cycle.',
    targets: [{ expr: `min(kafka_up{${C}})` }],
    thresholds: [
      { value: null, color: 'red' },
      { value: 1, color: 'green' },
    ],
  })
  .add({
    type: 'stat',
    title: 'Brokers',
    width: 4,
    description: 'Brokers in the cluster metadata.',
    targets: [{ expr: `sum(kafka_brokers{${C}})` }],
  })
  .add({
    type: 'stat',
    title: 'Active controller',
    width: 4,
    description: 'Node id of the active controller (KRaft quorum leader or ZooKeeper-elected controller).',
    targets: [{ expr: `max(kafka_cluster_active_controller_id{${C}})` }],
  })
  .add({
    type: 'stat',
    title: 'Offline partitions',
    width: 4,
    description: 'Partitions without a leader.',
    targets: [{ expr: `sum(kafka_cluster_offline_partitions{${C}})` }],
    thresholds: RED_FROM_ONE,
  })
  .add({
    type: 'stat',
    title: 'Under min ISR',
    width: 4,
    description: 'Partitions with fewer in-sync replicas than min.insync.replicas: acks=all producers fail.',
    targets: [{ expr: `sum(kafka_cluster_under_min_isr_partitions{${C}})` }],
    thresholds: RED_FROM_ONE,
  })
  .add({
    type: 'stat',
    title: 'Under-replicated',
    width: 4,
    description: 'Partitions whose ISR is smaller than their replica set.',
    targets: [{ expr: `sum(kafka_cluster_under_replicated_partitions{${C}})` }],
    thresholds: [
      { value: null, color: 'green' },
      { value: 1, color: 'orange' },
    ],
  })
  .row('Topics')
  .add({
    type: 'timeseries',
    title: 'Messages in per second',
    width: 12,
    unit: 'ops',
    description: 'Growth of the log end offsets, per topic.',
    targets: [
      {
        expr: `sum by (topic) (rate(kafka_topic_partition_current_offset{${C}, topic=~"$topic"}[$__rate_interval]))`,
        legendFormat: '{{topic}}',
      },
    ],
  })
  .add({
    type: 'timeseries',
    title: 'Log size per topic',
    width: 12,
    unit: 'bytes',
    description: 'Bytes of all replicas of the topic.',
    targets: [{ expr: `sum by (topic) (kafka_topic_log_size_bytes{${C}, topic=~"$topic"})`, legendFormat: '{{topic}}' }],
  })
  .add({
    type: 'timeseries',
    title: 'Unhealthy partitions per topic',
    width: 12,
    description: 'Under-replicated, under-min-ISR and offline partitions of each topic.',
    targets: [
      {
        expr: `sum by (topic) (kafka_topic_under_replicated_partitions{${C}, topic=~"$topic"}) > 0`,
        legendFormat: '{{topic}} under-replicated',
      },
      { expr: `sum by (topic) (kafka_topic_under_min_isr_partitions{${C}, topic=~"$topic"}) > 0`, legendFormat: '{{topic}} under min ISR' },
      { expr: `sum by (topic) (kafka_topic_offline_partitions{${C}, topic=~"$topic"}) > 0`, legendFormat: '{{topic}} offline' },
    ],
  })
  .add({
    type: 'timeseries',
    title: 'Messages held per topic',
    width: 12,
    description: 'Latest minus earliest offset, summed over partitions.',
    targets: [{ expr: `sum by (topic) (kafka_topic_messages{${C}, topic=~"$topic"})`, legendFormat: '{{topic}}' }],
  })
  .row('Brokers and disks')
  .add({
    type: 'timeseries',
    title: 'Free space per log directory',
    width: 12,
    unit: 'percentunit',
    description: 'Usable over total bytes of the volume of each log directory.',
    targets: [
      { expr: `kafka_log_dir_usable_bytes{${C}} / kafka_log_dir_total_bytes{${C}}`, legendFormat: 'broker {{broker}} {{log_dir}}' },
    ],
  })
  .add({
    type: 'timeseries',
    title: 'Replica bytes per broker',
    width: 12,
    unit: 'bytes',
    description: 'Bytes of all replicas stored on each broker.',
    targets: [{ expr: `kafka_broker_log_size_bytes{${C}}`, legendFormat: 'broker {{broker}}' }],
  })
  .row('Consumer groups')
  .add({
    type: 'timeseries',
    title: 'Lag (messages)',
    width: 12,
    description: 'Messages the group has still to read, summed over its topics.',
    targets: [
      {
        expr: `sum by (consumergroup) (kafka_consumergroup_lag_sum{${C}, consumergroup=~"$consumergroup"})`,
        legendFormat: '{{consumergroup}}',
      },
    ],
  })
  .add({
    type: 'timeseries',
    title: 'Lag (seconds)',
    width: 12,
    unit: 's',
    description: 'Age of the oldest unread message of the group.',
    targets: [
      { expr: `max by (group) (kafka_consumergroup_group_max_lag_seconds{${C}, group=~"$consumergroup"})`, legendFormat: '{{group}}' },
    ],
  })
  .add({
    type: 'table',
    title: 'Group status',
    width: 12,
    description: 'Burrow-style status of each group (OK, WARN, REWIND, STALL, STOP, ERR).',
    targets: [{ expr: `kafka_consumergroup_status{${C}, consumergroup=~"$consumergroup"} == 1`, instant: true, format: 'table' }],
  })
  .add({
    type: 'timeseries',
    title: 'Members',
    width: 12,
    description: 'Members of each group.',
    targets: [
      {
        expr: `sum by (consumergroup) (kafka_consumergroup_members{${C}, consumergroup=~"$consumergroup"})`,
        legendFormat: '{{consumergroup}}',
      },
    ],
  })
  .row('kafka-sonar')
  .add({
    type: 'timeseries',
    title: 'Collectors up',
    width: 8,
    description: "Whether each collector's last cycle succeeded.",
    targets: [{ expr: `kafka_sonar_collector_up{${C}}`, legendFormat: '{{collector}}' }],
  })
  .add({
    type: 'timeseries',
    title: 'Cycle duration',
    width: 8,
    unit: 's',
    description: "How long each collector's last cycle took.",
    targets: [{ expr: `kafka_sonar_collector_duration_seconds{${C}}`, legendFormat: '{{collector}}' }],
  })
  .add({
    type: 'timeseries',
    title: 'Series dropped',
    width: 8,
    description: 'Series left out because a series budget was spent.',
    targets: [{ expr: `increase(kafka_sonar_series_dropped_total{${C}}[$__rate_interval])`, legendFormat: '{{collector}}' }],
  });

export const kafkaClusterDashboard = dashboard(
  'kafka-sonar-cluster',
  'Kafka cluster (kafka-sonar)',
  'Brokers, partitions, disks and consumer groups of a Kafka cluster, from kafka-sonar.',
  variables,
  layout.panels,
);
