import type { MetricDefinition } from '../definition.ts';
import { adminMetrics } from './admin.ts';
import {
  DEFAULT_TOPIC_INFO_CONFIGS,
  clusterMetrics,
  consumerGroupMetrics,
  logDirMetrics,
  partitionMetrics,
  topicInfoMetric,
  topicMetrics,
} from './cluster.ts';
import { clientMetrics, snifferMetrics } from './clients.ts';
import { collectionMetrics, exporterMetrics } from './exporter.ts';
import { jmxMetrics } from './jmx.ts';
import { kafkaLagExporterMetrics } from './kafka-lag-exporter.ts';
import { quorumMetrics } from './quorum.ts';
import { schemaRegistryMetrics } from './schema-registry.ts';
import { zookeeperEnsembleMetrics, zookeeperKafkaMetrics, zookeeperMemberMetrics } from './zookeeper.ts';

export {
  adminMetrics,
  clientMetrics,
  clusterMetrics,
  collectionMetrics,
  snifferMetrics,
  consumerGroupMetrics,
  exporterMetrics,
  jmxMetrics,
  kafkaLagExporterMetrics,
  logDirMetrics,
  partitionMetrics,
  topicInfoMetric,
  topicMetrics,
};

export interface MetricGroup {
  readonly title: string;
  readonly metrics: readonly MetricDefinition[];
}

export interface CatalogueSettings {
  readonly topicInfoConfigs: readonly string[];
  /** --compat.kafka-lag-exporter: its families join, and take over the two names both define. */
  readonly kafkaLagExporter?: boolean;
}

export const DEFAULT_CATALOGUE_SETTINGS: CatalogueSettings = { topicInfoConfigs: DEFAULT_TOPIC_INFO_CONFIGS };

export const KAFKA_LAG_EXPORTER_GROUP: MetricGroup = {
  title: 'kafka-lag-exporter compatibility (--compat.kafka-lag-exporter)',
  metrics: Object.values(kafkaLagExporterMetrics),
};

const compatNames = new Set(KAFKA_LAG_EXPORTER_GROUP.metrics.map((metric) => metric.name));

/** Every metric kafka-sonar defines, grouped as the README documents them. */
export function metricGroups(settings: CatalogueSettings = DEFAULT_CATALOGUE_SETTINGS): MetricGroup[] {
  return [
    { title: 'Exporter', metrics: [...Object.values(exporterMetrics), ...Object.values(collectionMetrics)] },
    { title: 'Cluster and brokers', metrics: Object.values(clusterMetrics) },
    { title: 'Log directories', metrics: Object.values(logDirMetrics) },
    { title: 'Topics', metrics: [...Object.values(topicMetrics), topicInfoMetric(settings.topicInfoConfigs)] },
    { title: 'Partitions', metrics: Object.values(partitionMetrics) },
    {
      title: 'Consumer groups',
      metrics: Object.values(consumerGroupMetrics).filter((metric) => !settings.kafkaLagExporter || !compatNames.has(metric.name)),
    },
    { title: 'KRaft controller quorum', metrics: Object.values(quorumMetrics) },
    { title: 'ZooKeeper ensemble', metrics: [...Object.values(zookeeperMemberMetrics), ...Object.values(zookeeperEnsembleMetrics)] },
    { title: 'Kafka in ZooKeeper', metrics: Object.values(zookeeperKafkaMetrics) },
    { title: 'Schema registry', metrics: Object.values(schemaRegistryMetrics) },
    { title: 'Broker JMX (Jolokia)', metrics: Object.values(jmxMetrics) },
    { title: 'Clients (sniffer)', metrics: Object.values(clientMetrics) },
    { title: 'Capture and decoding (sniffer)', metrics: Object.values(snifferMetrics) },
    { title: 'Admin API', metrics: Object.values(adminMetrics) },
    ...(settings.kafkaLagExporter ? [KAFKA_LAG_EXPORTER_GROUP] : []),
  ];
}

export function catalogue(settings: CatalogueSettings = DEFAULT_CATALOGUE_SETTINGS): MetricDefinition[] {
  return metricGroups(settings).flatMap((group) => group.metrics);
}
