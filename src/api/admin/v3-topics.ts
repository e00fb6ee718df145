import { z } from 'zod';
import type { TopicDescription } from '../../admin/topics.ts';
import type { AdminService } from '../../admin/admin-service.ts';
import { crn, list, related, resource, type ResourceLinks } from './envelope.ts';
import { topicName } from './names.ts';
import { route, type AdminRoute } from './route.ts';

const configEntry = z.object({ name: z.string().min(1), value: z.string().nullable().optional() }).strict();

const createTopicBody = z
  .object({
    topic_name: z.string(),
    partitions_count: z.number().int().min(1).max(100_000).optional(),
    replication_factor: z.number().int().min(1).max(32_767).optional(),
    configs: z.array(configEntry).max(1000).optional(),
    validate_only: z.boolean().optional(),
  })
  .strict();

const updateTopicBody = z
  .object({ partitions_count: z.number().int().min(1).max(100_000), validate_only: z.boolean().optional() })
  .strict();

export function topicUrl(links: ResourceLinks, topic: string): string {
  return `${links.clusterUrl}/topics/${encodeURIComponent(topic)}`;
}

export function topicResource(
  links: ResourceLinks,
  topic: Pick<TopicDescription, 'name' | 'internal' | 'partitionsCount' | 'replicationFactor'>,
): Record<string, unknown> {
  const self = topicUrl(links, topic.name);
  return resource('KafkaTopic', self, crn(links, `topic=${topic.name}`), {
    cluster_id: links.clusterId,
    topic_name: topic.name,
    is_internal: topic.internal,
    replication_factor: topic.replicationFactor,
    partitions_count: topic.partitionsCount,
    partitions: related(`${self}/partitions`),
    configs: related(`${self}/configs`),
    partition_reassignments: related(`${self}/partitions/-/reassignment`),
    authorized_operations: [],
  });
}

function partitionResource(
  links: ResourceLinks,
  topic: string,
  partition: TopicDescription['partitions'][number],
): Record<string, unknown> {
  const self = `${topicUrl(links, topic)}/partitions/${partition.partition}`;
  return resource('KafkaPartition', self, crn(links, `topic=${topic}`, `partition=${partition.partition}`), {
    cluster_id: links.clusterId,
    topic_name: topic,
    partition_id: partition.partition,
    leader: related(`${self}/replicas/${partition.leader}`),
    replicas: related(`${self}/replicas`),
    reassignment: related(`${self}/reassignment`),
  });
}

function replicaResource(
  links: ResourceLinks,
  topic: string,
  partition: TopicDescription['partitions'][number],
  broker: number,
): Record<string, unknown> {
  const self = `${topicUrl(links, topic)}/partitions/${partition.partition}/replicas/${broker}`;
  return resource('KafkaReplica', self, crn(links, `topic=${topic}`, `partition=${partition.partition}`, `replica=${broker}`), {
    cluster_id: links.clusterId,
    topic_name: topic,
    partition_id: partition.partition,
    broker_id: broker,
    is_leader: partition.leader === broker,
    is_in_sync: partition.isr.includes(broker),
    broker: related(`${links.clusterUrl}/brokers/${broker}`),
  });
}

function partitionOf(topic: TopicDescription, raw: string | undefined): TopicDescription['partitions'][number] | undefined {
  return /^\d{1,9}$/.test(raw ?? '') ? topic.partitions.find((entry) => entry.partition === Number(raw)) : undefined;
}

