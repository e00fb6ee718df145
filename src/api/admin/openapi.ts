import { z } from 'zod';
import { ROOTS, expressPath } from './admin-paths.ts';
import type { AdminRoute } from './route.ts';

const ERROR_BODY = {
  type: 'object',
  required: ['error_code', 'message'],
  additionalProperties: false,
  properties: { error_code: { type: 'integer' }, message: { type: 'string' } },
};

const ERRORS: Record<string, string> = {
  400: 'Invalid request: the message names the field or value.',
  401: 'No or wrong credentials (WWW-Authenticate: Basic).',
  403: "The caller's roles do not allow it, or the API is read-only.",
  404: 'No such cluster, topic, group, config or broker.',
  409: "Conflicts with the cluster's state: the topic exists, the group has members.",
  413: 'The request body is too large.',
  422: 'The Idempotency-Key was used before with another body.',
  429: 'Too many failed logins from this address for this user (Retry-After).',
  503: 'Kafka could not be reached or answered a retriable error, or the audit file cannot be written (Retry-After).',
};

/** A resource of the v3 envelope: its kind, and metadata with self and resource_name. */
function resourceSchema(kind: string): Record<string, unknown> {
  return {
    type: 'object',
    required: ['kind', 'metadata'],
    properties: {
      kind: { const: kind },
      metadata: {
        type: 'object',
        required: ['self'],
        properties: { self: { type: ['string', 'null'] }, resource_name: { type: ['string', 'null'] } },
      },
    },
  };
}

function listSchema(kind: string, item: string | undefined): Record<string, unknown> {
  return {
    type: 'object',
    required: ['kind', 'metadata', 'data'],
    properties: {
      kind: { const: kind },
      metadata: {
        type: 'object',
        required: ['self', 'next'],
        properties: { self: { type: ['string', 'null'] }, next: { type: ['string', 'null'] } },
      },
      data: { type: 'array', items: item === undefined ? { type: 'object' } : resourceSchema(item) },
    },
  };
}

function successSchema(route: AdminRoute): Record<string, unknown> | undefined {
  if (!route.answers) return undefined;
  return route.answers.kind.endsWith('List') ? listSchema(route.answers.kind, route.answers.item) : resourceSchema(route.answers.kind);
}

/** /v3/clusters/:cluster_id/topics/:topic_name/configs\:alter -> /v3/clusters/{cluster_id}/topics/{topic_name}/configs:alter */
export function openApiPath(route: AdminRoute): string {
  return expressPath(route)
    .replace(/(?<!\\):([a-z_]+)/g, '{$1}')
    .replaceAll('\\:', ':');
}

function jsonBody(schema: Record<string, unknown>): Record<string, unknown> {
  return { content: { 'application/json': { schema } } };
}

function operationOf(route: AdminRoute): Record<string, unknown> {
  const parameters = [...openApiPath(route).matchAll(/\{([a-z_]+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const success = successSchema(route);
  const responses: Record<string, unknown> = {};
  if (route.creates) {
    responses['201'] = { description: 'Created (Location: its URL).', ...jsonBody(success!) };
    if (route.dryRun) responses['200'] = { description: 'Validated only (validate_only): nothing was created.', ...jsonBody(success!) };
  } else if (success) {
    responses['200'] = { description: 'OK', ...jsonBody(success) };
  } else {
    responses['204'] = { description: 'Done.' };
  }
  for (const [status, description] of Object.entries(ERRORS))
    responses[status] = { description, ...jsonBody({ $ref: '#/components/schemas/Error' }) };
  const body = route.body ? z.toJSONSchema(route.body, { target: 'draft-2020-12', io: 'input' }) : undefined;
  if (body) delete (body as Record<string, unknown>)['$schema'];
  return {
    operationId: route.operation,
    summary: route.summary,
    tags: [route.root === 'v3' ? 'Kafka REST v3' : 'kafka-sonar'],
    'x-permission': { resource: route.resource, action: route.action },
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body ? { requestBody: { required: true, ...jsonBody(body) } } : {}),
    responses,
    security: [{ basic: [] }],
  };
}

/** The OpenAPI 3.1 document of every admin route, made from the same definitions that serve them. */
export function openApiDocument(routes: readonly AdminRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) (paths[openApiPath(route)] ??= {})[route.method] = operationOf(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'kafka-sonar admin API',
      version,
      description: `Confluent REST Proxy v3 paths under ${ROOTS.v3}, kafka-sonar's own under ${ROOTS.sonar}; HTTP basic authentication, roles, and an audit line per mutation.`,
    },
    paths,
    components: { schemas: { Error: ERROR_BODY }, securitySchemes: { basic: { type: 'http', scheme: 'basic' } } },
  };
}
