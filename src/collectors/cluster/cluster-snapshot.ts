import {
  clusterMetrics,
  consumerGroupMetrics,
  kafkaLagExporterMetrics,
  logDirMetrics,
  partitionMetrics,
  topicInfoMetric,
  topicMetrics,
} from '../../metrics/catalogue/index.ts';

import { Snapshot } from '../../metrics/series-store.ts';
import { TimeSlicer } from '../../util/time-slicer.ts';
import { addStageSeries } from '../stage-report.ts';
import type { ClusterHistory } from './cluster-history.ts';
import type { ClusterState, GroupMemberState, GroupState, PartitionState, TopicState } from './cluster-model.ts';
import { GROUP_STATUSES, type GroupStatus } from './group-status.ts';

export interface SnapshotSettings {
  readonly collector: string;
  readonly granularity: 'partition' | 'topic';
  readonly maxSeries: number;
  readonly topicInfoConfigs: readonly string[];
  /** --compat.kafka-lag-exporter: the cluster_name its families carry; undefined when off. */
  readonly kafkaLagExporterCluster?: string | undefined;
}

const DEFAULT_MIN_INSYNC_REPLICAS = 1;

function minInsyncReplicas(state: ClusterState, topic: string): number {
  const configured = Number(state.topicConfigs?.get(topic)?.get('min.insync.replicas'));
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_MIN_INSYNC_REPLICAS;
}

interface PartitionHealth {
  readonly offline: boolean;
  readonly underReplicated: boolean;
  readonly underMinIsr: boolean;
  /** Kafka's AtMinIsr: led, and exactly as many in sync as acks=all needs (min.insync.replicas, at most the replica count, as the brokers apply it). */
  readonly atMinIsr: boolean;
}

function partitionHealth(partition: PartitionState, minIsr: number): PartitionHealth {
  return {
    offline: partition.leader < 0,
    underReplicated: partition.isr.length < partition.replicas.length,
    underMinIsr: partition.isr.length < Math.min(minIsr, partition.replicas.length),
    atMinIsr: partition.leader >= 0 && partition.isr.length === Math.min(minIsr, partition.replicas.length),
  };
}

const flag = (value: boolean): number => (value ? 1 : 0);

/**
 * Turns one cycle's cluster state (and the history kept across cycles) into series, most important first,
 * in slices that leave the event loop free between them.
 */
export async function buildClusterSnapshot(state: ClusterState, history: ClusterHistory, settings: SnapshotSettings): Promise<Snapshot> {
  const snapshot = new Snapshot(settings.maxSeries);
  const slicer = new TimeSlicer();
  const perPartition = settings.granularity === 'partition';
  const collector = settings.collector;

  snapshot.add(clusterMetrics.up, {}, 1);
  snapshot.add(clusterMetrics.brokers, {}, state.brokers.length);
  snapshot.add(clusterMetrics.clusterInfo, { cluster_id: state.clusterId, metadata_mode: state.quorum ? 'kraft' : 'zookeeper' }, 1);
  snapshot.add(clusterMetrics.activeController, {}, state.quorum?.leaderId ?? state.controllerId);
  for (const broker of state.brokers) {
    const address = broker.host.includes(':') ? `[${broker.host}]:${broker.port}` : `${broker.host}:${broker.port}`;
    snapshot.add(
      clusterMetrics.brokerInfo,
      { id: String(broker.id), address, host: broker.host, port: String(broker.port), rack: broker.rack ?? '' },
      1,
    );
  }
  addStageSeries(snapshot, collector, state.stages);

  await addTopicSeries(snapshot, state, settings, perPartition, slicer);
  addLogDirSeries(snapshot, state, perPartition);
  await slicer.turn();
  await addGroupSeries(snapshot, state, history, perPartition, settings.kafkaLagExporterCluster, slicer);
  return snapshot;
}

