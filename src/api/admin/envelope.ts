/**
 * The Confluent REST Proxy v3 envelope: every resource carries kind and metadata {self,
 * resource_name}, lists carry {self, next} and data, relations are {related: url}.
 */

export interface ResourceLinks {
  /** Absolute URL of this cluster under the route's root (http://host:port/v3/clusters/{id}); the root itself for routes outside a cluster. */
  readonly clusterUrl: string;
  readonly clusterId: string;
}

export const related = (url: string): { related: string } => ({ related: url });

export function resource(
  kind: string,
  self: string,
  resourceName: string | null,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  return { kind, metadata: { self, resource_name: resourceName }, ...fields };
}

export function list(kind: string, self: string, data: readonly unknown[]): Record<string, unknown> {
  return { kind, metadata: { self, next: null }, data };
}

export const crn = (links: ResourceLinks, ...parts: string[]): string => ['crn:///kafka=' + links.clusterId, ...parts].join('/');
