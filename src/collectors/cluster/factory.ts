import type { CollectorFactory } from '../collector.ts';
import { ClusterCollector } from './cluster-collector.ts';

export const clusterCollectorFactory: CollectorFactory = {
  name: 'cluster',
  enabled: (config) => config.collectors.cluster.enabled,
  schedule: (config) => config.collectors.cluster,
  create: (config, { logger, topicFeeder }) =>
    new ClusterCollector(config.kafka, config.collectors.cluster, { logger, topicFeeder, clusterName: config.clusterName }),
};
