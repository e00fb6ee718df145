import {
  consumerGroupDescribeV0,
  describeConfigsV4,
  describeGroupsV5,
  describeLogDirsV4,
  fetchV12,
  findCoordinatorV4,
  listGroupsV5,
  listOffsetsV7,
  offsetFetchV8,
  type Admin,
  type Connection,
  type RecordsBatch,
} from '@platformatic/kafka';
import { describeMetadataQuorum } from '../../kafka/describe-quorum.ts';
import { listTopics } from '../../kafka/topic-listing.ts';
import { describeKafkaError } from '../../kafka/errors.ts';
import { tolerant } from '../../kafka/tolerant-response.ts';
import { errorCodeName } from '../../protocol/error-codes.ts';
import { chunk, mapWithConcurrency, withTimeout } from '../../util/concurrency.ts';
import { TimeSlicer } from '../../util/time-slicer.ts';
import type { BrokerState, GroupMemberState, GroupState, LogDirState, PartitionOffsets, QuorumState, TopicState } from './cluster-model.ts';
import { decodeConsumerAssignment } from '../../kafka/consumer-assignment.ts';

const EARLIEST = -2n;
const LATEST = -1n;
const READ_UNCOMMITTED = 0;
const CONSUMER_REPLICA = -1;
const OFFSETS_PER_REQUEST = 1000;
const GROUP_KEY_TYPE = 0;
/** No fetch session: the request stands alone. */
const NO_SESSION = 0;
const FINAL_SESSION_EPOCH = -1;
const LOG_APPEND_TIME = 0x08;
const TOPIC_RESOURCE = 2;

/** A record to read for its timestamp: the first one at or after `offset`, at the partition's leader. */
export interface RecordTimestampRead {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly leader: number;
}

/** Milliseconds since the epoch of the first record at or after `offset` in these batches; undefined when they hold none. */
export function recordTimestamp(batches: readonly RecordsBatch[], offset: number): number | undefined {
  for (const batch of batches) {
    const base = Number(batch.firstOffset);
    for (const record of batch.records) {
      if (base + record.offsetDelta < offset) continue;
      return Number((batch.attributes & LOG_APPEND_TIME) !== 0 ? batch.maxTimestamp : batch.firstTimestamp + record.timestampDelta);
    }
  }
  return undefined;
}

export interface ReaderLimits {
  readonly stageTimeoutSeconds: number;
  readonly concurrency: number;
  /** Groups per DescribeGroups / OffsetFetch request. */
  readonly groupsPerRequest: number;
}

const toNumber = (value: bigint | number): number => Number(value);

export const recordTimestampKey = (topic: string, partition: number, offset: number): string => `${topic}\u0000${partition}\u0000${offset}`;

/** Reads the cluster through the Kafka protocol, one request per broker or coordinator and batch. */
export class KafkaClusterReader {
  readonly #admin: Admin;
  readonly #limits: ReaderLimits;
  /** One slicer for every batch of requests: their encoding and handling take turns with scrapes and the capture. */
  readonly #slicer = new TimeSlicer();
  readonly #connections = new Map<number, Connection>();

  constructor(admin: Admin, limits: ReaderLimits) {
    this.#admin = admin;
    this.#limits = limits;
  }

  /** Maps items with at most the configured number of requests in flight, each started on a turn of the slicer. */
  #concurrently<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
    return mapWithConcurrency(items, this.#limits.concurrency, fn, this.#slicer);
  }

  #timed<T>(promise: Promise<T>, what: string): Promise<T> {
    return withTimeout(promise, this.#limits.stageTimeoutSeconds, what);
  }

