import type { KafkaNode } from './types.ts';

export type PropertyValue = string | number | boolean;

export function renderProperties(properties: Record<string, PropertyValue>): string {
  return Object.entries(properties)
    .map(([key, value]) => `${key}=${String(value).replaceAll('\\', '\\\\')}`)
    .join('\n')
    .concat('\n');
}

/** Replication of Kafka's internal topics: as much as the cluster allows, up to 3; min ISR 2 only with 3 replicas. */
export function internalTopicReplication(brokerCount: number): { replicationFactor: number; minInsyncReplicas: number } {
  const replicationFactor = Math.max(1, Math.min(3, brokerCount));
  return { replicationFactor, minInsyncReplicas: replicationFactor >= 3 ? 2 : 1 };
}

/** The settings Kafka's own tests use on small machines. */
const SMALL_MACHINE: Record<string, PropertyValue> = {
  'num.network.threads': 2,
  'num.io.threads': 4,
  'background.threads': 2,
  'num.recovery.threads.per.data.dir': 1,
  'log.cleaner.dedupe.buffer.size': 2097152,
  'offsets.topic.num.partitions': 5,
  'transaction.state.log.num.partitions': 5,
  'group.initial.rebalance.delay.ms': 0,
};

function commonBrokerProperties(dataDir: string, brokerCount: number): Record<string, PropertyValue> {
  const { replicationFactor, minInsyncReplicas } = internalTopicReplication(brokerCount);
  return {
    'log.dirs': dataDir,
    'offsets.topic.replication.factor': replicationFactor,
    'transaction.state.log.replication.factor': replicationFactor,
    'transaction.state.log.min.isr': minInsyncReplicas,
    ...SMALL_MACHINE,
  };
}

export interface KraftNodeConfig {
  node: KafkaNode;
  quorum: KafkaNode[];
  dataDir: string;
}

/** A combined broker+controller node with a static controller quorum. */
export function kraftNodeProperties({ node, quorum, dataDir }: KraftNodeConfig): Record<string, PropertyValue> {
  const { replicationFactor, minInsyncReplicas } = internalTopicReplication(quorum.length);
  return {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    'controller.quorum.voters': quorum
      .map((voter) => `${voter.id}@${voter.controllerHost ?? voter.host}:${requireControllerPort(voter)}`)
      .join(','),
    listeners: `PLAINTEXT://${node.host}:${node.port},CONTROLLER://${node.controllerHost ?? node.host}:${requireControllerPort(node)}`,
    'advertised.listeners': `PLAINTEXT://${node.host}:${node.port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    ...commonBrokerProperties(dataDir, quorum.length),
    'share.coordinator.state.topic.replication.factor': replicationFactor,
    'share.coordinator.state.topic.min.isr': minInsyncReplicas,
    'share.coordinator.state.topic.num.partitions': 5,
  };
}

function requireControllerPort(node: KafkaNode): number {
  if (node.controllerPort === undefined) throw new Error(`KRaft node ${node.id} has no controller port`);
  return node.controllerPort;
}

export interface ZkBrokerConfig {
  node: KafkaNode;
  brokerCount: number;
  zookeeperConnect: string;
  dataDir: string;
}

export function zkBrokerProperties({ node, brokerCount, zookeeperConnect, dataDir }: ZkBrokerConfig): Record<string, PropertyValue> {
  return {
    'broker.id': node.id,
    'zookeeper.connect': zookeeperConnect,
    listeners: `PLAINTEXT://${node.host}:${node.port}`,
    'advertised.listeners': `PLAINTEXT://${node.host}:${node.port}`,
    ...commonBrokerProperties(dataDir, brokerCount),
  };
}
