import { randomUUID } from 'node:crypto';
import express from 'express';
import type { AdminService } from '../../admin/admin-service.ts';
import { basicCredentials } from '../../admin/authenticator.ts';
import { ALL_PERMISSIONS } from '../../admin/permissions.ts';
import type { Logger } from '../../log/logger.ts';
import { redactSecrets } from './audit-redaction.ts';
import { ROOTS, expressPath } from './admin-paths.ts';
import { renderDocsPage } from './docs-page.ts';
import type { ResourceLinks } from './envelope.ts';
import { HttpError, toHttpError } from './http-error.ts';
import { IdempotencyStore } from './idempotency.ts';
import { openApiDocument } from './openapi.ts';
import type { AdminRoute, Caller, RouteResult } from './route.ts';
import { sonarClusterRoutes } from './sonar-cluster.ts';
import { sonarConsumerGroupRoutes } from './sonar-consumer-groups.ts';
import { sonarRoutes } from './sonar-routes.ts';
import { sonarZookeeperGroupRoutes } from './sonar-zookeeper-groups.ts';
import { aclRoutes } from './v3-acls.ts';
import { allConfigRoutes } from './v3-configs.ts';
import { reassignmentRoutes } from './v3-reassignments.ts';
import { clusterRoutes } from './v3-cluster.ts';
import { consumerGroupRoutes } from './v3-consumer-groups.ts';
import { topicRoutes } from './v3-topics.ts';

const MAX_BODY = '1mb';
const UNAUTHENTICATED_CALLER: Caller = { user: 'anonymous', roles: ['admin'], permissions: ALL_PERMISSIONS };

export function adminRoutes(service: AdminService): AdminRoute[] {
  return [
    ...clusterRoutes(service),
    ...reassignmentRoutes(service),
    ...topicRoutes(service),
    ...allConfigRoutes(service),
    ...consumerGroupRoutes(service),
    ...aclRoutes(service),
    ...sonarClusterRoutes(service),
    ...sonarConsumerGroupRoutes(service),
    ...sonarZookeeperGroupRoutes(service),
    ...sonarRoutes(service),
  ];
}

function outcomeOf(status: number, dryRun: boolean): string {
  if (status < 400) return dryRun ? 'dry_run' : 'ok';
  const outcomes: Record<number, string> = {
    400: 'invalid',
    401: 'unauthenticated',
    403: 'forbidden',
    404: 'not_found',
    409: 'conflict',
    413: 'invalid',
    422: 'invalid',
    429: 'rate_limited',
    503: 'unavailable',
  };
  return outcomes[status] ?? 'error';
}

function firstIssue(issues: readonly { path: readonly PropertyKey[]; message: string; code: string; keys?: readonly string[] }[]): string {
  const issue = issues[0]!;
  const path = issue.path.map(String).join('.') || 'body';
  if (issue.code === 'unrecognized_keys' && issue.keys)
    return `${path === 'body' ? '' : `${path}: `}unknown field ${issue.keys.join(', ')}`;
  return `${path}: ${issue.message}`;
}

/** Runs one request of a route: authenticate, check the cluster, validate, authorize, do it, audit it, count it. */
class RequestPipeline {
  readonly #service: AdminService;
  readonly #logger: Logger;
  readonly #idempotency = new IdempotencyStore();

  constructor(service: AdminService, logger: Logger) {
    this.#service = service;
    this.#logger = logger;
  }

