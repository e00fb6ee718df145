import { z } from 'zod';
import type { AdminService } from '../../admin/admin-service.ts';
import type { ResetScope } from '../../admin/consumer-groups.ts';
import type { PlannedOffset, ResetStrategy } from '../../admin/offset-reset.ts';
import { groupId, topicName } from './names.ts';
import { route, type AdminRoute } from './route.ts';

const partitionIds = z.array(z.number().int().min(0)).min(1).max(100_000);

const resetBody = z
  .object({
    scope: z.union([
      z.object({ all_topics: z.literal(true) }).strict(),
      z
        .object({
          topics: z
            .array(z.object({ topic: z.string(), partitions: partitionIds.optional() }).strict())
            .min(1)
            .max(10_000),
        })
        .strict(),
    ]),
    strategy: z.discriminatedUnion('type', [
      z.object({ type: z.enum(['earliest', 'latest', 'current']) }).strict(),
      z
        .object({
          type: z.literal('offset'),
          value: z.number().int().min(0).optional(),
          offsets: z
            .array(z.object({ topic: z.string(), partition: z.number().int().min(0), offset: z.number().int().min(0) }).strict())
            .max(100_000)
            .optional(),
        })
        .strict(),
      z.object({ type: z.literal('shift_by'), value: z.number().int() }).strict(),
      z.object({ type: z.literal('timestamp'), value: z.number().int().min(0) }).strict(),
      z.object({ type: z.enum(['datetime', 'duration']), value: z.string().min(1).max(100) }).strict(),
    ]),
    dry_run: z.boolean().optional(),
    clamp: z.boolean().optional(),
  })
  .strict();

type ResetBody = z.infer<typeof resetBody>;

function scopeOf(body: ResetBody): ResetScope {
  if ('all_topics' in body.scope) return { allTopics: true };
  return {
    topics: body.scope.topics.map((entry) => ({
      topic: topicName(entry.topic),
      ...(entry.partitions ? { partitions: entry.partitions } : {}),
    })),
  };
}

function plannedResource(entry: PlannedOffset): Record<string, unknown> {
  return {
    topic_name: entry.topic,
    partition_id: entry.partition,
    current_offset: entry.current,
    new_offset: entry.new,
    earliest_offset: entry.earliest,
    latest_offset: entry.latest,
    clamped: entry.clamped,
    lag_before: entry.lagBefore,
    lag_after: entry.lagAfter,
  };
}

/** What v3 has no verb for: resetting a group's offsets (dry run first), deleting a group or its offsets of a topic. */
export function sonarConsumerGroupRoutes(service: AdminService): AdminRoute[] {
  const byId = (params: Readonly<Record<string, string>>): string => groupId(params['consumer_group_id']);
  return [
    route({
      method: 'post',
      root: 'sonar',
      path: '/consumer-groups/:consumer_group_id/offsets\\:reset',
      operation: 'consumer-groups.reset-offsets',
      answers: { kind: 'SonarOffsetReset' },
      resource: 'consumer-group',
      action: 'reset-offsets',
      name: byId,
      body: resetBody,
      dryRun: (body) => body.dry_run !== false,
      summary:
        'Move the committed offsets of a group without members: earliest, latest, current, offset, shift_by, timestamp, datetime or duration; dry_run (the default) answers the same plan and commits nothing.',
      async handle({ params, body }) {
        const id = byId(params);
        const dryRun = body.dry_run !== false;
        const plan = await service.groups.resetOffsets(id, scopeOf(body), body.strategy as ResetStrategy, {
          dryRun,
          clamp: body.clamp !== false,
        });
        return {
          status: 200,
          body: {
            kind: 'SonarOffsetReset',
            metadata: { self: null, resource_name: null },
            consumer_group_id: id,
            dry_run: dryRun,
            data: plan.map(plannedResource),
          },
          changes: plan.map((entry) => ({ topic: entry.topic, partition: entry.partition, before: entry.current, after: entry.new })),
        };
      },
    }),
    route({
      method: 'delete',
      root: 'sonar',
      path: '/consumer-groups/:consumer_group_id',
      operation: 'consumer-groups.delete',
      resource: 'consumer-group',
      action: 'delete',
      name: byId,
      summary: 'Delete a group and its committed offsets; refused (409) while it has members.',
      async handle({ params }) {
        const group = await service.groups.describe(byId(params));
        const offsets = await service.groups.committedOffsets(group);
        await service.groups.delete(group);
        return {
          status: 204,
          changes: offsets.map((entry) => ({ topic: entry.topic, partition: entry.partition, before: entry.offset, after: null })),
        };
      },
    }),
    route({
      method: 'delete',
      root: 'sonar',
      path: '/consumer-groups/:consumer_group_id/offsets/:topic_name',
      operation: 'consumer-groups.delete-offsets',
      resource: 'consumer-group',
      action: 'delete',
      name: byId,
      summary: "Delete the group's committed offsets of one topic; refused (409) while a member reads it.",
      async handle({ params }) {
        const topic = topicName(params['topic_name']);
        const group = await service.groups.describe(byId(params));
        const offsets = (await service.groups.committedOffsets(group)).filter((entry) => entry.topic === topic);
        if (offsets.length === 0)
          return { status: 404, body: { error_code: 404, message: `group ${group.id} has no committed offsets for topic ${topic}` } };
        await service.groups.deleteOffsets(
          group,
          topic,
          offsets.map((entry) => entry.partition),
        );
        return { status: 204, changes: offsets.map((entry) => ({ topic, partition: entry.partition, before: entry.offset, after: null })) };
      },
    }),
  ];
}
