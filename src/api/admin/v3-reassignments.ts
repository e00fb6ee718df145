import type { AdminService } from '../../admin/admin-service.ts';
import type { OngoingReassignment } from '../../admin/reassignments.ts';
import { crn, list, related, resource, type ResourceLinks } from './envelope.ts';
import { HttpError } from './http-error.ts';
import { topicName } from './names.ts';
import { route, type AdminRoute } from './route.ts';
import { topicUrl } from './v3-topics.ts';

function reassignmentResource(links: ResourceLinks, entry: OngoingReassignment): Record<string, unknown> {
  const partition = `${topicUrl(links, entry.topic)}/partitions/${entry.partition}`;
  return resource(
    'KafkaReassignment',
    `${partition}/reassignment`,
    crn(links, `topic=${entry.topic}`, `partition=${entry.partition}`, 'reassignment'),
    {
      cluster_id: links.clusterId,
      topic_name: entry.topic,
      partition_id: entry.partition,
      adding_replicas: entry.adding,
      removing_replicas: entry.removing,
      replicas: related(`${partition}/replicas`),
    },
  );
}

/**
 * Ongoing partition reassignments, read only as in v3 ('-' stands for every topic or partition).
 * Listed before the topic routes, so that '-' is not taken for a topic or partition name.
 */
export function reassignmentRoutes(service: AdminService): AdminRoute[] {
  const answers = { kind: 'KafkaReassignmentList', item: 'KafkaReassignment' };
  return [
    route({
      method: 'get',
      root: 'v3',
      path: '/topics/-/partitions/-/reassignment',
      operation: 'reassignments.list',
      answers,
      resource: 'topic',
      action: 'view',
      summary: 'Every partition reassignment in progress.',
      async handle({ links, caller }) {
        const ongoing = (await service.reassignments.ongoing()).filter((entry) => caller.permissions.allows('topic', 'view', entry.topic));
        return {
          status: 200,
          body: list(
            'KafkaReassignmentList',
            `${links.clusterUrl}/topics/-/partitions/-/reassignment`,
            ongoing.map((entry) => reassignmentResource(links, entry)),
          ),
        };
      },
    }),
    route({
      method: 'get',
      root: 'v3',
      path: '/topics/:topic_name/partitions/-/reassignment',
      operation: 'reassignments.topic',
      answers,
      resource: 'topic',
      action: 'view',
      name: (params) => topicName(params['topic_name']),
      summary: 'The reassignments in progress of one topic.',
      async handle({ params, links }) {
        const topic = await service.topics.describe(topicName(params['topic_name']));
        const ongoing = await service.reassignments.ongoing({
          name: topic.name,
          partitions: topic.partitions.map((partition) => partition.partition),
        });
        return {
          status: 200,
          body: list(
            'KafkaReassignmentList',
            `${topicUrl(links, topic.name)}/partitions/-/reassignment`,
            ongoing.map((entry) => reassignmentResource(links, entry)),
          ),
        };
      },
    }),
    route({
      method: 'get',
      root: 'v3',
      path: '/topics/:topic_name/partitions/:partition_id/reassignment',
      operation: 'reassignments.get',
      answers: { kind: 'KafkaReassignment' },
      resource: 'topic',
      action: 'view',
      name: (params) => topicName(params['topic_name']),
      summary: 'The reassignment in progress of one partition (404 when none).',
      async handle({ params, links }) {
        const name = topicName(params['topic_name']);
        const partition = Number(params['partition_id']);
        if (!/^\d{1,9}$/.test(params['partition_id'] ?? ''))
          throw new HttpError(400, `partition_id ${JSON.stringify(params['partition_id'])} is not a partition number`);
        const [ongoing] = await service.reassignments.ongoing({ name, partitions: [partition] });
        if (!ongoing) throw new HttpError(404, `no reassignment of ${name}-${partition} in progress`);
        return { status: 200, body: reassignmentResource(links, ongoing) };
      },
    }),
  ];
}