  async #caller(request: express.Request, source: string, attempted: { user: string }): Promise<Caller> {
    const authenticator = this.#service.authenticator;
    if (!authenticator) return UNAUTHENTICATED_CALLER;
    const credentials = basicCredentials(request.get('authorization'));
    const challenge = { 'WWW-Authenticate': 'Basic realm="kafka-sonar admin", charset="UTF-8"' };
    if (!credentials) throw new HttpError(401, 'authentication required: HTTP basic credentials of a user of admin.users-file', challenge);
    attempted.user = credentials.name;
    const limiter = this.#service.failedLogins;
    const wait = limiter.retryAfterSeconds(source, credentials.name);
    if (wait > 0)
      throw new HttpError(429, `too many failed logins for ${credentials.name} from ${source}: retry in ${wait} s`, {
        'Retry-After': String(wait),
      });
    const user = await authenticator.authenticate(credentials.name, credentials.password);
    if (!user) {
      limiter.fail(source, credentials.name);
      throw new HttpError(401, 'wrong user name or password', challenge);
    }
    limiter.succeed(source, credentials.name);
    return { user: user.name, roles: user.roles, permissions: user.permissions };
  }

  async #links(request: express.Request, route: AdminRoute): Promise<ResourceLinks> {
    const base = `${request.protocol}://${request.get('host') ?? 'localhost'}`;
    if (route.scoped === false) return { clusterUrl: `${base}${ROOTS[route.root]}`, clusterId: '' };
    const asked = request.params['cluster_id'] ?? '';
    const clusterId = await this.#service.clusterId();
    if (asked !== clusterId && (this.#service.clusterName === '' || asked !== this.#service.clusterName)) {
      throw new HttpError(
        404,
        `cluster ${asked} not found: this exporter serves cluster ${clusterId}${this.#service.clusterName ? ` (alias ${this.#service.clusterName})` : ''}`,
      );
    }
    return { clusterUrl: `${base}${ROOTS[route.root]}/clusters/${encodeURIComponent(clusterId)}`, clusterId };
  }

  #body(route: AdminRoute, raw: unknown): unknown {
    if (!route.body) return undefined;
    const parsed = route.body.safeParse(raw ?? {});
    if (!parsed.success) throw new HttpError(400, `invalid request body: ${firstIssue(parsed.error.issues)}`);
    return parsed.data;
  }

  async run(route: AdminRoute, request: express.Request, response: express.Response): Promise<void> {
    const started = performance.now();
    const mutation = route.method !== 'get';
    const source = request.socket.remoteAddress ?? '';
    const attempted = { user: '-' };
    let caller: Caller | undefined;
    let clusterId = '';
    let body: unknown;
    let dryRun = false;
    let result: RouteResult | undefined;
    let failure: HttpError | undefined;
    let replayed = false;
    try {
      caller = await this.#caller(request, source, attempted);
      const links = await this.#links(request, route);
      clusterId = links.clusterId;
      body = this.#body(route, request.body);
      dryRun = route.dryRun?.(body) ?? false;
      if (mutation && this.#service.readOnly)
        throw new HttpError(403, 'the admin API is read-only (admin.read-only): mutations are refused');
      const name = route.name?.(request.params as Record<string, string>, body);
      if (!caller.permissions.allows(route.resource, route.action, name)) {
        throw new HttpError(
          403,
          `${caller.user} may not ${route.action} ${route.resource}${name === undefined ? '' : ` ${name}`} (roles: ${caller.roles.join(', ') || 'none'})`,
        );
      }
      if (mutation) this.#service.audit.assertWritable();
      const context = {
        params: request.params as Record<string, string>,
        query: request.query as Record<string, string>,
        body,
        links,
        caller,
      };
      const key = route.method === 'post' ? request.get('idempotency-key') : undefined;
      if (key === undefined) {
        result = await route.handle(context);
      } else {
        ({ result, replayed } = await this.#idempotency.run(
          { user: caller.user, method: route.method, path: request.path, key },
          body,
          () => route.handle(context),
        ));
      }
    } catch (error) {
      failure = toHttpError(error);
      if (failure.status >= 500)
        this.#logger.warn('admin request failed', { operation: route.operation, status: failure.status, reason: failure.message });
    }
    const status = failure?.status ?? result!.status;
    if (mutation)
      this.#audit(route, request, {
        caller,
        user: caller?.user ?? attempted.user,
        source,
        clusterId,
        body,
        dryRun,
        status,
        failure,
        result,
        started,
        replayed,
      });
    this.#service.metrics.countRequest(route.operation, replayed ? 'replayed' : outcomeOf(status, dryRun));
    if (replayed) response.set('Idempotent-Replayed', 'true');
    for (const [name, value] of Object.entries({ ...failure?.headers, ...result?.headers })) response.set(name, value);
    if (failure) response.status(status).json(failure.body);
    else if (result!.body === undefined) response.status(status).end();
    else response.status(status).json(result!.body);
  }

  #audit(
    route: AdminRoute,
    request: express.Request,
    facts: {
      caller: Caller | undefined;
      user: string;
      source: string;
      clusterId: string;
      body: unknown;
      dryRun: boolean;
      status: number;
      failure: HttpError | undefined;
      result: RouteResult | undefined;
      started: number;
      replayed: boolean;
    },
  ): void {
    const nameInPath = typeof request.params['name'] === 'string' ? request.params['name'] : undefined;
    try {
      this.#service.audit.append({
        time: new Date().toISOString(),
        request_id: String(request.get('x-request-id') ?? randomUUID()),
        user: facts.user,
        roles: facts.caller?.roles ?? [],
        source: facts.source,
        cluster: facts.clusterId,
        operation: route.operation,
        resource: request.path,
        parameters: redactSecrets(
          { ...request.params, ...(facts.body === undefined ? {} : { body: redactSecrets(facts.body, nameInPath) }) },
          nameInPath,
        ),
        dry_run: facts.dryRun,
        result: {
          status: facts.status,
          ...(facts.failure ? { error_code: facts.failure.body.error_code, message: facts.failure.message } : {}),
        },
        duration_ms: Math.round(performance.now() - facts.started),
        ...(facts.replayed ? { replayed: true } : {}),
        ...(!facts.replayed && facts.result?.changes !== undefined ? { changes: redactSecrets(facts.result.changes, nameInPath) } : {}),
      });
    } catch (error) {
      this.#logger.error('admin mutation not audited: its audit line could not be written', {
        operation: route.operation,
        status: facts.status,
        reason: (error as Error).message,
      });
    }
  }
}

