import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import type { AdminService } from '../../../../src/admin/admin-service.ts';
import { expressPath } from '../../../../src/api/admin/admin-paths.ts';
import { adminRoutes } from '../../../../src/api/admin/admin-router.ts';
import { openApiDocument, openApiPath } from '../../../../src/api/admin/openapi.ts';
import { route, type AdminRoute } from '../../../../src/api/admin/route.ts';

const handle = async () => ({ status: 204 });

function fakeRoute(path: string, extra: Partial<AdminRoute> = {}): AdminRoute {
  return route({
    method: 'get',
    root: 'v3',
    path,
    operation: 'test.op',
    resource: 'topic',
    action: 'view',
    summary: 'A test route.',
    handle,
    ...extra,
  });
}

interface Operation {
  operationId: string;
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Record<string, unknown> }> }>;
  'x-permission': { resource: string; action: string };
  security: unknown[];
}

describe('openApiPath', () => {
  test(':param becomes {param}, under the cluster', () => {
    assert.equal(
      openApiPath(fakeRoute('/topics/:topic_name/partitions/:partition_id')),
      '/v3/clusters/{cluster_id}/topics/{topic_name}/partitions/{partition_id}',
    );
  });

  test('an unscoped route has no cluster, the sonar root its own prefix', () => {
    assert.equal(openApiPath(fakeRoute('/whoami', { root: 'sonar', scoped: false })), '/sonar/v1/whoami');
    assert.equal(openApiPath(fakeRoute('/clusters', { scoped: false })), '/v3/clusters');
    assert.equal(openApiPath(fakeRoute('')), '/v3/clusters/{cluster_id}');
  });

  test('escaped colons of custom methods stay literal colons, not parameters', () => {
    assert.equal(
      openApiPath(fakeRoute('/topics/:topic_name/configs\\:alter')),
      '/v3/clusters/{cluster_id}/topics/{topic_name}/configs:alter',
    );
    assert.equal(
      openApiPath(fakeRoute('/consumer-groups/:consumer_group_id/offsets\\:reset', { root: 'sonar' })),
      '/sonar/v1/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/offsets:reset',
    );
    assert.equal(openApiPath(fakeRoute('/acls\\:batch')), '/v3/clusters/{cluster_id}/acls:batch');
  });
});

describe('openApiDocument of the real route table', () => {
  const routes = adminRoutes({} as AdminService);
  const document = openApiDocument(routes, '1.2.3') as {
    openapi: string;
    info: { version: string };
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  };
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );
  const routeOf = (operationId: string): AdminRoute => routes.find((entry) => entry.operation === operationId)!;

  test('an OpenAPI 3.1 document of the version given', () => {
    assert.equal(document.openapi, '3.1.0');
    assert.equal(document.info.version, '1.2.3');
    assert.ok(document.components.schemas['Error']);
    assert.deepEqual(document.components.securitySchemes['basic'], { type: 'http', scheme: 'basic' });
  });

  test('every route is one operation: no two routes share a path and method', () => {
    assert.ok(routes.length > 30, `${routes.length} routes`);
    assert.equal(operations.length, routes.length);
    const seen = new Set(routes.map((entry) => `${entry.method} ${openApiPath(entry)}`));
    assert.equal(seen.size, routes.length);
  });

  test('operationIds are unique', () => {
    const ids = operations.map((entry) => entry.operation.operationId);
    const duplicates = ids.filter((id, index) => ids.indexOf(id) !== index);
    assert.deepEqual(duplicates, []);
  });

  test('the custom-method paths are in the document as literal colons', () => {
    const paths = Object.keys(document.paths);
    for (const suffix of ['/configs:alter', '/offsets:reset', '/acls:batch'])
      assert.ok(
        paths.some((path) => path.endsWith(suffix)),
        suffix,
      );
    assert.deepEqual(
      paths.filter((path) => path.includes('\\') || /:(?!(alter|reset|batch)$)/.test(path)),
      [],
      'no backslash, and a colon only before a custom method',
    );
  });

  test('every path parameter is declared, required, and nothing else is', () => {
    for (const { path, method, operation } of operations) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const declared = (operation.parameters ?? []).map((parameter) => parameter.name);
      assert.deepEqual(declared, inPath, `${method} ${path}`);
      for (const parameter of operation.parameters ?? []) {
        assert.equal(parameter.in, 'path');
        assert.equal(parameter.required, true);
      }
      const expressParams = [...expressPath(routeOf(operation.operationId)).matchAll(/(?<!\\):(\w+)/g)].map((match) => match[1]);
      assert.deepEqual(inPath, expressParams, `${method} ${path}: every express parameter made a path parameter`);
    }
  });

  test('a requestBody for every route with a body schema, and none without', () => {
    for (const { path, method, operation } of operations) {
      const definition = routeOf(operation.operationId);
      if (definition.body) {
        assert.ok(operation.requestBody, `${method} ${path} has a body schema`);
        assert.equal(operation.requestBody.required, true);
        const schema = operation.requestBody.content['application/json']!.schema;
        assert.equal(schema['type'], 'object', `${method} ${path}`);
        assert.equal(schema['$schema'], undefined);
      } else {
        assert.equal(operation.requestBody, undefined, `${method} ${path}`);
      }
    }
    assert.ok(
      operations.some((entry) => entry.operation.requestBody),
      'some routes take a body',
    );
  });

  test('401 and 403 responses, and basic security, on every operation', () => {
    for (const { path, method, operation } of operations) {
      for (const status of ['401', '403']) {
        assert.ok(operation.responses[status], `${method} ${path}: ${status}`);
        assert.deepEqual(operation.responses[status]!.content!['application/json']!.schema, { $ref: '#/components/schemas/Error' });
      }
      assert.deepEqual(operation.security, [{ basic: [] }]);
    }
  });

  test('each operation has one success: 201 when creating, 200 with a body, 204 without', () => {
    for (const { path, method, operation } of operations) {
      const definition = routeOf(operation.operationId);
      const successes = Object.keys(operation.responses).filter((status) => status.startsWith('2'));
      if (definition.creates) assert.deepEqual(successes.sort(), definition.dryRun ? ['200', '201'] : ['201'], `${method} ${path}`);
      else if (definition.answers) assert.deepEqual(successes, ['200'], `${method} ${path}`);
      else assert.deepEqual(successes, ['204'], `${method} ${path}`);
    }
  });

  test('the permission of each route is in x-permission', () => {
    for (const { operation } of operations) {
      const definition = routeOf(operation.operationId);
      assert.deepEqual(operation['x-permission'], { resource: definition.resource, action: definition.action });
    }
  });

  test('a route with a body of its own shows its fields', () => {
    const custom = fakeRoute('/things', {
      method: 'post',
      operation: 'things.create',
      body: z.object({ name: z.string(), count: z.number().int().optional() }).strict(),
    });
    const operation = (openApiDocument([custom], '0') as { paths: Record<string, Record<string, Operation>> }).paths[
      '/v3/clusters/{cluster_id}/things'
    ]!['post']!;
    const schema = operation.requestBody!.content['application/json']!.schema;
    assert.deepEqual(schema['required'], ['name']);
    assert.deepEqual(Object.keys(schema['properties'] as object), ['name', 'count']);
    assert.equal(schema['additionalProperties'], false);
  });
});
