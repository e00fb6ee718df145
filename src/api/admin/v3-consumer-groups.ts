import type { AdminService } from '../../admin/admin-service.ts';
import type { GroupDescription, GroupMember, GroupSummary, PartitionLag } from '../../admin/consumer-groups.ts';
import { crn, list, related, resource, type ResourceLinks } from './envelope.ts';
import { HttpError } from './http-error.ts';
import { groupId, topicName } from './names.ts';
import { route, type AdminRoute } from './route.ts';
import { topicUrl } from './v3-topics.ts';

const groupUrl = (links: ResourceLinks, id: string): string => `${links.clusterUrl}/consumer-groups/${encodeURIComponent(id)}`;

function groupResource(
  links: ResourceLinks,
  group: GroupSummary & Partial<Pick<GroupDescription, 'coordinator' | 'protocol'>>,
): Record<string, unknown> {
  const self = groupUrl(links, group.id);
  return resource('KafkaConsumerGroup', self, crn(links, `consumer-group=${group.id}`), {
    cluster_id: links.clusterId,
    consumer_group_id: group.id,
    is_simple: group.protocolType === '' && group.type === 'classic',
    partition_assignor: group.protocol ?? '',
    state: group.state.toUpperCase(),
    type: group.type.toUpperCase(),
    coordinator: related(`${links.clusterUrl}/brokers/${group.coordinator ?? -1}`),
    consumers: related(`${self}/consumers`),
    lag_summary: related(`${self}/lag-summary`),
  });
}

const consumerUrl = (links: ResourceLinks, group: string, memberId: string): string =>
  `${groupUrl(links, group)}/consumers/${encodeURIComponent(memberId)}`;

function consumerResource(links: ResourceLinks, group: string, member: GroupMember): Record<string, unknown> {
  const self = consumerUrl(links, group, member.memberId);
  return resource('KafkaConsumer', self, crn(links, `consumer-group=${group}`, `consumer=${member.memberId}`), {
    cluster_id: links.clusterId,
    consumer_group_id: group,
    consumer_id: member.memberId,
    instance_id: member.instanceId,
    client_id: member.clientId,
    client_host: member.clientHost,
    assignments: related(`${self}/assignments`),
  });
}

function assignmentResource(
  links: ResourceLinks,
  group: string,
  memberId: string,
  topic: string,
  partition: number,
): Record<string, unknown> {
  const self = `${consumerUrl(links, group, memberId)}/assignments/${encodeURIComponent(topic)}/partitions/${partition}`;
  return resource(
    'KafkaConsumerAssignment',
    self,
    crn(links, `consumer-group=${group}`, `consumer=${memberId}`, `assignment=${topic}`, `partition=${partition}`),
    {
      cluster_id: links.clusterId,
      consumer_group_id: group,
      consumer_id: memberId,
      topic_name: topic,
      partition_id: partition,
      partition: related(`${topicUrl(links, topic)}/partitions/${partition}`),
      lag: related(`${groupUrl(links, group)}/lags/${encodeURIComponent(topic)}/partitions/${partition}`),
    },
  );
}

/** A partition number from a path; 404 (no such partition) for anything that is not one. */
function partitionNumber(raw: string | undefined, what: string): number {
  if (!/^\d{1,9}$/.test(raw ?? '')) throw new HttpError(404, `${what} has no partition ${JSON.stringify(raw)}`);
  return Number(raw);
}

function lagResource(links: ResourceLinks, group: string, lag: PartitionLag): Record<string, unknown> {
  const self = `${groupUrl(links, group)}/lags/${encodeURIComponent(lag.topic)}/partitions/${lag.partition}`;
  return resource('KafkaConsumerLag', self, crn(links, `consumer-group=${group}`, `lag=${lag.topic}`, `partition=${lag.partition}`), {
    cluster_id: links.clusterId,
    consumer_group_id: group,
    topic_name: lag.topic,
    partition_id: lag.partition,
    current_offset: lag.currentOffset,
    log_end_offset: lag.logEndOffset,
    lag: lag.lag,
    consumer_id: lag.member?.memberId ?? '',
    instance_id: lag.member?.instanceId ?? null,
    client_id: lag.member?.clientId ?? '',
  });
}

