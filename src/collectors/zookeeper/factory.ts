import type { CollectorFactory } from '../collector.ts';

export const zookeeperCollectorFactory: CollectorFactory = {
  name: 'zookeeper',
  enabled: (config) => config.collectors.zookeeper.enabled,
  schedule: (config) => config.collectors.zookeeper,
  create: async (config, { logger }) =>
    new (await import('./zookeeper-collector.ts')).ZookeeperCollector(
      config.collectors.zookeeper,
      config.kafka,
      { topics: config.collectors.cluster.topics, groups: config.collectors.cluster.groups },
      logger,
    ),
};
