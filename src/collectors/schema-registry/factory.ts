import type { CollectorFactory } from '../collector.ts';

export const schemaRegistryCollectorFactory: CollectorFactory = {
  name: 'schema-registry',
  enabled: (config) => config.collectors.schemaRegistry.enabled,
  schedule: (config) => config.collectors.schemaRegistry,
  create: async (config, { logger }) =>
    new (await import('./schema-registry-collector.ts')).SchemaRegistryCollector(config.collectors.schemaRegistry, logger),
};
