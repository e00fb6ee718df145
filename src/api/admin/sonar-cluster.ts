import type { AdminService } from '../../admin/admin-service.ts';
import type { BrokerLogDirs } from '../../admin/log-dirs.ts';
import { partitionKey } from '../../admin/offset-reset.ts';
import { list, resource } from './envelope.ts';
import { HttpError } from './http-error.ts';
import { topicName } from './names.ts';
import { route, type AdminRoute } from './route.ts';

const GROUPINGS = ['broker', 'topic', 'partition'] as const;
type Grouping = (typeof GROUPINGS)[number];

function byBroker(brokers: readonly BrokerLogDirs[]): Record<string, unknown>[] {
  return brokers.map((broker) => ({
    kind: 'SonarBrokerLogDirs',
    broker_id: broker.brokerId,
    error: broker.error,
    log_dirs: broker.logDirs.map((dir) => ({
      path: dir.path,
      error: dir.error,
      total_bytes: dir.totalBytes,
      usable_bytes: dir.usableBytes,
      size_bytes: dir.replicas.reduce((sum, replica) => sum + replica.sizeBytes, 0),
      replicas: dir.replicas.length,
      future_replicas: dir.replicas.filter((replica) => replica.future).length,
    })),
  }));
}

function byTopic(brokers: readonly BrokerLogDirs[]): Record<string, unknown>[] {
  const topics = new Map<string, { size: number; replicas: number; byBroker: Record<string, number> }>();
  for (const broker of brokers) {
    for (const dir of broker.logDirs) {
      for (const replica of dir.replicas) {
        let entry = topics.get(replica.topic);
        if (!entry) topics.set(replica.topic, (entry = { size: 0, replicas: 0, byBroker: {} }));
        entry.size += replica.sizeBytes;
        entry.replicas++;
        entry.byBroker[broker.brokerId] = (entry.byBroker[broker.brokerId] ?? 0) + replica.sizeBytes;
      }
    }
  }
  return [...topics]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([topic, entry]) => ({
      kind: 'SonarTopicLogDirs',
      topic_name: topic,
      size_bytes: entry.size,
      replicas: entry.replicas,
      size_bytes_by_broker: entry.byBroker,
    }));
}

function byPartition(brokers: readonly BrokerLogDirs[]): Record<string, unknown>[] {
  const partitions = new Map<string, { topic: string; partition: number; replicas: Record<string, unknown>[] }>();
  for (const broker of brokers) {
    for (const dir of broker.logDirs) {
      for (const replica of dir.replicas) {
        const key = partitionKey(replica);
        let entry = partitions.get(key);
        if (!entry) partitions.set(key, (entry = { topic: replica.topic, partition: replica.partition, replicas: [] }));
        entry.replicas.push({
          broker_id: broker.brokerId,
          path: dir.path,
          size_bytes: replica.sizeBytes,
          offset_lag: replica.offsetLag,
          future: replica.future,
        });
      }
    }
  }
  return [...partitions.values()]
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
    .map((entry) => ({ kind: 'SonarPartitionLogDirs', topic_name: entry.topic, partition_id: entry.partition, replicas: entry.replicas }));
}

const GROUPED: Record<Grouping, (brokers: readonly BrokerLogDirs[]) => Record<string, unknown>[]> = {
  broker: byBroker,
  topic: byTopic,
  partition: byPartition,
};

/** What v3 lacks about the cluster: log directories, and a one-call summary of a topic's partitions. */
export function sonarClusterRoutes(service: AdminService): AdminRoute[] {
  return [
    route({
      method: 'get',
      root: 'sonar',
      path: '/log-dirs',
      operation: 'log-dirs.list',
      answers: { kind: 'SonarLogDirList' },
      resource: 'cluster',
      action: 'view',
      summary:
        'Log directories of every broker (?group_by=broker|topic|partition): size, usable and total bytes, replicas, offset lag, future replicas; a broker that does not answer is an entry with its error.',
      async handle({ query, links }) {
        const grouping = (query['group_by'] ?? 'broker') as Grouping;
        if (!GROUPINGS.includes(grouping)) throw new HttpError(400, `group_by must be one of ${GROUPINGS.join(', ')}`);
        const brokers = await service.logDirs.list();
        return {
          status: 200,
          body: list('SonarLogDirList', `${links.clusterUrl}/log-dirs?group_by=${grouping}`, GROUPED[grouping](brokers)),
        };
      },
    }),
    route({
      method: 'get',
      root: 'sonar',
      path: '/topics/:topic_name/partition-summary',
      operation: 'topics.partition-summary',
      answers: { kind: 'SonarPartitionSummary' },
      resource: 'topic',
      action: 'view',
      name: (params) => topicName(params['topic_name']),
      summary: 'Every partition of a topic in one call: leader, replicas, in-sync replicas, earliest and latest offset, message count.',
      async handle({ params, links }) {
        const topic = await service.topics.describe(topicName(params['topic_name']));
        const refs = topic.partitions.map((partition) => ({ topic: topic.name, partition: partition.partition }));
        const [earliest, latest] = await Promise.all([service.offsets.earliest(refs), service.offsets.latest(refs)]);
        const partitions = topic.partitions.map((partition) => {
          const key = partitionKey({ topic: topic.name, partition: partition.partition });
          const first = earliest.get(key) ?? 0;
          const last = latest.get(key) ?? 0;
          return {
            partition_id: partition.partition,
            leader: partition.leader,
            replicas: partition.replicas,
            isr: partition.isr,
            under_replicated: partition.isr.length < partition.replicas.length,
            earliest_offset: first,
            latest_offset: last,
            messages: Math.max(0, last - first),
          };
        });
        return {
          status: 200,
          body: resource('SonarPartitionSummary', `${links.clusterUrl}/topics/${encodeURIComponent(topic.name)}/partition-summary`, null, {
            topic_name: topic.name,
            partitions_count: topic.partitionsCount,
            replication_factor: topic.replicationFactor,
            messages: partitions.reduce((sum, entry) => sum + entry.messages, 0),
            partitions,
          }),
        };
      },
    }),
  ];
}
