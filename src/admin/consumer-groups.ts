import {
  consumerGroupDescribeV0,
  deleteGroupsV2,
  describeGroupsV5,
  findCoordinatorV4,
  listGroupsV5,
  offsetCommitV8,
  offsetDeleteV0,
  offsetFetchV8,
} from '@platformatic/kafka';
import { decodeConsumerAssignment } from '../kafka/consumer-assignment.ts';
import { errorCodeName } from '../protocol/error-codes.ts';
import { AdminError } from './admin-error.ts';
import type { ClusterGateway } from './cluster-gateway.ts';
import type { PartitionOffsets } from './partition-offsets.ts';
import { partitionKey, planReset, strategyTime, type PartitionRef, type PlannedOffset, type ResetStrategy } from './offset-reset.ts';

export interface GroupMember {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  /** topic -> partitions */
  readonly assignment: ReadonlyMap<string, readonly number[]>;
}

export interface GroupSummary {
  readonly id: string;
  /** classic or consumer (KIP-848). */
  readonly type: string;
  readonly state: string;
  readonly protocolType: string;
}

export interface GroupDescription extends GroupSummary {
  readonly coordinator: number;
  /** The assignor (partition_assignor). */
  readonly protocol: string;
  readonly members: readonly GroupMember[];
}

/** Which partitions a reset covers: those the group committed for, or the named topics (all or some partitions). */
export type ResetScope =
  | { readonly allTopics: true }
  | { readonly topics: readonly { readonly topic: string; readonly partitions?: readonly number[] }[] };

export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly currentOffset: number;
  readonly logEndOffset: number;
  readonly lag: number;
  readonly member: GroupMember | undefined;
}

const GROUP_KEY = 0;
const GROUP_ID_NOT_FOUND = 69;
/** A commit by an administrator, outside any generation: only an empty group accepts it. */
const NO_GENERATION = -1;
/** What Kafka answers an administrator's commit when the group has members (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS, STALE_MEMBER_EPOCH). */
const GROUP_BECAME_ACTIVE = new Set([22, 25, 27, 113]);

const typeOf = (groupType: string): string => (groupType === '' ? 'classic' : groupType.toLowerCase());

/** Consumer groups: read, committed offsets and lag, offsets committed for them, deleted. */
export class ConsumerGroupService {
  readonly #gateway: ClusterGateway;
  readonly #offsets: PartitionOffsets;

  constructor(gateway: ClusterGateway, offsets: PartitionOffsets) {
    this.#gateway = gateway;
    this.#offsets = offsets;
  }

