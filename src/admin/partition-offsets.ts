import { listOffsetsV7 } from '@platformatic/kafka';
import { AdminError } from './admin-error.ts';
import type { ClusterGateway } from './cluster-gateway.ts';
import { partitionKey, type PartitionRef } from './offset-reset.ts';

const EARLIEST = -2n;
const LATEST = -1n;
const READ_UNCOMMITTED = 0;
const CONSUMER_REPLICA = -1;

/** Offsets of partitions (earliest, latest, at a time), each asked of the partition's leader; keyed "topic:partition". */
export class PartitionOffsets {
  readonly #gateway: ClusterGateway;

  constructor(gateway: ClusterGateway) {
    this.#gateway = gateway;
  }

  /** For each partition, the offset at `timestamp` (epoch ms, or EARLIEST/LATEST), asked of its leader. */
  async at(partitions: readonly PartitionRef[], timestamp: bigint): Promise<Map<string, number>> {
    const metadata = await this.#gateway.metadata([...new Set(partitions.map((entry) => entry.topic))]);
    const byLeader = new Map<number, Map<string, number[]>>();
    for (const { topic, partition } of partitions) {
      const described = metadata.topics.find((entry) => entry.name === topic);
      if (!described || described.errorCode !== 0)
        throw new AdminError('not-found', `topic ${topic} not found`, { kafkaError: 'UNKNOWN_TOPIC_OR_PARTITION' });
      const leader = described.partitions.find((entry) => entry.partitionIndex === partition)?.leaderId;
      if (leader === undefined)
        throw new AdminError('not-found', `topic ${topic} has no partition ${partition}`, { kafkaError: 'UNKNOWN_TOPIC_OR_PARTITION' });
      if (leader < 0)
        throw new AdminError('unavailable', `partition ${topic}-${partition} has no leader`, { kafkaError: 'LEADER_NOT_AVAILABLE' });
      let topics = byLeader.get(leader);
      if (!topics) byLeader.set(leader, (topics = new Map()));
      topics.set(topic, [...(topics.get(topic) ?? []), partition]);
    }
    const offsets = new Map<string, number>();
    await Promise.all(
      [...byLeader].map(async ([leader, topics]) => {
        const request = [...topics].map(([name, indexes]) => ({
          name,
          partitions: indexes.map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp })),
        }));
        const response = await this.#gateway.onBroker(leader, `listing offsets on broker ${leader}`, (connection) =>
          listOffsetsV7.api.async(connection, CONSUMER_REPLICA, READ_UNCOMMITTED, request),
        );
        for (const topic of response.topics) {
          for (const partition of topic.partitions) {
            if (partition.errorCode !== 0)
              throw AdminError.fromKafka(partition.errorCode, `listing the offsets of ${topic.name}-${partition.partitionIndex}`);
            offsets.set(partitionKey({ topic: topic.name, partition: partition.partitionIndex }), Number(partition.offset));
          }
        }
      }),
    );
    return offsets;
  }

  earliest(partitions: readonly PartitionRef[]): Promise<Map<string, number>> {
    return this.at(partitions, EARLIEST);
  }

  latest(partitions: readonly PartitionRef[]): Promise<Map<string, number>> {
    return this.at(partitions, LATEST);
  }
}