async function addTopicSeries(
  snapshot: Snapshot,
  state: ClusterState,
  settings: SnapshotSettings,
  perPartition: boolean,
  slicer: TimeSlicer,
): Promise<void> {
  const infoMetric = topicInfoMetric(settings.topicInfoConfigs);
  let partitionCount = 0;
  let underReplicated = 0;
  let underMinIsr = 0;
  let atMinIsr = 0;
  let offline = 0;
  const partitionSeries: (() => void)[] = [];

  for (const topic of state.topics) {
    await slicer.turn();
    const minIsr = minInsyncReplicas(state, topic.name);
    const configs = state.topicConfigs?.get(topic.name);
    const health = topic.partitions.map((partition) => partitionHealth(partition, minIsr));
    const topicUnderReplicated = health.filter((entry) => entry.underReplicated).length;
    const topicUnderMinIsr = health.filter((entry) => entry.underMinIsr).length;
    const topicAtMinIsr = health.filter((entry) => entry.atMinIsr).length;
    const topicOffline = health.filter((entry) => entry.offline).length;
    partitionCount += topic.partitions.length;
    underReplicated += topicUnderReplicated;
    underMinIsr += topicUnderMinIsr;
    atMinIsr += topicAtMinIsr;
    offline += topicOffline;

    const labels = { topic: topic.name };
    snapshot.add(topicMetrics.partitions, labels, topic.partitions.length);
    snapshot.add(topicMetrics.replicationFactor, labels, Math.max(0, ...topic.partitions.map((partition) => partition.replicas.length)));
    const infoLabels: Record<string, string> = { topic: topic.name, topic_id: topic.id, internal: String(topic.internal) };
    settings.topicInfoConfigs.forEach((name, index) => {
      infoLabels[infoMetric.labels[3 + index]!] = configs?.get(name) ?? '';
    });
    snapshot.add(infoMetric, infoLabels, 1);
    snapshot.add(topicMetrics.underReplicatedPartitions, labels, topicUnderReplicated);
    snapshot.add(topicMetrics.underMinIsrPartitions, labels, topicUnderMinIsr);
    snapshot.add(topicMetrics.atMinIsrPartitions, labels, topicAtMinIsr);
    snapshot.add(topicMetrics.offlinePartitions, labels, topicOffline);
    const offsets = state.offsets?.get(topic.name);
    if (offsets) {
      let messages = 0;
      for (const { earliest, latest } of offsets.values()) messages += Math.max(0, latest - earliest);
      snapshot.add(topicMetrics.messages, labels, messages);
    }
    if (perPartition) partitionSeries.push(() => addPartitionSeries(snapshot, topic, health, offsets, settings.kafkaLagExporterCluster));
  }

  snapshot.add(clusterMetrics.topics, {}, state.topics.length);
  snapshot.add(clusterMetrics.partitions, {}, partitionCount);
  snapshot.add(clusterMetrics.underReplicatedPartitions, {}, underReplicated);
  snapshot.add(clusterMetrics.underMinIsrPartitions, {}, underMinIsr);
  snapshot.add(clusterMetrics.atMinIsrPartitions, {}, atMinIsr);
  snapshot.add(clusterMetrics.offlinePartitions, {}, offline);
  for (const add of partitionSeries) {
    await slicer.turn();
    add();
  }
}