/** The admin API: /v3 (Confluent REST Proxy v3) and /sonar/v1, every route through one pipeline. */
export function adminRouter(service: AdminService, logger: Logger, version: string): express.Router {
  const router = express.Router();
  const pipeline = new RequestPipeline(service, logger);
  const json = express.json({ limit: MAX_BODY, type: () => true });
  const routes = adminRoutes(service);
  const document = openApiDocument(routes, version);
  router.get(`${ROOTS.sonar}/openapi.json`, (_request, response) => {
    response.json(document);
  });
  router.get(`${ROOTS.sonar}/docs`, (_request, response) => {
    response.type('html').send(renderDocsPage(routes, version));
  });
  for (const route of routes) {
    const path = expressPath(route);
    const handler = (request: express.Request, response: express.Response): Promise<void> => pipeline.run(route, request, response);
    if (route.method === 'get') router.get(path, handler);
    else router[route.method](path, json, handler);
  }
  for (const root of Object.values(ROOTS)) {
    router.use(root, (request, response) => {
      response
        .status(404)
        .json({ error_code: 404, message: `no admin endpoint ${request.method} ${request.originalUrl}: see /sonar/v1/openapi.json` });
    });
    router.use(
      root,
      (
        error: Error & { status?: number; type?: string },
        _request: express.Request,
        response: express.Response,
        next: express.NextFunction,
      ) => {
        if (error.type === 'entity.parse.failed')
          response.status(400).json({ error_code: 400, message: `the request body is not valid JSON: ${error.message}` });
        else if (error.type === 'entity.too.large')
          response.status(413).json({ error_code: 413, message: `the request body is larger than ${MAX_BODY}` });
        else if (typeof error.status === 'number' && error.status >= 400 && error.status < 500)
          response.status(error.status).json({ error_code: error.status, message: error.message });
        else next(error);
      },
    );
  }
  return router;
}
