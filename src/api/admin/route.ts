import type { z } from 'zod';
import type { Action, Permissions, Resource } from '../../admin/permissions.ts';
import type { ResourceLinks } from './envelope.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Caller {
  readonly user: string;
  readonly roles: readonly string[];
  readonly permissions: Permissions;
}

export interface RouteContext<Body> {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly body: Body;
  readonly links: ResourceLinks;
  readonly caller: Caller;
}

export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** For the audit line: values before and after. */
  readonly changes?: unknown;
}

/** One admin endpoint: where it is, what it needs, and what it does. Mutations are every method but GET. */
export interface AdminRoute<Body = unknown> {
  readonly method: Method;
  /** Under the root's /clusters/:cluster_id (or the root itself when not scoped), in express syntax. */
  readonly path: string;
  readonly root: 'v3' | 'sonar';
  /** False for the few routes about the API itself rather than a cluster (whoami, audit). */
  readonly scoped?: boolean;
  /** Stable name in audit lines and metrics: topics.create, topic-configs.alter, ... */
  readonly operation: string;
  readonly resource: Resource;
  readonly action: Action;
  /** The topic or group name the permission is checked against, when the route has one. */
  readonly name?: (params: Readonly<Record<string, string>>, body: Body) => string | undefined;
  readonly body?: z.ZodType<Body>;
  /** Whether this call only validates (validate_only, dry_run). */
  readonly dryRun?: (body: Body) => boolean;
  readonly summary: string;
  /** The kind of resource a success answers (and of a list's items); none for 204 No Content. */
  readonly answers?: { readonly kind: string; readonly item?: string };
  /** Success is 201 Created (200 when only validated). */
  readonly creates?: boolean;
  handle(context: RouteContext<Body>): Promise<RouteResult>;
}

/** Keeps each route's body type while listing routes of different bodies together. */
export function route<Body>(definition: AdminRoute<Body>): AdminRoute<unknown> {
  return definition as AdminRoute<unknown>;
}