  /** Every group of every broker (each lists the groups it coordinates). */
  async list(): Promise<GroupSummary[]> {
    const { brokers } = await this.#gateway.brokers();
    const groups = new Map<string, GroupSummary>();
    await Promise.all(
      brokers.map(async (broker) => {
        const response = await this.#gateway.onBroker(broker.id, `listing the groups of broker ${broker.id}`, (connection) =>
          listGroupsV5.api.async(connection, [], []),
        );
        for (const group of response.groups) {
          groups.set(group.groupId, {
            id: group.groupId,
            type: typeOf(group.groupType),
            state: group.groupState,
            protocolType: group.protocolType,
          });
        }
      }),
    );
    return [...groups.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  async #coordinator(groupId: string): Promise<number> {
    const { brokers } = await this.#gateway.brokers();
    const [first] = brokers;
    if (!first) throw new AdminError('unavailable', 'the cluster has no brokers');
    const response = await this.#gateway.onBroker(first.id, `finding the coordinator of group ${groupId}`, (connection) =>
      findCoordinatorV4.api.async(connection, GROUP_KEY, [groupId]),
    );
    const found = response.coordinators.find((entry) => entry.key === groupId);
    if (!found) throw new AdminError('unavailable', `finding the coordinator of group ${groupId}: no answer`);
    if (found.errorCode !== 0)
      throw AdminError.fromKafka(found.errorCode, `finding the coordinator of group ${groupId}`, found.errorMessage);
    return found.nodeId;
  }

  /** The group as its coordinator knows it; 404 when it has neither members nor committed offsets. */
  async describe(groupId: string): Promise<GroupDescription> {
    const coordinator = await this.#coordinator(groupId);
    const listed = await this.#gateway.onBroker(coordinator, `listing the groups of broker ${coordinator}`, (connection) =>
      listGroupsV5.api.async(connection, [], []),
    );
    const summary = listed.groups.find((group) => group.groupId === groupId);
    if (!summary) throw new AdminError('not-found', `consumer group ${groupId} not found`, { kafkaError: 'GROUP_ID_NOT_FOUND' });
    const base = {
      id: groupId,
      type: typeOf(summary.groupType),
      state: summary.groupState,
      protocolType: summary.protocolType,
      coordinator,
    };
    if (base.type === 'consumer') {
      const response = await this.#gateway.onBroker(coordinator, `describing group ${groupId}`, (connection) =>
        consumerGroupDescribeV0.api.async(connection, [groupId], false),
      );
      const group = response.groups[0];
      if (!group || group.errorCode === GROUP_ID_NOT_FOUND)
        throw new AdminError('not-found', `consumer group ${groupId} not found`, { kafkaError: 'GROUP_ID_NOT_FOUND' });
      if (group.errorCode !== 0) throw AdminError.fromKafka(group.errorCode, `describing group ${groupId}`, group.errorMessage);
      return {
        ...base,
        state: group.groupState,
        protocol: group.assignorName,
        members: group.members.map((member) => ({
          memberId: member.memberId,
          instanceId: member.instanceId ?? null,
          clientId: member.clientId,
          clientHost: member.clientHost.replace(/^\//, ''),
          assignment: new Map(member.assignment.topicPartitions.map((topic) => [topic.topicName, topic.partitions])),
        })),
      };
    }
    const response = await this.#gateway.onBroker(coordinator, `describing group ${groupId}`, (connection) =>
      describeGroupsV5.api.async(connection, [groupId], false),
    );
    const group = response.groups[0];
    if (!group) throw new AdminError('unavailable', `describing group ${groupId}: no answer`);
    if (group.errorCode !== 0) throw AdminError.fromKafka(group.errorCode, `describing group ${groupId}`);
    return {
      ...base,
      state: group.groupState,
      protocol: group.protocolData,
      members: group.members.map((member) => ({
        memberId: member.memberId,
        instanceId: member.groupInstanceId ?? null,
        clientId: member.clientId,
        clientHost: member.clientHost.replace(/^\//, ''),
        assignment: group.protocolType === 'consumer' ? decodeConsumerAssignment(member.memberAssignment) : new Map<string, number[]>(),
      })),
    };
  }

  /** Committed offsets of the group, by topic and partition. */
  async committedOffsets(group: GroupDescription): Promise<PartitionOffset[]> {
    const response = await this.#gateway.onBroker(group.coordinator, `reading the offsets of group ${group.id}`, (connection) =>
      offsetFetchV8.api.async(connection, [{ groupId: group.id, memberEpoch: -1, topics: null }], false),
    );
    const fetched = response.groups[0];
    if (!fetched) throw new AdminError('unavailable', `reading the offsets of group ${group.id}: no answer`);
    if (fetched.errorCode !== 0) throw AdminError.fromKafka(fetched.errorCode, `reading the offsets of group ${group.id}`);
    return fetched.topics
      .flatMap((topic) =>
        topic.partitions
          .filter((partition) => partition.errorCode === 0 && partition.committedOffset >= 0n)
          .map((partition) => ({ topic: topic.name, partition: partition.partitionIndex, offset: Number(partition.committedOffset) })),
      )
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  /** Lag of every partition the group committed for: log end offset minus committed offset, never below 0. */
  async lags(group: GroupDescription): Promise<PartitionLag[]> {
    const committed = await this.committedOffsets(group);
    if (committed.length === 0) return [];
    const ends = await this.#offsets.latest(committed);
    const ownerOf = (topic: string, partition: number): GroupMember | undefined =>
      group.members.find((member) => member.assignment.get(topic)?.includes(partition));
    return committed.map(({ topic, partition, offset }) => {
      const logEndOffset = ends.get(partitionKey({ topic, partition })) ?? offset;
      return {
        topic,
        partition,
        currentOffset: offset,
        logEndOffset,
        lag: Math.max(0, logEndOffset - offset),
        member: ownerOf(topic, partition),
      };
    });
  }

  /** Commits offsets for an empty group, as an administrator (no generation, no member). */
  async commit(group: GroupDescription, offsets: readonly PartitionOffset[]): Promise<void> {
    const byTopic = new Map<string, PartitionOffset[]>();
    for (const entry of offsets) byTopic.set(entry.topic, [...(byTopic.get(entry.topic) ?? []), entry]);
    const topics = [...byTopic].map(([name, entries]) => ({
      name,
      partitions: entries.map((entry) => ({
        partitionIndex: entry.partition,
        committedOffset: BigInt(entry.offset),
        committedLeaderEpoch: -1,
        committedMetadata: null,
      })),
    }));
    const response = await this.#gateway.onBroker(group.coordinator, `committing offsets for group ${group.id}`, (connection) =>
      offsetCommitV8.api.async(connection, group.id, NO_GENERATION, '', null, topics),
    );
    for (const topic of response.topics) {
      const failed = topic.partitions.find((partition) => partition.errorCode !== 0);
      if (!failed) continue;
      if (GROUP_BECAME_ACTIVE.has(failed.errorCode)) {
        throw new AdminError(
          'conflict',
          `group ${group.id} has members again: Kafka refused the commit (${errorCodeName(failed.errorCode)}); stop its consumers and retry`,
          { kafkaError: errorCodeName(failed.errorCode) },
        );
      }
      throw AdminError.fromKafka(failed.errorCode, `committing offsets for group ${group.id} on ${topic.name}-${failed.partitionIndex}`);
    }
  }

  /** Deletes the group; Kafka refuses while it has members (NON_EMPTY_GROUP). */
  async delete(group: GroupDescription): Promise<void> {
    const response = await this.#gateway.onBroker(group.coordinator, `deleting group ${group.id}`, (connection) =>
      deleteGroupsV2.api.async(connection, [group.id]),
    );
    const result = response.results.find((entry) => entry.groupId === group.id);
    if (result && result.errorCode !== 0) throw AdminError.fromKafka(result.errorCode, `deleting group ${group.id}`);
  }

  /** Deletes the group's committed offsets of one topic; Kafka refuses while a member reads it (GROUP_SUBSCRIBED_TO_TOPIC). */
  async deleteOffsets(group: GroupDescription, topic: string, partitions: readonly number[]): Promise<void> {
    const response = await this.#gateway.onBroker(
      group.coordinator,
      `deleting the offsets of group ${group.id} on ${topic}`,
      (connection) =>
        offsetDeleteV0.api.async(connection, group.id, [
          { name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex })) },
        ]),
    );
    if (response.errorCode !== 0) throw AdminError.fromKafka(response.errorCode, `deleting the offsets of group ${group.id} on ${topic}`);
    for (const entry of response.topics) {
      const failed = entry.partitions.find((partition) => partition.errorCode !== 0);
      if (failed)
        throw AdminError.fromKafka(failed.errorCode, `deleting the offsets of group ${group.id} on ${entry.name}-${failed.partitionIndex}`);
    }
  }

  async #scopePartitions(scope: ResetScope, committed: readonly PartitionOffset[]): Promise<PartitionRef[]> {
    if ('allTopics' in scope) return committed.map(({ topic, partition }) => ({ topic, partition }));
    const metadata = await this.#gateway.metadata(scope.topics.map((entry) => entry.topic));
    return scope.topics.flatMap(({ topic, partitions }) => {
      const described = metadata.topics.find((entry) => entry.name === topic);
      if (!described || described.errorCode !== 0)
        throw new AdminError('not-found', `topic ${topic} not found`, { kafkaError: 'UNKNOWN_TOPIC_OR_PARTITION' });
      const existing = described.partitions.map((entry) => entry.partitionIndex).sort((a, b) => a - b);
      for (const partition of partitions ?? []) {
        if (!existing.includes(partition))
          throw new AdminError('not-found', `topic ${topic} has no partition ${partition}`, { kafkaError: 'UNKNOWN_TOPIC_OR_PARTITION' });
      }
      return (partitions ?? existing).map((partition) => ({ topic, partition }));
    });
  }

  /**
   * Moves the committed offsets of an existing group with no members. The dry run computes the
   * same plan and commits nothing. Refused (409) while the group has members, since they would
   * overwrite the offsets with their own.
   */
  async resetOffsets(
    groupId: string,
    scope: ResetScope,
    strategy: ResetStrategy,
    options: { dryRun: boolean; clamp: boolean; now?: number },
  ): Promise<PlannedOffset[]> {
    const group = await this.describe(groupId);
    if (group.members.length > 0) {
      throw new AdminError(
        'conflict',
        `group ${groupId} has ${group.members.length} member(s) (state ${group.state}): stop its consumers before resetting its offsets`,
        { kafkaError: 'NON_EMPTY_GROUP' },
      );
    }
    const committed = await this.committedOffsets(group);
    const partitions = await this.#scopePartitions(scope, committed);
    if (partitions.length === 0) throw new AdminError('invalid', `group ${groupId} has no committed offsets in scope: name the topics`);
    const time = strategyTime(strategy, options.now ?? Date.now());
    const [earliest, latest, atTime] = await Promise.all([
      this.#offsets.earliest(partitions),
      this.#offsets.latest(partitions),
      time === undefined ? undefined : this.#offsets.at(partitions, BigInt(time)),
    ]);
    const plan = planReset({
      partitions,
      current: new Map(committed.map((entry) => [partitionKey(entry), entry.offset])),
      earliest,
      latest,
      ...(atTime ? { atTime } : {}),
      strategy,
      clamp: options.clamp,
    });
    if (!options.dryRun)
      await this.commit(
        group,
        plan.map((entry) => ({ topic: entry.topic, partition: entry.partition, offset: entry.new })),
      );
    return plan;
  }
}
