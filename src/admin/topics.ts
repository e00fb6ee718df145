import { createPartitionsV3, createTopicsV7, deleteTopicsV6 } from '@platformatic/kafka';
import { AdminError } from './admin-error.ts';
import type { ClusterGateway, ClusterMetadata } from './cluster-gateway.ts';

export interface PartitionDescription {
  readonly partition: number;
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

export interface TopicDescription {
  readonly name: string;
  readonly id: string;
  readonly internal: boolean;
  readonly partitionsCount: number;
  readonly replicationFactor: number;
  readonly partitions: readonly PartitionDescription[];
}

export interface NewTopic {
  readonly name: string;
  /** Absent: the brokers' num.partitions. */
  readonly partitionsCount?: number;
  /** Absent: the brokers' default.replication.factor. */
  readonly replicationFactor?: number;
  readonly configs: readonly { readonly name: string; readonly value: string | null }[];
}

export interface CreatedTopic {
  readonly name: string;
  readonly id: string;
  readonly partitionsCount: number;
  readonly replicationFactor: number;
}

const UNKNOWN_TOPIC_OR_PARTITION = 3;
const VISIBLE_WITHIN_MS = 10_000;

function describeTopic(topic: ClusterMetadata['topics'][number]): TopicDescription {
  const partitions = topic.partitions
    .map((partition) => ({
      partition: partition.partitionIndex,
      leader: partition.leaderId,
      replicas: partition.replicaNodes,
      isr: partition.isrNodes,
    }))
    .sort((a, b) => a.partition - b.partition);
  return {
    name: topic.name ?? '',
    id: topic.topicId,
    internal: topic.isInternal,
    partitionsCount: partitions.length,
    replicationFactor: partitions[0]?.replicas.length ?? 0,
    partitions,
  };
}

/** Topics: list, describe, create, delete, add partitions; every mutation has a validate-only twin. */
export class TopicService {
  readonly #gateway: ClusterGateway;

  constructor(gateway: ClusterGateway) {
    this.#gateway = gateway;
  }

  async list(): Promise<TopicDescription[]> {
    const metadata = await this.#gateway.metadata(null);
    return metadata.topics
      .filter((topic) => topic.errorCode === 0 && topic.name !== null)
      .map(describeTopic)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async describe(name: string): Promise<TopicDescription> {
    const metadata = await this.#gateway.metadata([name]);
    const topic = metadata.topics.find((entry) => entry.name === name);
    if (!topic || topic.errorCode === UNKNOWN_TOPIC_OR_PARTITION)
      throw new AdminError('not-found', `topic ${name} not found`, { kafkaError: 'UNKNOWN_TOPIC_OR_PARTITION' });
    if (topic.errorCode !== 0) throw AdminError.fromKafka(topic.errorCode, `topic ${name}`);
    return describeTopic(topic);
  }

  async create(topic: NewTopic, validateOnly: boolean): Promise<CreatedTopic> {
    const request = {
      name: topic.name,
      numPartitions: topic.partitionsCount ?? -1,
      replicationFactor: topic.replicationFactor ?? -1,
      assignments: [],
      configs: topic.configs.map((config) => ({ name: config.name, value: config.value })),
    };
    const response = await this.#gateway.onController(`creating topic ${topic.name}`, (connection) =>
      createTopicsV7.api.async(connection, [request], this.#gateway.timeoutMs, validateOnly),
    );
    const result = response.topics.find((entry) => entry.name === topic.name);
    if (!result) throw new AdminError('internal', `creating topic ${topic.name}: the controller did not answer for it`);
    if (result.errorCode !== 0) throw AdminError.fromKafka(result.errorCode, `creating topic ${topic.name}`, result.errorMessage);
    if (!validateOnly) await this.#untilVisible(topic.name, result.numPartitions);
    return { name: result.name, id: result.topicId, partitionsCount: result.numPartitions, replicationFactor: result.replicationFactor };
  }

  async delete(name: string): Promise<void> {
    await this.describe(name);
    const response = await this.#gateway.onController(`deleting topic ${name}`, (connection) =>
      deleteTopicsV6.api.async(connection, [{ name, topicId: null }], this.#gateway.timeoutMs),
    );
    const result = response.responses.find((entry) => entry.name === name);
    if (result && result.errorCode !== 0) throw AdminError.fromKafka(result.errorCode, `deleting topic ${name}`, result.errorMessage);
  }

  /** Raises the partition count; Kafka refuses to lower it (INVALID_PARTITIONS). */
  async addPartitions(name: string, count: number, validateOnly: boolean): Promise<{ before: number; after: number }> {
    const before = (await this.describe(name)).partitionsCount;
    const response = await this.#gateway.onController(`adding partitions to ${name}`, (connection) =>
      createPartitionsV3.api.async(connection, [{ name, count, assignments: null }], this.#gateway.timeoutMs, validateOnly),
    );
    const result = response.results.find((entry) => entry.name === name);
    if (result && result.errorCode !== 0) throw AdminError.fromKafka(result.errorCode, `adding partitions to ${name}`, result.errorMessage);
    if (!validateOnly) await this.#untilVisible(name, count);
    return { before, after: count };
  }

  /**
   * Kafka answers a topic change once the controller made it; the brokers learn of it a moment
   * later. Waits (a bounded time) until the metadata shows it with leaders, so the caller's next
   * request finds what it just made.
   */
  async #untilVisible(name: string, partitions: number): Promise<void> {
    const deadline = Date.now() + VISIBLE_WITHIN_MS;
    while (Date.now() < deadline) {
      const topic = (await this.#gateway.metadata([name])).topics.find((entry) => entry.name === name);
      if (topic?.errorCode === 0 && topic.partitions.length >= partitions && topic.partitions.every((partition) => partition.leaderId >= 0))
        return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
