import { z } from 'zod';
import { OPERATIONS, PATTERN_TYPES, PERMISSIONS, RESOURCE_TYPES, type AclBinding, type AclBindingFilter } from '../../admin/acls.ts';
import type { AdminService } from '../../admin/admin-service.ts';
import { list, resource, type ResourceLinks } from './envelope.ts';
import { HttpError } from './http-error.ts';
import { route, type AdminRoute } from './route.ts';

const names = <T extends Record<string, number>>(table: T): [keyof T & string, ...(keyof T & string)[]] =>
  Object.keys(table).filter((name) => name !== 'UNKNOWN') as [keyof T & string, ...(keyof T & string)[]];

const CONCRETE = (values: readonly string[]): string[] => values.filter((value) => value !== 'ANY' && value !== 'MATCH');

const aclBody = z
  .object({
    resource_type: z.enum(CONCRETE(names(RESOURCE_TYPES)) as [string, ...string[]]),
    resource_name: z.string().min(1).max(1000),
    pattern_type: z.enum(['LITERAL', 'PREFIXED']),
    principal: z.string().regex(/^[A-Za-z]+:.+$/, 'a principal such as User:alice'),
    host: z.string().min(1).max(255),
    operation: z.enum(CONCRETE(names(OPERATIONS)) as [string, ...string[]]),
    permission: z.enum(['ALLOW', 'DENY']),
  })
  .strict();

const batchBody = z.object({ data: z.array(aclBody).min(1).max(1000) }).strict();

type AclBody = z.infer<typeof aclBody>;

const toBinding = (body: AclBody): AclBinding => ({
  resourceType: body.resource_type as AclBinding['resourceType'],
  resourceName: body.resource_name,
  patternType: body.pattern_type,
  principal: body.principal,
  host: body.host,
  operation: body.operation as AclBinding['operation'],
  permission: body.permission,
});

function aclResource(links: ResourceLinks, acl: AclBinding): Record<string, unknown> {
  return resource('KafkaAcl', `${links.clusterUrl}/acls`, null, {
    cluster_id: links.clusterId,
    resource_type: acl.resourceType,
    resource_name: acl.resourceName,
    pattern_type: acl.patternType,
    principal: acl.principal,
    host: acl.host,
    operation: acl.operation,
    permission: acl.permission,
  });
}

function enumParameter<T extends Record<string, number>>(
  query: Readonly<Record<string, string | undefined>>,
  key: string,
  table: T,
  fallback: (keyof T & string) | undefined,
): keyof T & string {
  const raw = query[key] ?? fallback;
  if (raw === undefined) throw new HttpError(400, `${key} is required (one of ${names(table).join(', ')})`);
  const upper = raw.toUpperCase();
  if (!(upper in table) || upper === 'UNKNOWN')
    throw new HttpError(400, `${key} ${JSON.stringify(raw)} is not one of ${names(table).join(', ')}`);
  return upper as keyof T & string;
}

/** The filter of a query string; DELETE requires the type, pattern, operation and permission, as v3 does. */
function filterOf(query: Readonly<Record<string, string | undefined>>, required: boolean): AclBindingFilter {
  const fallback = <T extends string>(value: T): T | undefined => (required ? undefined : value);
  return {
    resourceType: enumParameter(query, 'resource_type', RESOURCE_TYPES, fallback('ANY')),
    patternType: enumParameter(query, 'pattern_type', PATTERN_TYPES, fallback('ANY')),
    operation: enumParameter(query, 'operation', OPERATIONS, fallback('ANY')),
    permission: enumParameter(query, 'permission', PERMISSIONS, fallback('ANY')),
    ...(query['resource_name'] ? { resourceName: query['resource_name'] } : {}),
    ...(query['principal'] ? { principal: query['principal'] } : {}),
    ...(query['host'] ? { host: query['host'] } : {}),
  };
}

const describeAcl = (acl: AclBinding): Record<string, string> => ({
  resource_type: acl.resourceType,
  resource_name: acl.resourceName,
  pattern_type: acl.patternType,
  principal: acl.principal,
  host: acl.host,
  operation: acl.operation,
  permission: acl.permission,
});

/** ACLs as v3 serves them: list by filter, create one, create a batch, delete by filter. */
export function aclRoutes(service: AdminService): AdminRoute[] {
  return [
    route({
      method: 'get',
      root: 'v3',
      path: '/acls',
      operation: 'acls.list',
      answers: { kind: 'KafkaAclList', item: 'KafkaAcl' },
      resource: 'acl',
      action: 'view',
      summary:
        'ACLs matching the filter (?resource_type=&resource_name=&pattern_type=&principal=&host=&operation=&permission=; ANY by default).',
      async handle({ query, links }) {
        const acls = await service.acls.list(filterOf(query, false));
        return {
          status: 200,
          body: list(
            'KafkaAclList',
            `${links.clusterUrl}/acls`,
            acls.map((acl) => aclResource(links, acl)),
          ),
        };
      },
    }),
    route({
      method: 'post',
      root: 'v3',
      path: '/acls',
      operation: 'acls.create',
      answers: { kind: 'KafkaAcl' },
      creates: true,
      resource: 'acl',
      action: 'create',
      body: aclBody,
      summary: 'Create one ACL.',
      async handle({ body, links }) {
        const acl = toBinding(body);
        await service.acls.create([acl]);
        return { status: 201, body: aclResource(links, acl), changes: [{ ...describeAcl(acl), before: null, after: 'created' }] };
      },
    }),
    route({
      method: 'post',
      root: 'v3',
      path: '/acls\\:batch',
      operation: 'acls.create-batch',
      resource: 'acl',
      action: 'create',
      body: batchBody,
      summary: 'Create several ACLs at once.',
      async handle({ body }) {
        const acls = body.data.map(toBinding);
        await service.acls.create(acls);
        return { status: 204, changes: acls.map((acl) => ({ ...describeAcl(acl), before: null, after: 'created' })) };
      },
    }),
    route({
      method: 'delete',
      root: 'v3',
      path: '/acls',
      operation: 'acls.delete',
      answers: { kind: 'KafkaAclList', item: 'KafkaAcl' },
      resource: 'acl',
      action: 'delete',
      summary:
        'Delete the ACLs matching the filter (resource_type, pattern_type, operation and permission are required); answers the deleted ones.',
      async handle({ query, links }) {
        const deleted = await service.acls.delete([filterOf(query, true)]);
        return {
          status: 200,
          body: list(
            'KafkaAclList',
            `${links.clusterUrl}/acls`,
            deleted.map((acl) => aclResource(links, acl)),
          ),
          changes: deleted.map((acl) => ({ ...describeAcl(acl), before: 'existed', after: null })),
        };
      },
    }),
  ];
}