/** Consumer groups, classic and KIP-848, as v3 shows them: the group, its consumers and assignments, its lag. */
export function consumerGroupRoutes(service: AdminService): AdminRoute[] {
  const byId = (params: Readonly<Record<string, string>>): string => groupId(params['consumer_group_id']);
  const view = { resource: 'consumer-group' as const, action: 'view' as const, name: byId };
  const memberOf = async (params: Readonly<Record<string, string>>): Promise<{ group: GroupDescription; member: GroupMember }> => {
    const group = await service.groups.describe(byId(params));
    const member = group.members.find((entry) => entry.memberId === params['consumer_id']);
    if (!member) throw new HttpError(404, `group ${group.id} has no consumer ${params['consumer_id']}`);
    return { group, member };
  };
  return [
    route({
      method: 'get',
      root: 'v3',
      path: '/consumer-groups',
      operation: 'consumer-groups.list',
      answers: { kind: 'KafkaConsumerGroupList', item: 'KafkaConsumerGroup' },
      resource: 'consumer-group',
      action: 'view',
      summary: 'List the consumer groups the caller may see.',
      async handle({ links, caller }) {
        const groups = (await service.groups.list()).filter((group) => caller.permissions.allows('consumer-group', 'view', group.id));
        return {
          status: 200,
          body: list(
            'KafkaConsumerGroupList',
            `${links.clusterUrl}/consumer-groups`,
            groups.map((group) => groupResource(links, group)),
          ),
        };
      },
    }),
    route({
      method: 'get',
      root: 'v3',
      path: '/consumer-groups/:consumer_group_id',
      operation: 'consumer-groups.get',
      answers: { kind: 'KafkaConsumerGroup' },
      ...view,
      summary: 'Describe a consumer group.',
      async handle({ params, links }) {
        return { status: 200, body: groupResource(links, await service.groups.describe(byId(params))) };
      },
    }),
    route({
      method: 'get',
      root: 'v3',
      path: '/consumer-groups/:consumer_group_id/consumers',
      operation: 'consumer-groups.consumers',
      answers: { kind: 'KafkaConsumerList', item: 'KafkaConsumer' },
      ...view,
      summary: 'The members of a consumer group.',
      async handle({ params, links }) {
        const group = await service.groups.describe(byId(params));
        return {
          status: 200,
          body: list(
            'KafkaConsumerList',
            `${groupUrl(links, group.id)}/consumers`,
            group.members.map((member) => consumerResource(links, group.id, member)),
          ),
        };
      },
    }),
    route({
      method: 'get',
      root: 'v3',
      path: '/consumer-groups/:consumer_group_id/consumers/:consumer_id',
      operation: 'consumer-groups.consumer',
      answers: { kind: 'KafkaConsumer' },
      ...view,
      summary: 'One member of a consumer group.',
      async handle({ params, links }) {
        const { group, member } = await memberOf(params);
        return { status: 200, body: consumerResource(links, group.id, member) };
      },
    }),
    route({
      method: 'get',
      root: 'v3',
      path: '/consumer-groups/:consumer_group_id/consumers/:consumer_id/assignments',
      operation: 'consumer-groups.assignments',
      answers: { kind: 'KafkaConsumerAssignmentList', item: 'KafkaConsumerAssignment' },
      ...view,
      summary: 'The partitions assigned to one member.',
      async handle({ params, links }) {
        const { group, member } = await memberOf(params);
        const self = `${consumerUrl(links, group.id, member.memberId)}/assignments`;
        const data = [...member.assignment].flatMap(([topic, partitions]) =>
          partitions.map((partition) => assignmentResource(links, group.id, member.memberId, topic, partition)),
        );
        return { status: 200, body: list('KafkaConsumerAssignmentList', self, data) };
      },
    }),
    route({
      method: 'get',
      root: 'v3',
      path: '/consumer-groups/:consumer_group_id/consumers/:consumer_id/assignments/:topic_name/partitions/:partition_id',
      operation: 'consumer-groups.assignment',
      answers: { kind: 'KafkaConsumerAssignment' },
      ...view,
      summary: 'One partition assigned to one member.',
      async handle({ params, links }) {
        const { group, member } = await memberOf(params);
        const topic = topicName(params['topic_name']);
        const partition = partitionNumber(params['partition_id'], `the assignment of ${member.memberId} in ${topic}`);
        if (!member.assignment.get(topic)?.includes(partition)) {
          throw new HttpError(404, `consumer ${member.memberId} of group ${group.id} is not assigned ${topic}-${partition}`);
        }
        return { status: 200, body: assignmentResource(links, group.id, member.memberId, topic, partition) };
      },
    }),
    route({
      method: 'get',
      root: 'v3',
      path: '/consumer-groups/:consumer_group_id/lags',
      operation: 'consumer-groups.lags',
      answers: { kind: 'KafkaConsumerLagList', item: 'KafkaConsumerLag' },
      ...view,
      summary: 'Lag of every partition the group committed for.',
      async handle({ params, links }) {
        const group = await service.groups.describe(byId(params));
        const lags = await service.groups.lags(group);
        return {
          status: 200,
          body: list(
            'KafkaConsumerLagList',
            `${groupUrl(links, group.id)}/lags`,
            lags.map((lag) => lagResource(links, group.id, lag)),
          ),
        };
      },
    }),
    route({
      method: 'get',
      root: 'v3',
      path: '/consumer-groups/:consumer_group_id/lags/:topic_name/partitions/:partition_id',
      operation: 'consumer-groups.lag',
      answers: { kind: 'KafkaConsumerLag' },
      ...view,
      summary: 'Lag of one partition the group committed for.',
      async handle({ params, links }) {
        const group = await service.groups.describe(byId(params));
        const topic = topicName(params['topic_name']);
        const partition = partitionNumber(params['partition_id'], `the lag of group ${group.id} in ${topic}`);
        const lag = (await service.groups.lags(group)).find((entry) => entry.topic === topic && entry.partition === partition);
        if (!lag) throw new HttpError(404, `group ${group.id} has committed no offset for ${topic}-${partition}`);
        return { status: 200, body: lagResource(links, group.id, lag) };
      },
    }),
    route({
      method: 'get',
      root: 'v3',
      path: '/consumer-groups/:consumer_group_id/lag-summary',
      operation: 'consumer-groups.lag-summary',
      answers: { kind: 'KafkaConsumerGroupLagSummary' },
      ...view,
      summary: 'Total lag and the partition with the most.',
      async handle({ params, links }) {
        const group = await service.groups.describe(byId(params));
        const lags = await service.groups.lags(group);
        const max = lags.reduce<PartitionLag | undefined>(
          (best, lag) => (best === undefined || lag.lag > best.lag ? lag : best),
          undefined,
        );
        const self = `${groupUrl(links, group.id)}/lag-summary`;
        return {
          status: 200,
          body: resource('KafkaConsumerGroupLagSummary', self, crn(links, `consumer-group=${group.id}`, 'lag-summary'), {
            cluster_id: links.clusterId,
            consumer_group_id: group.id,
            max_lag_consumer_id: max?.member?.memberId ?? '',
            max_lag_instance_id: max?.member?.instanceId ?? null,
            max_lag_client_id: max?.member?.clientId ?? '',
            max_lag_topic_name: max?.topic ?? '',
            max_lag_partition_id: max?.partition ?? -1,
            max_lag: max?.lag ?? 0,
            total_lag: lags.reduce((sum, lag) => sum + lag.lag, 0),
            max_lag_consumer: related(
              max?.member ? `${groupUrl(links, group.id)}/consumers/${encodeURIComponent(max.member.memberId)}` : '',
            ),
            max_lag_partition: related(max ? `${topicUrl(links, max.topic)}/partitions/${max.partition}` : ''),
          }),
        };
      },
    }),
  ];
}
