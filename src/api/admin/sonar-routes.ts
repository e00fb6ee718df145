import type { AdminService } from '../../admin/admin-service.ts';
import { list, resource } from './envelope.ts';
import { HttpError } from './http-error.ts';
import { route, type AdminRoute } from './route.ts';

function parseSince(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const time = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(time)) throw new HttpError(400, `since ${JSON.stringify(raw)} is neither epoch milliseconds nor an ISO 8601 time`);
  return time;
}

/** The API about itself: who is calling, and what was done. */
export function sonarRoutes(service: AdminService): AdminRoute[] {
  return [
    route({
      method: 'get',
      root: 'sonar',
      scoped: false,
      path: '/whoami',
      operation: 'whoami',
      answers: { kind: 'SonarWhoAmI' },
      resource: 'cluster',
      action: 'view',
      summary: 'The caller: user, roles and what they allow.',
      async handle({ caller, links }) {
        return {
          status: 200,
          body: resource('SonarWhoAmI', `${links.clusterUrl}/whoami`, null, {
            user: caller.user,
            roles: caller.roles,
            permissions: caller.permissions.describe(),
            read_only: service.readOnly,
          }),
        };
      },
    }),
    route({
      method: 'get',
      root: 'sonar',
      scoped: false,
      path: '/audit',
      operation: 'audit.list',
      answers: { kind: 'SonarAuditEntryList' },
      resource: 'audit',
      action: 'view',
      summary: 'Audit lines, oldest first (?since=&user=&operation=&limit=).',
      async handle({ query, links }) {
        const limit = query['limit'] === undefined ? 1000 : Number(query['limit']);
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
          throw new HttpError(400, 'limit must be a whole number from 1 to 10000');
        const since = parseSince(query['since']);
        const entries = service.audit.read({
          ...(since !== undefined ? { since } : {}),
          limit,
          ...(query['user'] ? { user: query['user'] } : {}),
          ...(query['operation'] ? { operation: query['operation'] } : {}),
        });
        return { status: 200, body: list('SonarAuditEntryList', `${links.clusterUrl}/audit`, entries) };
      },
    }),
  ];
}