function addPartitionSeries(
  snapshot: Snapshot,
  topic: TopicState,
  health: readonly PartitionHealth[],
  offsets: ReadonlyMap<number, { earliest: number; latest: number }> | undefined,
  lagExporterCluster: string | undefined,
): void {
  topic.partitions.forEach((partition, index) => {
    const labels = { topic: topic.name, partition: String(partition.partition) };
    const offset = offsets?.get(partition.partition);
    if (offset) {
      snapshot.add(partitionMetrics.currentOffset, labels, offset.latest);
      snapshot.add(partitionMetrics.oldestOffset, labels, offset.earliest);
      snapshot.add(partitionMetrics.messages, labels, Math.max(0, offset.latest - offset.earliest));
      if (lagExporterCluster !== undefined) {
        const compatLabels = { cluster_name: lagExporterCluster, ...labels };
        snapshot.add(kafkaLagExporterMetrics.partitionLatestOffset, compatLabels, offset.latest);
        snapshot.add(kafkaLagExporterMetrics.partitionEarliestOffset, compatLabels, offset.earliest);
      }
    }
    snapshot.add(partitionMetrics.leader, labels, partition.leader);
    snapshot.add(partitionMetrics.replicas, labels, partition.replicas.length);
    snapshot.add(partitionMetrics.inSyncReplicas, labels, partition.isr.length);
    snapshot.add(partitionMetrics.leaderIsPreferred, labels, flag(partition.leader >= 0 && partition.leader === partition.replicas[0]));
    snapshot.add(partitionMetrics.underReplicated, labels, flag(health[index]!.underReplicated));
    snapshot.add(partitionMetrics.underMinIsr, labels, flag(health[index]!.underMinIsr));
    snapshot.add(partitionMetrics.atMinIsr, labels, flag(health[index]!.atMinIsr));
    snapshot.add(partitionMetrics.offline, labels, flag(health[index]!.offline));
  });
}

function addLogDirSeries(snapshot: Snapshot, state: ClusterState, perPartition: boolean): void {
  if (!state.logDirs) return;
  const includedTopics = new Set(state.topics.map((topic) => topic.name));
  const brokerBytes = new Map<number, number>();
  const topicBytes = new Map<string, number>();
  let offlineDirs = 0;
  for (const dir of state.logDirs) {
    const labels = { broker: String(dir.broker), log_dir: dir.path };
    const online = dir.error === 'NONE';
    if (!online) offlineDirs++;
    snapshot.add(logDirMetrics.online, labels, flag(online));
    if (dir.totalBytes >= 0) snapshot.add(logDirMetrics.totalBytes, labels, dir.totalBytes);
    if (dir.usableBytes >= 0) snapshot.add(logDirMetrics.usableBytes, labels, dir.usableBytes);
    let dirBytes = 0;
    for (const replica of dir.partitions) {
      dirBytes += replica.sizeBytes;
      if (includedTopics.has(replica.topic)) topicBytes.set(replica.topic, (topicBytes.get(replica.topic) ?? 0) + replica.sizeBytes);
    }
    snapshot.add(logDirMetrics.sizeBytes, labels, dirBytes);
    brokerBytes.set(dir.broker, (brokerBytes.get(dir.broker) ?? 0) + dirBytes);
  }
  snapshot.add(clusterMetrics.offlineLogDirs, {}, offlineDirs);
  for (const [broker, bytes] of brokerBytes) snapshot.add(logDirMetrics.brokerSizeBytes, { broker: String(broker) }, bytes);
  for (const [topic, bytes] of topicBytes) snapshot.add(logDirMetrics.topicSizeBytes, { topic }, bytes);
  if (!perPartition) return;
  for (const dir of state.logDirs) {
    for (const replica of dir.partitions) {
      if (replica.future || !includedTopics.has(replica.topic)) continue;
      snapshot.add(
        logDirMetrics.partitionSizeBytes,
        { topic: replica.topic, partition: String(replica.partition), broker: String(dir.broker) },
        replica.sizeBytes,
      );
    }
  }
}

interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly committed: number;
  readonly lag: number;
  readonly earliest: number;
}

function groupPartitionLags(group: GroupState, state: ClusterState): PartitionLag[] {
  const lags: PartitionLag[] = [];
  for (const [topic, partitions] of group.offsets ?? []) {
    const topicOffsets = state.offsets?.get(topic);
    if (!topicOffsets) continue;
    for (const [partition, committed] of partitions) {
      const offsets = topicOffsets.get(partition);
      if (offsets) lags.push({ topic, partition, committed, lag: Math.max(0, offsets.latest - committed), earliest: offsets.earliest });
    }
  }
  return lags;
}

