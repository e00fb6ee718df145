import type { AdminRoute } from './route.ts';

export const ROOTS = { v3: '/v3', sonar: '/sonar/v1' } as const;

/** Where express serves the route. */
export function expressPath(route: AdminRoute): string {
  return `${ROOTS[route.root]}${route.scoped === false ? '' : '/clusters/:cluster_id'}${route.path}`;
}
