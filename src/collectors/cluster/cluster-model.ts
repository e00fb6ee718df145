/** What one collection cycle read from the cluster, before it becomes metrics. */
import type { StageOutcomes } from '../stage-report.ts';

export interface BrokerState {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
}

export interface PartitionState {
  readonly partition: number;
  /** -1 when the partition has no leader (offline). */
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly offlineReplicas: readonly number[];
}

export interface TopicState {
  readonly name: string;
  readonly id: string;
  readonly internal: boolean;
  readonly partitions: readonly PartitionState[];
}

export interface PartitionOffsets {
  readonly earliest: number;
  readonly latest: number;
}

export interface LogDirState {
  readonly broker: number;
  readonly path: string;
  /** Kafka error code name, NONE when the directory is online. */
  readonly error: string;
  /** -1 when the broker does not report it. */
  readonly totalBytes: number;
  readonly usableBytes: number;
  readonly partitions: readonly { topic: string; partition: number; sizeBytes: number; future: boolean }[];
}

export interface GroupMemberState {
  readonly memberId: string;
  readonly clientId: string;
  /** As the coordinator reports it: Kafka writes it as Java prints an address, /10.0.0.1. */
  readonly clientHost: string;
  /** Assigned partitions per topic. */
  readonly assignment: ReadonlyMap<string, readonly number[]>;
}

export interface GroupState {
  readonly id: string;
  /** classic or consumer (KIP-848); other group types are not consumer groups. */
  readonly type: string;
  readonly state: string;
  readonly protocolType: string;
  /** Assignor (classic: the chosen protocol; consumer: the server-side assignor). */
  readonly protocol: string;
  readonly coordinator: number;
  readonly members: readonly GroupMemberState[];
  /** Committed offsets by topic, then partition; absent when they could not be read. */
  readonly offsets: ReadonlyMap<string, ReadonlyMap<number, number>> | undefined;
  readonly error: string | undefined;
}

export interface QuorumState {
  readonly leaderId: number;
  readonly leaderEpoch: number;
  readonly highWatermark: number;
}

export interface ClusterState {
  readonly timeSeconds: number;
  readonly clusterId: string;
  readonly controllerId: number;
  readonly brokers: readonly BrokerState[];
  readonly topics: readonly TopicState[];
  readonly topicConfigs: ReadonlyMap<string, ReadonlyMap<string, string>> | undefined;
  readonly offsets: ReadonlyMap<string, ReadonlyMap<number, PartitionOffsets>> | undefined;
  readonly logDirs: readonly LogDirState[] | undefined;
  readonly groups: readonly GroupState[] | undefined;
  readonly quorum: QuorumState | undefined;
  /** How each stage went; a failed stage's metrics are absent. */
  readonly stages: StageOutcomes;
}
