import { apiVersionsV3, describeQuorumV1, type Connection } from '@platformatic/kafka';
import { ApiKey } from '../protocol/api-keys.ts';
import { VERSION } from '../version.ts';
import { withTimeout } from '../util/concurrency.ts';
import { describeKafkaError } from './errors.ts';

const METADATA_TOPIC = '__cluster_metadata';

export interface QuorumReplica {
  readonly replicaId: number;
  readonly logEndOffset: number;
  /** Leader's wall clock (ms) at the replica's last fetch; undefined when unknown (-1). */
  readonly lastFetchTimestampMs: number | undefined;
  readonly lastCaughtUpTimestampMs: number | undefined;
}

/** The KRaft controller quorum as its leader describes it. */
export interface QuorumDescription {
  readonly leaderId: number;
  readonly leaderEpoch: number;
  readonly highWatermark: number;
  readonly voters: readonly QuorumReplica[];
  readonly observers: readonly QuorumReplica[];
}

const knownTimestamp = (value: bigint): number | undefined => (value < 0n ? undefined : Number(value));

/**
 * DescribeQuorum of the metadata log through any broker (it forwards to the controllers); undefined on
 * ZooKeeper clusters. Their brokers close the connection on an API they do not know, which would break
 * every other request in flight on it, so ApiVersions is asked first.
 */
export async function describeMetadataQuorum(connection: Connection, timeoutSeconds: number): Promise<QuorumDescription | undefined> {
  const versions = await withTimeout(apiVersionsV3.api.async(connection, 'kafka-sonar', VERSION), timeoutSeconds, 'API versions');
  if (!versions.apiKeys.some((api) => api.apiKey === ApiKey.DescribeQuorum && api.maxVersion >= 1)) return undefined;
  try {
    const response = await withTimeout(
      describeQuorumV1.api.async(connection, [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0 }] }]),
      timeoutSeconds,
      'quorum',
    );
    const partition = response.topics[0]?.partitions[0];
    if (!partition) return undefined;
    const replica = (entry: (typeof partition.currentVoters)[number]): QuorumReplica => ({
      replicaId: entry.replicaId,
      logEndOffset: Number(entry.logEndOffset),
      lastFetchTimestampMs: knownTimestamp(entry.lastFetchTimestamp),
      lastCaughtUpTimestampMs: knownTimestamp(entry.lastCaughtUpTimestamp),
    });
    return {
      leaderId: partition.leaderId,
      leaderEpoch: partition.leaderEpoch,
      highWatermark: Number(partition.highWatermark),
      voters: partition.currentVoters.map(replica),
      observers: partition.observers.map(replica),
    };
  } catch (error) {
    const text = describeKafkaError(error);
    if (/unsupported|not support|UNSUPPORTED_VERSION|Unknown API|INVALID_REQUEST/i.test(text)) return undefined;
    throw error;
  }
}
