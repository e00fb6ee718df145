import type { CollectorFactory } from '../collector.ts';
import { SchemaRegistryCollector } from './schema-registry-collector.ts';

export const schemaRegistryCollectorFactory: CollectorFactory = {
  name: 'schema-registry',
  enabled: (config) => config.collectors.schemaRegistry.enabled,
  schedule: (config) => config.collectors.schemaRegistry,
  create: (config, { logger }) => new SchemaRegistryCollector(config.collectors.schemaRegistry, logger),
};
