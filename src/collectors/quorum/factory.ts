import type { CollectorFactory } from '../collector.ts';
import { QuorumCollector } from './quorum-collector.ts';

export const quorumCollectorFactory: CollectorFactory = {
  name: 'quorum',
  enabled: (config) => config.collectors.quorum.enabled,
  schedule: (config) => config.collectors.quorum,
  create: (config, { logger }) => new QuorumCollector(config.kafka, config.collectors.quorum, logger),
};