async function addGroupSeries(
  snapshot: Snapshot,
  state: ClusterState,
  history: ClusterHistory,
  perPartition: boolean,
  lagExporterCluster: string | undefined,
  slicer: TimeSlicer,
): Promise<void> {
  if (!state.groups) return;
  const latestOffset = (topic: string, partition: number): number | undefined => state.offsets?.get(topic)?.get(partition)?.latest;
  const statuses = await history.recordGroups(
    state,
    (topic, partition, committed) => {
      const latest = latestOffset(topic, partition);
      return latest === undefined ? undefined : Math.max(0, latest - committed);
    },
    slicer,
  );
  const partitionSeries: (() => void)[] = [];

  for (const group of state.groups) {
    await slicer.turn();
    const consumergroup = group.id;
    snapshot.add(
      consumerGroupMetrics.info,
      { consumergroup, group_type: group.type, state: group.state, protocol: group.protocol, coordinator: String(group.coordinator) },
      1,
    );
    snapshot.add(consumerGroupMetrics.members, { consumergroup }, group.members.length);
    addStatusSeries(snapshot, consumergroup, statuses.get(group.id) ?? 'OK');

    const membersPerTopic = new Map<string, number>();
    const partitionsPerTopic = new Map<string, number>();
    for (const member of group.members) {
      for (const [topic, partitions] of member.assignment) {
        if (partitions.length === 0) continue;
        membersPerTopic.set(topic, (membersPerTopic.get(topic) ?? 0) + 1);
        partitionsPerTopic.set(topic, (partitionsPerTopic.get(topic) ?? 0) + partitions.length);
      }
    }
    for (const [topic, members] of membersPerTopic) {
      snapshot.add(consumerGroupMetrics.topicMembers, { consumergroup, topic }, members);
      snapshot.add(consumerGroupMetrics.topicAssignedPartitions, { consumergroup, topic }, partitionsPerTopic.get(topic)!);
    }

    const lags = groupPartitionLags(group, state);
    const perTopic = new Map<string, { committed: number; lag: number; maxSeconds: number }>();
    let groupMaxSeconds: number | undefined;
    const lagSeconds: TimedLag[] = [];
    for (const entry of lags) {
      const totals = perTopic.get(entry.topic) ?? { committed: 0, lag: 0, maxSeconds: 0 };
      totals.committed += entry.committed;
      totals.lag += entry.lag;
      const estimate = history.lagSeconds(entry.topic, entry.partition, entry.committed, state.timeSeconds);
      if (estimate) {
        totals.maxSeconds = Math.max(totals.maxSeconds, estimate.seconds);
        groupMaxSeconds = Math.max(groupMaxSeconds ?? 0, estimate.seconds);
        lagSeconds.push({ lag: entry, seconds: estimate.seconds, estimate: estimate.method });
      }
      if (!estimate) lagSeconds.push({ lag: entry, seconds: undefined, estimate: undefined });
      perTopic.set(entry.topic, totals);
      if (entry.committed < entry.earliest) {
        snapshot.add(
          consumerGroupMetrics.offsetBelowLogStart,
          { consumergroup, topic: entry.topic, partition: String(entry.partition) },
          entry.earliest - entry.committed,
        );
      }
    }
    for (const [topic, totals] of perTopic) {
      snapshot.add(consumerGroupMetrics.currentOffsetSum, { consumergroup, topic }, totals.committed);
      snapshot.add(consumerGroupMetrics.lagSum, { consumergroup, topic }, totals.lag);
      snapshot.add(consumerGroupMetrics.topicMaxLagSeconds, { group: consumergroup, topic }, totals.maxSeconds);
    }
    if (lagExporterCluster !== undefined) {
      addKafkaLagExporterGroupSeries(snapshot, { cluster: lagExporterCluster, group, perPartition, lags: lagSeconds }, partitionSeries);
    } else if (groupMaxSeconds !== undefined) {
      snapshot.add(consumerGroupMetrics.maxLagSeconds, { group: consumergroup }, groupMaxSeconds);
    }

    if (perPartition) {
      partitionSeries.push(() => {
        for (const entry of lags) {
          const labels = { consumergroup, topic: entry.topic, partition: String(entry.partition) };
          snapshot.add(consumerGroupMetrics.currentOffset, labels, entry.committed);
          snapshot.add(consumerGroupMetrics.lag, labels, entry.lag);
        }
        if (lagExporterCluster !== undefined) return;
        for (const { lag, seconds, estimate } of lagSeconds) {
          if (seconds === undefined || estimate === undefined) continue;
          snapshot.add(
            consumerGroupMetrics.lagSeconds,
            { group: consumergroup, topic: lag.topic, partition: String(lag.partition), estimate },
            seconds,
          );
        }
      });
    }
  }
  for (const add of partitionSeries) {
    await slicer.turn();
    add();
  }
}

