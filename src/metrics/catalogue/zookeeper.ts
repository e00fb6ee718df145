import type { MetricDefinition } from '../definition.ts';

const SERVER = ['server'] as const;

/** One series set per ensemble member, from the four-letter words. */
export const zookeeperMemberMetrics = {
  up: {
    name: 'zookeeper_up',
    type: 'gauge',
    labels: SERVER,
    help: 'Whether the ensemble member answered and serves requests (1) or not (0).',
  },
  leader: {
    name: 'zookeeper_server_leader',
    type: 'gauge',
    labels: SERVER,
    help: 'Whether the member is the ensemble leader, or a standalone server (1), or not (0).',
  },
  state: {
    name: 'zookeeper_server_state',
    type: 'gauge',
    labels: ['server', 'state'],
    help: 'Role of the member, one series per role with 1 on the current one: leader, follower, observer, standalone, read-only.',
  },
  info: {
    name: 'zookeeper_server_info',
    type: 'gauge',
    labels: ['server', 'version', 'java_version'],
    help: 'ZooKeeper version and Java version of the member (empty when unknown); always 1.',
  },
  commandAllowed: {
    name: 'zookeeper_command_allowed',
    type: 'gauge',
    labels: ['server', 'command'],
    help: 'Whether the member answers the four-letter word (1) or its 4lw.commands.whitelist refuses it (0).',
  },
  minLatency: {
    name: 'zookeeper_min_latency_seconds',
    type: 'gauge',
    labels: SERVER,
    unit: 's',
    help: 'Shortest request latency since the member started or its statistics were reset.',
  },
  avgLatency: {
    name: 'zookeeper_avg_latency_seconds',
    type: 'gauge',
    labels: SERVER,
    unit: 's',
    help: 'Average request latency since the member started or its statistics were reset.',
  },
  maxLatency: {
    name: 'zookeeper_max_latency_seconds',
    type: 'gauge',
    labels: SERVER,
    unit: 's',
    help: 'Longest request latency since the member started or its statistics were reset.',
  },
  outstandingRequests: {
    name: 'zookeeper_outstanding_requests',
    type: 'gauge',
    labels: SERVER,
    help: 'Requests queued on the member, not yet processed.',
  },
  aliveConnections: { name: 'zookeeper_alive_connections', type: 'gauge', labels: SERVER, help: 'Open client connections of the member.' },
  clientConnections: {
    name: 'zookeeper_client_sessions',
    type: 'gauge',
    labels: ['server', 'client'],
    help: 'Client sessions connected to the member, per client address (cons).',
  },
  znodes: { name: 'zookeeper_znodes', type: 'gauge', labels: SERVER, help: "Znodes in the member's data tree." },
  watches: { name: 'zookeeper_watches', type: 'gauge', labels: SERVER, help: 'Watches set on the member.' },
  watchedPaths: {
    name: 'zookeeper_watched_paths',
    type: 'gauge',
    labels: SERVER,
    help: 'Paths with at least one watch on the member (wchs).',
  },
  ephemerals: { name: 'zookeeper_ephemeral_nodes', type: 'gauge', labels: SERVER, help: 'Ephemeral znodes on the member.' },
  dataSize: {
    name: 'zookeeper_approximate_data_size_bytes',
    type: 'gauge',
    labels: SERVER,
    unit: 'By',
    help: "Approximate size of the member's data tree.",
  },
  openFileDescriptors: {
    name: 'zookeeper_open_file_descriptors',
    type: 'gauge',
    labels: SERVER,
    help: "File descriptors the member's process holds open.",
  },
  maxFileDescriptors: {
    name: 'zookeeper_max_file_descriptors',
    type: 'gauge',
    labels: SERVER,
    help: "Largest number of file descriptors the member's process may open.",
  },
  packetsReceived: {
    name: 'zookeeper_packets_received_total',
    type: 'counter',
    labels: SERVER,
    help: 'Packets the member received from clients since it started or its statistics were reset.',
  },
  packetsSent: {
    name: 'zookeeper_packets_sent_total',
    type: 'counter',
    labels: SERVER,
    help: 'Packets the member sent to clients since it started or its statistics were reset.',
  },
  uptime: {
    name: 'zookeeper_uptime_seconds',
    type: 'gauge',
    labels: SERVER,
    unit: 's',
    help: "Time since the member's server started serving.",
  },
  quorumSize: {
    name: 'zookeeper_quorum_size',
    type: 'gauge',
    labels: SERVER,
    help: "Voting members in the member's view of the ensemble.",
  },
  followers: {
    name: 'zookeeper_followers',
    type: 'gauge',
    labels: SERVER,
    help: 'Learners (followers and observers) connected to the leader; on the leader only.',
  },
  syncedFollowers: {
    name: 'zookeeper_synced_followers',
    type: 'gauge',
    labels: SERVER,
    help: 'Voting followers in sync with the leader; on the leader only.',
  },
  pendingSyncs: {
    name: 'zookeeper_pending_syncs',
    type: 'gauge',
    labels: SERVER,
    help: 'Followers the leader is still synchronising; on the leader only.',
  },
} as const satisfies Record<string, MetricDefinition>;

