import type { CollectorFactory } from '../collector.ts';
import { ZookeeperCollector } from './zookeeper-collector.ts';

export const zookeeperCollectorFactory: CollectorFactory = {
  name: 'zookeeper',
  enabled: (config) => config.collectors.zookeeper.enabled,
  schedule: (config) => config.collectors.zookeeper,
  create: (config, { logger }) =>
    new ZookeeperCollector(
      config.collectors.zookeeper,
      config.kafka,
      { topics: config.collectors.cluster.topics, groups: config.collectors.cluster.groups },
      logger,
    ),
};
