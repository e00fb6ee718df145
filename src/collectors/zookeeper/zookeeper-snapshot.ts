import {
  ZOOKEEPER_STATES,
  zookeeperEnsembleMetrics,
  zookeeperKafkaMetrics,
  zookeeperMemberMetrics,
} from '../../metrics/catalogue/zookeeper.ts';
import type { MetricDefinition } from '../../metrics/definition.ts';
import { Snapshot } from '../../metrics/series-store.ts';
import { isSensitiveConfig } from '../../kafka/sensitive-configs.ts';
import { addStageSeries, type StageOutcomes } from '../stage-report.ts';
import type { MemberState } from './member-state.ts';
import type { KafkaZnodes } from './znode-reader.ts';

export interface ZookeeperConsumerLag {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly lag: number;
}

export interface ZookeeperCycle {
  readonly members: readonly MemberState[];
  /** Absent when znodes are not read, or their stage failed. */
  readonly znodes: KafkaZnodes | undefined;
  readonly consumerLags: readonly ZookeeperConsumerLag[] | undefined;
  /** How each stage went; a failed stage's metrics are absent. */
  readonly stages: StageOutcomes;
}

const flag = (value: boolean): number => (value ? 1 : 0);
const HIDDEN = '(hidden)';

/** Leaders, synced followers and overall health of the ensemble, from every member's view. */
export function ensembleHealth(members: readonly MemberState[]): {
  leaders: number;
  missingSyncedFollowers: number | undefined;
  healthy: boolean;
} {
  const serving = members.filter((member) => member.up);
  const leaders = serving.filter((member) => member.state === 'leader' || member.state === 'standalone');
  const leader = leaders.length === 1 ? leaders[0]! : undefined;
  let missingSyncedFollowers: number | undefined;
  if (leader?.state === 'standalone') missingSyncedFollowers = 0;
  else if (leader) {
    const quorumSize = leader.quorumSize ?? members.length;
    if (leader.syncedFollowers !== undefined) missingSyncedFollowers = Math.max(0, quorumSize - 1 - leader.syncedFollowers);
  }
  return { leaders: leaders.length, missingSyncedFollowers, healthy: leader !== undefined && missingSyncedFollowers === 0 };
}

function addMember(snapshot: Snapshot, member: MemberState): void {
  const server = { server: member.server };
  snapshot.add(zookeeperMemberMetrics.up, server, flag(member.up));
  for (const [command, outcome] of member.commands)
    snapshot.add(zookeeperMemberMetrics.commandAllowed, { ...server, command }, flag(outcome === 'answered'));
  if (!member.up) return;
  if (member.state !== undefined) {
    snapshot.add(zookeeperMemberMetrics.leader, server, flag(member.state === 'leader' || member.state === 'standalone'));
    const states = ZOOKEEPER_STATES.includes(member.state as never) ? ZOOKEEPER_STATES : [...ZOOKEEPER_STATES, member.state];
    for (const state of states) snapshot.add(zookeeperMemberMetrics.state, { ...server, state }, flag(state === member.state));
  }
  if (member.version !== undefined || member.javaVersion !== undefined) {
    snapshot.add(zookeeperMemberMetrics.info, { ...server, version: member.version ?? '', java_version: member.javaVersion ?? '' }, 1);
  }
  const numbers: [MetricDefinition, number | undefined][] = [
    [zookeeperMemberMetrics.minLatency, member.minLatencySeconds],
    [zookeeperMemberMetrics.avgLatency, member.avgLatencySeconds],
    [zookeeperMemberMetrics.maxLatency, member.maxLatencySeconds],
    [zookeeperMemberMetrics.outstandingRequests, member.outstandingRequests],
    [zookeeperMemberMetrics.aliveConnections, member.aliveConnections],
    [zookeeperMemberMetrics.znodes, member.znodes],
    [zookeeperMemberMetrics.watches, member.watches],
    [zookeeperMemberMetrics.watchedPaths, member.watchedPaths],
    [zookeeperMemberMetrics.ephemerals, member.ephemerals],
    [zookeeperMemberMetrics.dataSize, member.approximateDataSizeBytes],
    [zookeeperMemberMetrics.openFileDescriptors, member.openFileDescriptors],
    [zookeeperMemberMetrics.maxFileDescriptors, member.maxFileDescriptors],
    [zookeeperMemberMetrics.packetsReceived, member.packetsReceived],
    [zookeeperMemberMetrics.packetsSent, member.packetsSent],
    [zookeeperMemberMetrics.uptime, member.uptimeSeconds],
    [zookeeperMemberMetrics.quorumSize, member.quorumSize],
    [zookeeperMemberMetrics.followers, member.followers],
    [zookeeperMemberMetrics.syncedFollowers, member.syncedFollowers],
    [zookeeperMemberMetrics.pendingSyncs, member.pendingSyncs],
  ];
  for (const [metric, value] of numbers) if (value !== undefined) snapshot.add(metric, server, value);
  for (const [client, sessions] of member.clientConnections ?? [])
    snapshot.add(zookeeperMemberMetrics.clientConnections, { ...server, client }, sessions);
}

