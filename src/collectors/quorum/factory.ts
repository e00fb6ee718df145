import type { CollectorFactory } from '../collector.ts';

export const quorumCollectorFactory: CollectorFactory = {
  name: 'quorum',
  enabled: (config) => config.collectors.quorum.enabled,
  schedule: (config) => config.collectors.quorum,
  create: async (config, { logger }) =>
    new (await import('./quorum-collector.ts')).QuorumCollector(config.kafka, config.collectors.quorum, logger),
};
