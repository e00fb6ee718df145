import type { AdminService } from '../../admin/admin-service.ts';
import type { ZookeeperGroup } from '../../admin/zookeeper-consumers.ts';
import { list, resource, type ResourceLinks } from './envelope.ts';
import { groupId } from './names.ts';
import { route, type AdminRoute } from './route.ts';

function groupResource(links: ResourceLinks, group: ZookeeperGroup): Record<string, unknown> {
  return resource('SonarZookeeperConsumerGroup', `${links.clusterUrl}/zookeeper-consumer-groups/${encodeURIComponent(group.id)}`, null, {
    consumer_group_id: group.id,
    members: group.members,
    total_lag: group.offsets.reduce((sum, entry) => sum + (entry.lag ?? 0), 0),
    offsets: group.offsets.map((entry) => ({
      topic_name: entry.topic,
      partition_id: entry.partition,
      current_offset: entry.offset,
      log_end_offset: entry.latest ?? null,
      lag: entry.lag ?? null,
    })),
  });
}

/** Old consumer groups that commit in ZooKeeper (/consumers), on ZooKeeper-mode clusters with zookeeper.server set. */
export function sonarZookeeperGroupRoutes(service: AdminService): AdminRoute[] {
  const byId = (params: Readonly<Record<string, string>>): string => groupId(params['consumer_group_id']);
  return [
    route({
      method: 'get',
      root: 'sonar',
      path: '/zookeeper-consumer-groups',
      operation: 'zookeeper-groups.list',
      answers: { kind: 'SonarZookeeperConsumerGroupList' },
      resource: 'consumer-group',
      action: 'view',
      summary: 'Old consumer groups in ZooKeeper (/consumers): registered consumers and topics.',
      async handle({ links, caller }) {
        const groups = (await service.zookeeperGroups.list()).filter((group) =>
          caller.permissions.allows('consumer-group', 'view', group.id),
        );
        return {
          status: 200,
          body: list(
            'SonarZookeeperConsumerGroupList',
            `${links.clusterUrl}/zookeeper-consumer-groups`,
            groups.map((group) => ({ consumer_group_id: group.id, members: group.members, topics: group.topics })),
          ),
        };
      },
    }),
    route({
      method: 'get',
      root: 'sonar',
      path: '/zookeeper-consumer-groups/:consumer_group_id',
      operation: 'zookeeper-groups.get',
      answers: { kind: 'SonarZookeeperConsumerGroup' },
      resource: 'consumer-group',
      action: 'view',
      name: byId,
      summary: 'An old consumer group: its registered consumers, committed offsets and lag.',
      async handle({ params, links }) {
        return { status: 200, body: groupResource(links, await service.zookeeperGroups.describe(byId(params))) };
      },
    }),
    route({
      method: 'delete',
      root: 'sonar',
      path: '/zookeeper-consumer-groups/:consumer_group_id',
      operation: 'zookeeper-groups.delete',
      resource: 'consumer-group',
      action: 'delete',
      name: byId,
      summary: 'Delete an old consumer group from ZooKeeper; refused (409) while consumers are registered.',
      async handle({ params }) {
        const group = await service.zookeeperGroups.delete(byId(params));
        return {
          status: 204,
          changes: group.offsets.map((entry) => ({ topic: entry.topic, partition: entry.partition, before: entry.offset, after: null })),
        };
      },
    }),
  ];
}
