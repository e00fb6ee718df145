import type { CollectorFactory } from '../collector.ts';

export const clusterCollectorFactory: CollectorFactory = {
  name: 'cluster',
  enabled: (config) => config.collectors.cluster.enabled,
  schedule: (config) => config.collectors.cluster,
  create: async (config, { logger, topicFeeder }) => {
    const { ClusterCollector } = await import('./cluster-collector.ts');
    return new ClusterCollector(config.kafka, config.collectors.cluster, { logger, topicFeeder, clusterName: config.clusterName });
  },
};
