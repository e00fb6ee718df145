import type { MetricDefinition } from '../definition.ts';

const REPLICA = ['replica_id', 'role'] as const;

/** The KRaft controller quorum (DescribeQuorum of the metadata log). */
export const quorumMetrics = {
  up: {
    name: 'kafka_quorum_up',
    type: 'gauge',
    labels: [],
    help: 'Whether the KRaft quorum answered the last DescribeQuorum (1) or not (0); absent on ZooKeeper clusters.',
  },
  leaderId: {
    name: 'kafka_quorum_leader_id',
    type: 'gauge',
    labels: [],
    help: 'Node id of the quorum leader (the active controller); -1 without a leader.',
  },
  leaderEpoch: {
    name: 'kafka_quorum_leader_epoch',
    type: 'gauge',
    labels: [],
    help: 'Epoch of the quorum leader; it grows at every election.',
  },
  highWatermark: {
    name: 'kafka_quorum_high_watermark',
    type: 'gauge',
    labels: [],
    help: 'High watermark of the metadata log: the offset up to which a majority of voters have it.',
  },
  voters: { name: 'kafka_quorum_voters', type: 'gauge', labels: [], help: 'Voters of the quorum (controllers).' },
  observers: {
    name: 'kafka_quorum_observers',
    type: 'gauge',
    labels: [],
    help: 'Observers of the quorum (brokers that only replicate the metadata log).',
  },
  logEndOffset: {
    name: 'kafka_quorum_replica_log_end_offset',
    type: 'gauge',
    labels: REPLICA,
    help: "Log end offset of the replica's metadata log, as the leader knows it; role is voter or observer.",
  },
  lag: {
    name: 'kafka_quorum_replica_lag',
    type: 'gauge',
    labels: REPLICA,
    help: "Metadata records the replica is behind the leader: the leader's log end offset minus the replica's, never below 0.",
  },
  lastFetchAge: {
    name: 'kafka_quorum_replica_last_fetch_age_seconds',
    type: 'gauge',
    labels: REPLICA,
    unit: 's',
    help: "Time since the leader last received a fetch from the replica (leader's clock against the exporter's); absent when unknown.",
  },
  lastCaughtUpAge: {
    name: 'kafka_quorum_replica_last_caught_up_age_seconds',
    type: 'gauge',
    labels: REPLICA,
    unit: 's',
    help: "Time since the replica was last known to be caught up with the leader (leader's clock against the exporter's); absent when unknown.",
  },
} as const satisfies Record<string, MetricDefinition>;