interface TimedLag {
  readonly lag: PartitionLag;
  /** undefined when the history cannot tell yet. */
  readonly seconds: number | undefined;
  readonly estimate: string | undefined;
}

/**
 * kafka-lag-exporter's group families: per partition with the member that owns it ("unknown" when none
 * does, as it reports), its maxima and sums. A lag in seconds not known yet is NaN, as it reports it; the
 * group's maximum is over the partitions that have one.
 */
function addKafkaLagExporterGroupSeries(
  snapshot: Snapshot,
  options: { cluster: string; group: GroupState; perPartition: boolean; lags: readonly TimedLag[] },
  partitionSeries: (() => void)[],
): void {
  const { cluster: cluster_name, group, lags } = options;
  if (lags.length === 0) return;
  const groupLabels = { cluster_name, group: group.id };
  const known = lags.flatMap((entry) => (entry.seconds === undefined ? [] : [entry.seconds]));
  snapshot.add(kafkaLagExporterMetrics.groupMaxLag, groupLabels, Math.max(...lags.map((entry) => entry.lag.lag)));
  snapshot.add(kafkaLagExporterMetrics.groupMaxLagSeconds, groupLabels, known.length > 0 ? Math.max(...known) : Number.NaN);
  snapshot.add(
    kafkaLagExporterMetrics.groupSumLag,
    groupLabels,
    lags.reduce((sum, entry) => sum + entry.lag.lag, 0),
  );
  const perTopic = new Map<string, number>();
  for (const { lag } of lags) perTopic.set(lag.topic, (perTopic.get(lag.topic) ?? 0) + lag.lag);
  for (const [topic, sum] of perTopic) snapshot.add(kafkaLagExporterMetrics.groupTopicSumLag, { ...groupLabels, topic }, sum);
  if (!options.perPartition) return;
  const owners = new Map<string, GroupMemberState>();
  for (const member of group.members) {
    for (const [topic, partitions] of member.assignment)
      for (const partition of partitions) owners.set(`${topic}\u0000${partition}`, member);
  }
  partitionSeries.push(() => {
    for (const { lag, seconds } of lags) {
      const owner = owners.get(`${lag.topic}\u0000${lag.partition}`);
      const labels = {
        ...groupLabels,
        topic: lag.topic,
        partition: String(lag.partition),
        member_host: owner?.clientHost ?? 'unknown',
        consumer_id: owner?.memberId ?? 'unknown',
        client_id: owner?.clientId ?? 'unknown',
      };
      snapshot.add(kafkaLagExporterMetrics.groupOffset, labels, lag.committed);
      snapshot.add(kafkaLagExporterMetrics.groupLag, labels, lag.lag);
      snapshot.add(kafkaLagExporterMetrics.groupLagSeconds, labels, seconds ?? Number.NaN);
    }
  });
}

function addStatusSeries(snapshot: Snapshot, consumergroup: string, current: GroupStatus): void {
  for (const status of GROUP_STATUSES) snapshot.add(consumerGroupMetrics.status, { consumergroup, status }, flag(status === current));
}
