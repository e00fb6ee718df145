import type { MetricDefinition } from '../definition.ts';

/** Names and labels follow kafka_exporter where it has the metric. */
export const clusterMetrics = {
  up: {
    name: 'kafka_up', type: 'gauge', labels: [],
    help: 'Whether the Kafka cluster answered the last collection cycle (1) or not (0).',
  },
  brokers: {
    name: 'kafka_brokers', type: 'gauge', labels: [],
    help: 'Number of brokers in the cluster metadata.',
  },
  brokerInfo: {
    name: 'kafka_broker_info', type: 'gauge', labels: ['id', 'address'],
    help: 'One series per broker in the cluster metadata, with its id and address (host:port); always 1.',
  },
} as const satisfies Record<string, MetricDefinition>;