function addZnodes(snapshot: Snapshot, znodes: KafkaZnodes): void {
  snapshot.add(zookeeperKafkaMetrics.brokers, {}, znodes.brokers.length);
  for (const broker of znodes.brokers) {
    const id = String(broker.id);
    snapshot.add(
      zookeeperKafkaMetrics.brokerInfo,
      {
        id,
        host: broker.host,
        port: String(broker.port),
        jmx_port: String(broker.jmxPort),
        endpoints: broker.endpoints.join(','),
        security_protocol_map: Object.entries(broker.securityProtocolMap)
          .map(([name, protocol]) => `${name}:${protocol}`)
          .join(','),
        rack: broker.rack ?? '',
        registration_version: String(broker.version),
      },
      1,
    );
    if (broker.timestampMs !== undefined) snapshot.add(zookeeperKafkaMetrics.brokerRegistered, { id }, broker.timestampMs / 1000);
  }
  if (znodes.controller) {
    snapshot.add(zookeeperKafkaMetrics.controllerId, {}, znodes.controller.brokerId);
    if (znodes.controller.timestampMs !== undefined)
      snapshot.add(zookeeperKafkaMetrics.controllerElected, {}, znodes.controller.timestampMs / 1000);
  }
  if (znodes.controllerEpoch !== undefined) snapshot.add(zookeeperKafkaMetrics.controllerEpoch, {}, znodes.controllerEpoch);
  for (const { entityType, entity, configs } of znodes.dynamicConfigs) {
    for (const [config, value] of configs) {
      snapshot.add(
        zookeeperKafkaMetrics.dynamicConfig,
        { entity_type: entityType, entity, config, value: isSensitiveConfig(config) ? HIDDEN : value },
        1,
      );
    }
  }
  snapshot.add(zookeeperKafkaMetrics.reassigningPartitions, {}, znodes.reassignments.length);
  for (const { topic, partition, replicas } of znodes.reassignments) {
    snapshot.add(zookeeperKafkaMetrics.reassignment, { topic, partition: String(partition), target_replicas: replicas.join(',') }, 1);
  }
}

/** One cycle of the ZooKeeper collector as series: every member, the ensemble's health, and Kafka's znodes. */
export function buildZookeeperSnapshot(cycle: ZookeeperCycle, collector: string): Snapshot {
  const snapshot = new Snapshot();
  for (const member of cycle.members) addMember(snapshot, member);

  const health = ensembleHealth(cycle.members);
  snapshot.add(zookeeperEnsembleMetrics.members, {}, cycle.members.length);
  snapshot.add(zookeeperEnsembleMetrics.membersUp, {}, cycle.members.filter((member) => member.up).length);
  snapshot.add(zookeeperEnsembleMetrics.leaders, {}, health.leaders);
  if (health.missingSyncedFollowers !== undefined)
    snapshot.add(zookeeperEnsembleMetrics.missingSyncedFollowers, {}, health.missingSyncedFollowers);
  snapshot.add(zookeeperEnsembleMetrics.healthy, {}, flag(health.healthy));

  if (cycle.znodes) addZnodes(snapshot, cycle.znodes);
  for (const { group, topic, partition, lag } of cycle.consumerLags ?? []) {
    snapshot.add(zookeeperKafkaMetrics.consumerLag, { consumergroup: group, topic, partition: String(partition) }, lag);
  }
  addStageSeries(snapshot, collector, cycle.stages);
  return snapshot;
}