  async #connection(brokerId: number): Promise<Connection> {
    const known = this.#connections.get(brokerId);
    if (known) return known;
    const connections = await this.#timed(this.#admin.connectToBrokers([brokerId]), `connecting to broker ${brokerId}`);
    const connection = connections.get(brokerId);
    if (!connection) throw new Error(`broker ${brokerId} is not in the cluster metadata`);
    this.#connections.set(brokerId, connection);
    return connection;
  }

  /** Brokers, cluster id, the controller the metadata names, and every topic with its partitions. */
  async readMetadata(): Promise<{ clusterId: string; controllerId: number; brokers: BrokerState[]; topics: TopicState[] }> {
    const cluster = await this.#timed(this.#admin.metadata({ topics: [], forceUpdate: true }), 'cluster metadata');
    const brokers = [...cluster.brokers].map(([id, broker]) => ({ id, host: broker.host, port: broker.port, rack: broker.rack ?? null }));
    const failures: string[] = [];
    for (const broker of brokers) {
      try {
        const connection = await this.#connection(broker.id);
        const response = await listTopics(connection, this.#limits.stageTimeoutSeconds);
        const topics = response.topics
          .filter((topic) => topic.errorCode === 0 && Boolean(topic.name))
          .map((topic) => ({
            name: topic.name!,
            id: topic.topicId,
            internal: topic.isInternal,
            partitions: topic.partitions
              .map((partition) => ({
                partition: partition.partitionIndex,
                leader: partition.leaderId,
                replicas: partition.replicaNodes,
                isr: partition.isrNodes,
                offlineReplicas: partition.offlineReplicas,
              }))
              .sort((a, b) => a.partition - b.partition),
          }));
        return { clusterId: response.clusterId ?? cluster.id, controllerId: response.controllerId, brokers, topics };
      } catch (error) {
        this.#connections.delete(broker.id);
        failures.push(`broker ${broker.id}: ${describeKafkaError(error)}`);
      }
    }
    throw new Error(`no broker answered the topic metadata request (${failures.join('; ')})`);
  }

  /** The KRaft quorum leader is the active controller; undefined on ZooKeeper clusters. */
  async readQuorum(anyBroker: number): Promise<QuorumState | undefined> {
    const connection = await this.#connection(anyBroker);
    const quorum = await describeMetadataQuorum(connection, this.#limits.stageTimeoutSeconds);
    return quorum && { leaderId: quorum.leaderId, leaderEpoch: quorum.leaderEpoch, highWatermark: quorum.highWatermark };
  }

  /** Chosen configs of every topic, batched. */
  async readTopicConfigs(
    topics: readonly string[],
    configNames: readonly string[],
    anyBroker: number,
  ): Promise<Map<string, Map<string, string>>> {
    const configs = new Map<string, Map<string, string>>();
    if (topics.length === 0 || configNames.length === 0) return configs;
    const connection = await this.#connection(anyBroker);
    await this.#concurrently(chunk(topics, 500), async (batch) => {
      const resources = batch.map((name) => ({
        resourceType: TOPIC_RESOURCE as 2,
        resourceName: name,
        configurationKeys: [...configNames],
      }));
      const response = await this.#timed(tolerant(describeConfigsV4.api.async(connection, resources, false, false)), 'topic configs');
      for (const result of response.results) {
        if (result.errorCode !== 0) continue;
        configs.set(
          result.resourceName,
          new Map(result.configs.filter((config) => config.value !== null).map((config) => [config.name, config.value!])),
        );
      }
    });
    return configs;
  }

  /**
   * Earliest and latest offsets of every partition with a leader, per leader and end in requests of at
   * most OFFSETS_PER_REQUEST partitions: encoding or decoding one holds the event loop a few milliseconds.
   */
  async readOffsets(topics: readonly TopicState[]): Promise<{ offsets: Map<string, Map<number, PartitionOffsets>>; failures: string[] }> {
    const byLeader = new Map<number, { topic: string; partition: number }[]>();
    for (const topic of topics) {
      for (const { partition, leader } of topic.partitions) {
        if (leader < 0) continue;
        let led = byLeader.get(leader);
        if (!led) byLeader.set(leader, (led = []));
        led.push({ topic: topic.name, partition });
      }
    }
    const earliest = new Map<string, Map<number, number>>();
    const latest = new Map<string, Map<number, number>>();
    const failures: string[] = [];
    const requests = [...byLeader].flatMap(([leader, led]) =>
      chunk(led, OFFSETS_PER_REQUEST).flatMap((batch) => {
        const leaderTopics = new Map<string, number[]>();
        for (const { topic, partition } of batch) {
          let partitions = leaderTopics.get(topic);
          if (!partitions) leaderTopics.set(topic, (partitions = []));
          partitions.push(partition);
        }
        return [
          { leader, leaderTopics, timestamp: EARLIEST, into: earliest },
          { leader, leaderTopics, timestamp: LATEST, into: latest },
        ];
      }),
    );
    await this.#concurrently(requests, async ({ leader, leaderTopics, timestamp, into }) => {
      try {
        const connection = await this.#connection(leader);
        const request = [...leaderTopics].map(([name, partitions]) => ({
          name,
          partitions: partitions.map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp })),
        }));
        const response = await this.#timed(
          tolerant(listOffsetsV7.api.async(connection, CONSUMER_REPLICA, READ_UNCOMMITTED, request)),
          `offsets from leader ${leader}`,
        );
        for (const topic of response.topics) {
          let partitions = into.get(topic.name);
          if (!partitions) into.set(topic.name, (partitions = new Map()));
          for (const partition of topic.partitions) {
            if (partition.errorCode === 0) partitions.set(partition.partitionIndex, toNumber(partition.offset));
          }
        }
      } catch (error) {
        this.#connections.delete(leader);
        failures.push(`leader ${leader}: ${describeKafkaError(error)}`);
      }
    });
    const offsets = new Map<string, Map<number, PartitionOffsets>>();
    for (const [topic, partitions] of latest) {
      const merged = new Map<number, PartitionOffsets>();
      for (const [partition, latestOffset] of partitions) {
        const earliestOffset = earliest.get(topic)?.get(partition);
        if (earliestOffset !== undefined) merged.set(partition, { earliest: earliestOffset, latest: latestOffset });
      }
      offsets.set(topic, merged);
    }
    return { offsets, failures };
  }

  /**
   * The timestamp of one record per read, keyed by recordTimestampKey: a Fetch of one partition at the
   * offset with a 1-byte limit, which the broker answers with exactly the batch holding it (KIP-74), joining
   * no group and committing nothing.
   */
  async readRecordTimestamps(reads: readonly RecordTimestampRead[]): Promise<{ timestamps: Map<string, number>; failures: string[] }> {
    const timestamps = new Map<string, number>();
    const failures: string[] = [];
    await this.#concurrently([...reads], async (read) => {
      const where = `${read.topic}-${read.partition} at ${read.offset}`;
      try {
        const connection = await this.#connection(read.leader);
        const partition = {
          partition: read.partition,
          currentLeaderEpoch: -1,
          fetchOffset: BigInt(read.offset),
          lastFetchedEpoch: -1,
          partitionMaxBytes: 1,
        };
        const response = await this.#timed(
          tolerant(
            fetchV12.api.async(
              connection,
              0,
              0,
              1,
              READ_UNCOMMITTED,
              NO_SESSION,
              FINAL_SESSION_EPOCH,
              [{ topicId: read.topic, partitions: [partition] }],
              [],
              '',
            ),
          ),
          `record timestamp of ${where}`,
        );
        const answer = response.responses[0]?.partitions[0];
        const timestamp = answer?.errorCode === 0 ? recordTimestamp(answer.records ?? [], read.offset) : undefined;
        if (timestamp !== undefined) timestamps.set(recordTimestampKey(read.topic, read.partition, read.offset), timestamp);
        else
          failures.push(
            `${where}: ${answer ? (answer.errorCode === 0 ? 'no record' : errorCodeName(answer.errorCode)) : 'no partition in the answer'}`,
          );
      } catch (error) {
        this.#connections.delete(read.leader);
        failures.push(`${where}: ${describeKafkaError(error)}`);
      }
    });
    return { timestamps, failures };
  }

  /** Log directories of every broker, with the size of every replica they hold. */
  async readLogDirs(brokers: readonly number[]): Promise<{ logDirs: LogDirState[]; failures: string[] }> {
    const failures: string[] = [];
    const perBroker = await this.#concurrently([...brokers], async (broker) => {
      try {
        const connection = await this.#connection(broker);
        const response = await this.#timed(tolerant(describeLogDirsV4.api.async(connection, null)), `log dirs of broker ${broker}`);
        return response.results.map(
          (result): LogDirState => ({
            broker,
            path: result.logDir,
            error: errorCodeName(result.errorCode),
            totalBytes: toNumber(result.totalBytes),
            usableBytes: toNumber(result.usableBytes),
            partitions: result.topics.flatMap((topic) =>
              topic.partitions.map((partition) => ({
                topic: topic.name,
                partition: partition.partitionIndex,
                sizeBytes: toNumber(partition.partitionSize),
                future: partition.isFutureKey,
              })),
            ),
          }),
        );
      } catch (error) {
        failures.push(`broker ${broker}: ${describeKafkaError(error)}`);
        return [];
      }
    });
    return { logDirs: perBroker.flat(), failures };
  }

  /** Every consumer group (classic and KIP-848), its members and assignments, and its committed offsets. */
  async readGroups(
    brokers: readonly number[],
    includeGroup: (id: string) => boolean,
  ): Promise<{ groups: GroupState[]; failures: string[] }> {
    const failures: string[] = [];
    const listed = new Map<string, { type: string; state: string; protocolType: string }>();
    await this.#concurrently([...brokers], async (broker) => {
      try {
        const connection = await this.#connection(broker);
        const response = await this.#timed(listGroupsV5.api.async(connection, [], []), `groups of broker ${broker}`);
        for (const group of response.groups) {
          const type = group.groupType === '' ? 'classic' : group.groupType.toLowerCase();
          if (!includeGroup(group.groupId)) continue;
          if (group.protocolType !== 'consumer' && group.protocolType !== '' && type === 'classic') continue;
          if (type !== 'classic' && type !== 'consumer') continue;
          listed.set(group.groupId, { type, state: group.groupState, protocolType: group.protocolType });
        }
      } catch (error) {
        failures.push(`listing groups on broker ${broker}: ${describeKafkaError(error)}`);
      }
    });
    if (listed.size === 0) return { groups: [], failures };

    const coordinators = await this.#findCoordinators([...listed.keys()], brokers[0]!, failures);
    const byCoordinator = new Map<number, string[]>();
    for (const [groupId, coordinator] of coordinators) {
      let groups = byCoordinator.get(coordinator);
      if (!groups) byCoordinator.set(coordinator, (groups = []));
      groups.push(groupId);
    }

    const groups: GroupState[] = [];
    const batches = [...byCoordinator].flatMap(([coordinator, ids]) =>
      chunk(ids, this.#limits.groupsPerRequest).map((batch) => ({ coordinator, batch })),
    );
    await this.#concurrently(batches, async ({ coordinator, batch }) => {
      try {
        const connection = await this.#connection(coordinator);
        const classic = batch.filter((id) => listed.get(id)!.type === 'classic');
        const consumer = batch.filter((id) => listed.get(id)!.type === 'consumer');
        const [described, offsets] = await Promise.all([
          this.#describeGroups(connection, classic, consumer),
          this.#timed(
            tolerant(
              offsetFetchV8.api.async(
                connection,
                batch.map((groupId) => ({ groupId, memberEpoch: -1, topics: null })),
                false,
              ),
            ),
            `offsets of groups at coordinator ${coordinator}`,
          ),
        ]);
        const offsetsByGroup = new Map(offsets.groups.map((group) => [group.groupId, group]));
        for (const id of batch) {
          const summary = listed.get(id)!;
          const description = described.get(id);
          const fetched = offsetsByGroup.get(id);
          const offsetError = fetched === undefined ? 'no answer' : fetched.errorCode !== 0 ? errorCodeName(fetched.errorCode) : undefined;
          const committed = new Map<string, Map<number, number>>();
          for (const topic of fetched?.topics ?? []) {
            const partitions = new Map<number, number>();
            for (const partition of topic.partitions) {
              if (partition.errorCode === 0 && partition.committedOffset >= 0n)
                partitions.set(partition.partitionIndex, toNumber(partition.committedOffset));
            }
            if (partitions.size > 0) committed.set(topic.name, partitions);
          }
          groups.push({
            id,
            type: summary.type,
            state: description?.state ?? summary.state,
            protocolType: summary.protocolType,
            protocol: description?.protocol ?? '',
            coordinator,
            members: description?.members ?? [],
            offsets: offsetError ? undefined : committed,
            error: offsetError ?? description?.error,
          });
        }
      } catch (error) {
        this.#connections.delete(coordinator);
        failures.push(`groups at coordinator ${coordinator}: ${describeKafkaError(error)}`);
        for (const id of batch) {
          const summary = listed.get(id)!;
          groups.push({
            id,
            type: summary.type,
            state: summary.state,
            protocolType: summary.protocolType,
            protocol: '',
            coordinator,
            members: [],
            offsets: undefined,
            error: describeKafkaError(error),
          });
        }
      }
    });
    return { groups, failures };
  }

  async #findCoordinators(groupIds: readonly string[], anyBroker: number, failures: string[]): Promise<Map<string, number>> {
    const coordinators = new Map<string, number>();
    const connection = await this.#connection(anyBroker);
    await this.#concurrently(chunk(groupIds, 500), async (batch) => {
      const response = await this.#timed(tolerant(findCoordinatorV4.api.async(connection, GROUP_KEY_TYPE, batch)), 'group coordinators');
      for (const coordinator of response.coordinators) {
        if (coordinator.errorCode === 0) coordinators.set(coordinator.key, coordinator.nodeId);
        else failures.push(`coordinator of group ${coordinator.key}: ${errorCodeName(coordinator.errorCode)}`);
      }
    });
    return coordinators;
  }

  async #describeGroups(
    connection: Connection,
    classic: readonly string[],
    consumer: readonly string[],
  ): Promise<Map<string, { state: string; protocol: string; members: GroupMemberState[]; error: string | undefined }>> {
    const described = new Map<string, { state: string; protocol: string; members: GroupMemberState[]; error: string | undefined }>();
    if (classic.length > 0) {
      const response = await this.#timed(
        tolerant(describeGroupsV5.api.async(connection, [...classic], false)),
        'describing classic groups',
      );
      for (const group of response.groups) {
        described.set(group.groupId, {
          state: group.groupState,
          protocol: group.protocolData,
          error: group.errorCode === 0 ? undefined : errorCodeName(group.errorCode),
          members: group.members.map((member) => ({
            memberId: member.memberId,
            clientId: member.clientId,
            clientHost: member.clientHost,
            assignment: group.protocolType === 'consumer' ? decodeConsumerAssignment(member.memberAssignment) : new Map(),
          })),
        });
      }
    }
    if (consumer.length > 0) {
      const response = await this.#timed(
        tolerant(consumerGroupDescribeV0.api.async(connection, [...consumer], false)),
        'describing consumer groups',
      );
      for (const group of response.groups) {
        described.set(group.groupId, {
          state: group.groupState,
          protocol: group.assignorName,
          error: group.errorCode === 0 ? undefined : errorCodeName(group.errorCode),
          members: group.members.map((member) => ({
            memberId: member.memberId,
            clientId: member.clientId,
            clientHost: member.clientHost,
            assignment: new Map(member.assignment.topicPartitions.map((topic) => [topic.topicName, topic.partitions])),
          })),
        });
      }
    }
    return described;
  }

  forgetConnections(): void {
    this.#connections.clear();
  }
}