/** Derived from every member's answers together. */
export const zookeeperEnsembleMetrics = {
  members: {
    name: 'zookeeper_ensemble_members',
    type: 'gauge',
    labels: [],
    help: 'Ensemble members the exporter is configured to watch (zookeeper.server).',
  },
  membersUp: { name: 'zookeeper_ensemble_members_up', type: 'gauge', labels: [], help: 'Members that answered and serve requests.' },
  leaders: {
    name: 'zookeeper_ensemble_leaders',
    type: 'gauge',
    labels: [],
    help: 'Members that say they lead the ensemble; 1 when healthy (a standalone server counts as its own leader).',
  },
  missingSyncedFollowers: {
    name: 'zookeeper_ensemble_missing_synced_followers',
    type: 'gauge',
    labels: [],
    help: "Voting followers not in sync with the leader: quorum size minus 1 minus the leader's synced followers; 0 when healthy, absent without a single leader.",
  },
  healthy: {
    name: 'zookeeper_ensemble_healthy',
    type: 'gauge',
    labels: [],
    help: 'Whether the ensemble has exactly one leader and every other voting member is a synced follower (1) or not (0).',
  },
} as const satisfies Record<string, MetricDefinition>;

/** What Kafka (up to 3.9) keeps in ZooKeeper, read through a ZooKeeper session. */
export const zookeeperKafkaMetrics = {
  brokers: { name: 'zookeeper_kafka_brokers', type: 'gauge', labels: [], help: 'Brokers registered under /brokers/ids.' },
  brokerInfo: {
    name: 'zookeeper_kafka_broker_info',
    type: 'gauge',
    labels: ['id', 'host', 'port', 'jmx_port', 'endpoints', 'security_protocol_map', 'rack', 'registration_version'],
    help: 'Registration of a broker under /brokers/ids: host, port, JMX port (-1 when off), endpoints and listener security protocols (comma-separated), rack and JSON version; always 1.',
  },
  brokerRegistered: {
    name: 'zookeeper_kafka_broker_registration_timestamp_seconds',
    type: 'gauge',
    labels: ['id'],
    unit: 's',
    help: 'Unix time at which the broker registered in ZooKeeper (its last start or session renewal).',
  },
  controllerId: {
    name: 'zookeeper_kafka_controller_id',
    type: 'gauge',
    labels: [],
    help: 'Broker id of the controller named in /controller.',
  },
  controllerElected: {
    name: 'zookeeper_kafka_controller_election_timestamp_seconds',
    type: 'gauge',
    labels: [],
    unit: 's',
    help: 'Unix time at which the current controller was elected (/controller).',
  },
  controllerEpoch: {
    name: 'zookeeper_kafka_controller_epoch',
    type: 'gauge',
    labels: [],
    help: 'Controller epoch (/controller_epoch); it grows by one at every controller election.',
  },
  dynamicConfig: {
    name: 'zookeeper_kafka_dynamic_config_info',
    type: 'gauge',
    labels: ['entity_type', 'entity', 'config', 'value'],
    help: 'A dynamic config set under /config (brokers, topics, clients, users), such as a replication throttle during a reassignment; secrets show as (hidden); always 1.',
  },
  reassigningPartitions: {
    name: 'zookeeper_kafka_reassigning_partitions',
    type: 'gauge',
    labels: [],
    help: 'Partitions with a reassignment in progress (/admin/reassign_partitions).',
  },
  reassignment: {
    name: 'zookeeper_kafka_partition_reassignment_info',
    type: 'gauge',
    labels: ['topic', 'partition', 'target_replicas'],
    help: 'A partition being reassigned and its target replicas (comma-separated broker ids); always 1.',
  },
  consumerLag: {
    name: 'kafka_consumergroupzookeeper_lag_zookeeper',
    type: 'gauge',
    labels: ['consumergroup', 'topic', 'partition'],
    help: 'Lag of an old consumer group that commits its offsets in ZooKeeper (/consumers): latest offset minus committed offset, never below 0.',
  },
} as const satisfies Record<string, MetricDefinition>;

export const ZOOKEEPER_STATES = ['leader', 'follower', 'observer', 'standalone', 'read-only'] as const;