export function topicRoutes(service: AdminService): AdminRoute[] {
  const byName = (params: Readonly<Record<string, string>>): string => topicName(params['topic_name']);
  return [
    route({
      method: 'get',
      root: 'v3',
      path: '/topics',
      operation: 'topics.list',
      answers: { kind: 'KafkaTopicList', item: 'KafkaTopic' },
      resource: 'topic',
      action: 'view',
      summary: 'List the topics the caller may see.',
      async handle({ links, caller }) {
        const topics = (await service.topics.list()).filter((topic) => caller.permissions.allows('topic', 'view', topic.name));
        return {
          status: 200,
          body: list(
            'KafkaTopicList',
            `${links.clusterUrl}/topics`,
            topics.map((topic) => topicResource(links, topic)),
          ),
        };
      },
    }),
    route({
      method: 'post',
      root: 'v3',
      path: '/topics',
      operation: 'topics.create',
      answers: { kind: 'KafkaTopic' },
      creates: true,
      resource: 'topic',
      action: 'create',
      summary: 'Create a topic (validate_only: check it only).',
      body: createTopicBody,
      name: (_params, body) => topicName(body.topic_name),
      dryRun: (body) => body.validate_only === true,
      async handle({ body, links }) {
        const name = topicName(body.topic_name);
        const created = await service.topics.create(
          {
            name,
            configs: (body.configs ?? []).map((config) => ({ name: config.name, value: config.value ?? null })),
            ...(body.partitions_count !== undefined ? { partitionsCount: body.partitions_count } : {}),
            ...(body.replication_factor !== undefined ? { replicationFactor: body.replication_factor } : {}),
          },
          body.validate_only === true,
        );
        const answer = topicResource(links, {
          name,
          internal: false,
          partitionsCount: created.partitionsCount,
          replicationFactor: created.replicationFactor,
        });
        if (body.validate_only === true) return { status: 200, body: answer };
        return {
          status: 201,
          body: answer,
          headers: { Location: topicUrl(links, name) },
          changes: { topic_id: created.id, partitions_count: created.partitionsCount, replication_factor: created.replicationFactor },
        };
      },
    }),
    route({
      method: 'get',
      root: 'v3',
      path: '/topics/:topic_name',
      operation: 'topics.get',
      answers: { kind: 'KafkaTopic' },
      resource: 'topic',
      action: 'view',
      name: byName,
      summary: 'Describe a topic.',
      async handle({ params, links }) {
        return { status: 200, body: topicResource(links, await service.topics.describe(byName(params))) };
      },
    }),
    route({
      method: 'patch',
      root: 'v3',
      path: '/topics/:topic_name',
      operation: 'topics.add-partitions',
      answers: { kind: 'KafkaTopic' },
      resource: 'topic',
      action: 'edit',
      name: byName,
      body: updateTopicBody,
      dryRun: (body) => body.validate_only === true,
      summary: 'Raise the partition count of a topic.',
      async handle({ params, body, links }) {
        const name = byName(params);
        const change = await service.topics.addPartitions(name, body.partitions_count, body.validate_only === true);
        const topic = await service.topics.describe(name);
        const shown = body.validate_only === true ? topic : { ...topic, partitionsCount: Math.max(topic.partitionsCount, change.after) };
        return { status: 200, body: topicResource(links, shown), changes: { partitions_count: change } };
      },
    }),
    route({
      method: 'delete',
      root: 'v3',
      path: '/topics/:topic_name',
      operation: 'topics.delete',
      resource: 'topic',
      action: 'delete',
      name: byName,
      summary: 'Delete a topic.',
      async handle({ params }) {
        await service.topics.delete(byName(params));
        return { status: 204 };
      },
    }),
    route({
      method: 'get',
      root: 'v3',
      path: '/topics/:topic_name/partitions',
      operation: 'partitions.list',
      answers: { kind: 'KafkaPartitionList', item: 'KafkaPartition' },
      resource: 'topic',
      action: 'view',
      name: byName,
      summary: 'List the partitions of a topic.',
      async handle({ params, links }) {
        const topic = await service.topics.describe(byName(params));
        return {
          status: 200,
          body: list(
            'KafkaPartitionList',
            `${topicUrl(links, topic.name)}/partitions`,
            topic.partitions.map((partition) => partitionResource(links, topic.name, partition)),
          ),
        };
      },
    }),
    route({
      method: 'get',
      root: 'v3',
      path: '/topics/:topic_name/partitions/:partition_id',
      operation: 'partitions.get',
      answers: { kind: 'KafkaPartition' },
      resource: 'topic',
      action: 'view',
      name: byName,
      summary: 'Describe a partition.',
      async handle({ params, links }) {
        const topic = await service.topics.describe(byName(params));
        const partition = partitionOf(topic, params['partition_id']);
        if (!partition)
          return { status: 404, body: { error_code: 404, message: `topic ${topic.name} has no partition ${params['partition_id']}` } };
        return { status: 200, body: partitionResource(links, topic.name, partition) };
      },
    }),
    route({
      method: 'get',
      root: 'v3',
      path: '/topics/:topic_name/partitions/:partition_id/replicas',
      operation: 'replicas.list',
      answers: { kind: 'KafkaReplicaList', item: 'KafkaReplica' },
      resource: 'topic',
      action: 'view',
      name: byName,
      summary: 'List the replicas of a partition, with leader and in-sync state.',
      async handle({ params, links }) {
        const topic = await service.topics.describe(byName(params));
        const partition = partitionOf(topic, params['partition_id']);
        if (!partition)
          return { status: 404, body: { error_code: 404, message: `topic ${topic.name} has no partition ${params['partition_id']}` } };
        const self = `${topicUrl(links, topic.name)}/partitions/${partition.partition}/replicas`;
        return {
          status: 200,
          body: list(
            'KafkaReplicaList',
            self,
            partition.replicas.map((broker) => replicaResource(links, topic.name, partition, broker)),
          ),
        };
      },
    }),
  ];
}
