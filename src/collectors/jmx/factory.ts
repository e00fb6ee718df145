import type { CollectorFactory } from '../collector.ts';

export const jmxCollectorFactory: CollectorFactory = {
  name: 'jmx',
  enabled: (config) => config.collectors.jmx.enabled,
  schedule: (config) => config.collectors.jmx,
  create: async (config, { logger }) => (await import('./jmx-collector.ts')).createJmxCollector(config, logger),
};
