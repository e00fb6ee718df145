import { z } from 'zod';
import type { AdminService } from '../../admin/admin-service.ts';
import type { ConfigEntry, ConfigTarget } from '../../admin/configs.ts';
import type { Resource } from '../../admin/permissions.ts';
import { crn, list, resource, type ResourceLinks } from './envelope.ts';
import { HttpError } from './http-error.ts';
import { brokerId, configName, topicName } from './names.ts';
import { route, type AdminRoute } from './route.ts';
import { topicUrl } from './v3-topics.ts';

const alterBatchBody = z
  .object({
    data: z
      .array(
        z
          .object({
            name: z.string().min(1),
            value: z.string().optional(),
            operation: z.enum(['SET', 'DELETE', 'set', 'delete']).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(1000),
    validate_only: z.boolean().optional(),
  })
  .strict();

const updateConfigBody = z.object({ value: z.string(), validate_only: z.boolean().optional() }).strict();

/** One kind of config owner: how its URL, names and kinds read, and which resource guards it. */
interface ConfigScope {
  readonly prefix: string;
  readonly path: string;
  readonly guard: Resource;
  readonly kind: string;
  readonly target: (params: Readonly<Record<string, string>>) => ConfigTarget;
  readonly url: (links: ResourceLinks, target: ConfigTarget) => string;
  readonly fields: (target: ConfigTarget) => Record<string, unknown>;
  readonly crnParts: (target: ConfigTarget) => string[];
  readonly name?: (params: Readonly<Record<string, string>>) => string;
}

const topicScope: ConfigScope = {
  prefix: 'topic-configs',
  path: '/topics/:topic_name/configs',
  guard: 'topic',
  kind: 'KafkaTopicConfig',
  target: (params) => ({ kind: 'topic', topic: topicName(params['topic_name']) }),
  url: (links, target) => `${topicUrl(links, target.kind === 'topic' ? target.topic : '')}/configs`,
  fields: (target) => ({ topic_name: target.kind === 'topic' ? target.topic : '' }),
  crnParts: (target) => [`topic=${target.kind === 'topic' ? target.topic : ''}`],
  name: (params) => topicName(params['topic_name']),
};

const brokerScope: ConfigScope = {
  prefix: 'broker-configs',
  path: '/brokers/:broker_id/configs',
  guard: 'broker-config',
  kind: 'KafkaBrokerConfig',
  target: (params) => ({ kind: 'broker', brokerId: brokerId(params['broker_id']) }),
  url: (links, target) => `${links.clusterUrl}/brokers/${target.kind === 'broker' ? target.brokerId : ''}/configs`,
  fields: (target) => ({ broker_id: target.kind === 'broker' ? target.brokerId : null }),
  crnParts: (target) => [`broker=${target.kind === 'broker' ? target.brokerId : ''}`],
};

const clusterScope: ConfigScope = {
  prefix: 'cluster-configs',
  path: '/broker-configs',
  guard: 'broker-config',
  kind: 'KafkaClusterConfig',
  target: () => ({ kind: 'cluster' }),
  url: (links) => `${links.clusterUrl}/broker-configs`,
  fields: () => ({ config_type: 'BROKER' }),
  crnParts: () => ['broker-config'],
};

function configResource(scope: ConfigScope, links: ResourceLinks, target: ConfigTarget, entry: ConfigEntry): Record<string, unknown> {
  return resource(
    scope.kind,
    `${scope.url(links, target)}/${encodeURIComponent(entry.name)}`,
    crn(links, ...scope.crnParts(target), `config=${entry.name}`),
    {
      cluster_id: links.clusterId,
      ...scope.fields(target),
      name: entry.name,
      value: entry.value,
      is_default: entry.isDefault,
      is_read_only: entry.readOnly,
      is_sensitive: entry.sensitive,
      source: entry.source,
      synonyms: entry.synonyms.map((synonym) => ({ name: synonym.name, value: synonym.value, source: synonym.source })),
    },
  );
}

/** List, get, set, reset and batch-alter configs: the same five endpoints for topics, brokers and the cluster-wide defaults. */
function configRoutes(service: AdminService, scope: ConfigScope): AdminRoute[] {
  const named = scope.name ? { name: scope.name } : {};
  const edit = { resource: scope.guard, action: 'edit' as const, ...named };
  return [
    route({
      method: 'get',
      root: 'v3',
      path: scope.path,
      operation: `${scope.prefix}.list`,
      answers: { kind: `${scope.kind}List`, item: scope.kind },
      resource: scope.guard,
      action: 'view',
      ...named,
      summary: 'List the configs with their source and synonyms (sensitive values are never shown).',
      async handle({ params, links }) {
        const target = scope.target(params);
        const entries = await service.configs.list(target);
        return {
          status: 200,
          body: list(
            `${scope.kind}List`,
            scope.url(links, target),
            entries.map((entry) => configResource(scope, links, target, entry)),
          ),
        };
      },
    }),
    route({
      method: 'get',
      root: 'v3',
      path: `${scope.path}/:name`,
      operation: `${scope.prefix}.get`,
      answers: { kind: scope.kind },
      resource: scope.guard,
      action: 'view',
      ...named,
      summary: 'One config.',
      async handle({ params, links }) {
        const target = scope.target(params);
        return { status: 200, body: configResource(scope, links, target, await service.configs.get(target, configName(params['name']))) };
      },
    }),
    route({
      method: 'put',
      root: 'v3',
      path: `${scope.path}/:name`,
      operation: `${scope.prefix}.update`,
      ...edit,
      body: updateConfigBody,
      dryRun: (body) => body.validate_only === true,
      summary: 'Give one config a dynamic value; the others are left as they are.',
      async handle({ params, body }) {
        const changes = await service.configs.alter(
          scope.target(params),
          [{ name: configName(params['name']), operation: 'SET', value: body.value }],
          body.validate_only === true,
        );
        return { status: 204, changes };
      },
    }),
    route({
      method: 'delete',
      root: 'v3',
      path: `${scope.path}/:name`,
      operation: `${scope.prefix}.reset`,
      ...edit,
      summary: 'Remove the dynamic value of one config, so its default applies again.',
      async handle({ params }) {
        const changes = await service.configs.alter(
          scope.target(params),
          [{ name: configName(params['name']), operation: 'DELETE' }],
          false,
        );
        return { status: 204, changes };
      },
    }),
    route({
      method: 'post',
      root: 'v3',
      path: `${scope.path}\\:alter`,
      operation: `${scope.prefix}.alter`,
      ...edit,
      body: alterBatchBody,
      dryRun: (body) => body.validate_only === true,
      summary: 'Set and delete several configs at once, incrementally.',
      async handle({ params, body }) {
        const requested = body.data.map((entry) => {
          const operation = (entry.operation ?? 'SET').toUpperCase() as 'SET' | 'DELETE';
          if (operation === 'SET' && entry.value === undefined)
            throw new HttpError(400, `data: ${entry.name}: SET needs a value (or operation DELETE)`);
          return { name: configName(entry.name), operation, ...(entry.value !== undefined ? { value: entry.value } : {}) };
        });
        const changes = await service.configs.alter(scope.target(params), requested, body.validate_only === true);
        return { status: 204, changes };
      },
    }),
  ];
}

export function allConfigRoutes(service: AdminService): AdminRoute[] {
  return [topicScope, brokerScope, clusterScope].flatMap((scope) => configRoutes(service, scope));
}
