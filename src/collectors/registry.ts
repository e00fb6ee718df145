import { clusterCollectorFactory } from './cluster/factory.ts';
import type { CollectorFactory } from './collector.ts';
import { jmxCollectorFactory } from './jmx/factory.ts';
import { quorumCollectorFactory } from './quorum/factory.ts';
import { schemaRegistryCollectorFactory } from './schema-registry/factory.ts';
import { zookeeperCollectorFactory } from './zookeeper/factory.ts';

/** Every collector the exporter can run, in start order; a new collector is its folder and one line here. */
export const COLLECTORS: readonly CollectorFactory[] = [
  clusterCollectorFactory,
  quorumCollectorFactory,
  zookeeperCollectorFactory,
  schemaRegistryCollectorFactory,
  jmxCollectorFactory,
];
