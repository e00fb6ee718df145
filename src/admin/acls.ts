import { createAclsV3, deleteAclsV3, describeAclsV3, type Connection } from '@platformatic/kafka';
import { AdminError } from './admin-error.ts';
import type { ClusterGateway } from './cluster-gateway.ts';

/** Kafka's names of the ACL enumerations, by their wire codes (AclOperation, ResourceType, PatternType, AclPermissionType). */
export const RESOURCE_TYPES = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const;
export const PATTERN_TYPES = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;
export const OPERATIONS = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
  TWO_PHASE_COMMIT: 15,
} as const;
export const PERMISSIONS = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;

export type ResourceTypeName = keyof typeof RESOURCE_TYPES;
export type PatternTypeName = keyof typeof PATTERN_TYPES;
export type OperationName = keyof typeof OPERATIONS;
export type PermissionName = keyof typeof PERMISSIONS;

export interface AclBinding {
  readonly resourceType: ResourceTypeName;
  readonly resourceName: string;
  readonly patternType: PatternTypeName;
  readonly principal: string;
  readonly host: string;
  readonly operation: OperationName;
  readonly permission: PermissionName;
}

/** What to match: absent name, principal and host match any. */
export interface AclBindingFilter {
  readonly resourceType: ResourceTypeName;
  readonly resourceName?: string;
  readonly patternType: PatternTypeName;
  readonly principal?: string;
  readonly host?: string;
  readonly operation: OperationName;
  readonly permission: PermissionName;
}

function nameOf<T extends Record<string, number>>(table: T, code: number): keyof T {
  return (Object.keys(table).find((key) => table[key] === code) ?? 'UNKNOWN') as keyof T;
}

function toWire(acl: AclBinding): Parameters<typeof createAclsV3.api.async>[1][number] {
  return {
    resourceType: RESOURCE_TYPES[acl.resourceType],
    resourceName: acl.resourceName,
    resourcePatternType: PATTERN_TYPES[acl.patternType],
    principal: acl.principal,
    host: acl.host,
    operation: OPERATIONS[acl.operation],
    permissionType: PERMISSIONS[acl.permission],
  };
}

function filterToWire(filter: AclBindingFilter): Parameters<typeof describeAclsV3.api.async>[1] {
  return {
    resourceType: RESOURCE_TYPES[filter.resourceType],
    resourceName: filter.resourceName ?? null,
    resourcePatternType: PATTERN_TYPES[filter.patternType],
    principal: filter.principal ?? null,
    host: filter.host ?? null,
    operation: OPERATIONS[filter.operation],
    permissionType: PERMISSIONS[filter.permission],
  };
}

function fromWire(acl: {
  resourceType: number;
  resourceName: string;
  resourcePatternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}): AclBinding {
  return {
    resourceType: nameOf(RESOURCE_TYPES, acl.resourceType),
    resourceName: acl.resourceName,
    patternType: nameOf(PATTERN_TYPES, acl.resourcePatternType),
    principal: acl.principal,
    host: acl.host,
    operation: nameOf(OPERATIONS, acl.operation),
    permission: nameOf(PERMISSIONS, acl.permissionType),
  };
}

/** ACLs: described by filter, created, deleted by filter (answering what was deleted). Needs an authorizer on the brokers. */
export class AclService {
  readonly #gateway: ClusterGateway;

  constructor(gateway: ClusterGateway) {
    this.#gateway = gateway;
  }

  #send<T>(what: string, request: (connection: Connection) => Promise<T>): Promise<T> {
    return this.#gateway.onController(what, request);
  }

  async list(filter: AclBindingFilter): Promise<AclBinding[]> {
    const response = await this.#send('describing ACLs', (connection) => describeAclsV3.api.async(connection, filterToWire(filter)));
    if (response.errorCode !== 0) throw AdminError.fromKafka(response.errorCode, 'describing ACLs', response.errorMessage);
    return response.resources.flatMap((target) => target.acls.map((acl) => fromWire({ ...target, ...acl })));
  }

  async create(acls: readonly AclBinding[]): Promise<void> {
    const response = await this.#send('creating ACLs', (connection) => createAclsV3.api.async(connection, acls.map(toWire)));
    const failed = response.results.findIndex((result) => result.errorCode !== 0);
    if (failed >= 0)
      throw AdminError.fromKafka(
        response.results[failed]!.errorCode,
        `creating ACL ${failed + 1} of ${acls.length}`,
        response.results[failed]!.errorMessage,
      );
  }

  async delete(filters: readonly AclBindingFilter[]): Promise<AclBinding[]> {
    const response = await this.#send('deleting ACLs', (connection) => deleteAclsV3.api.async(connection, filters.map(filterToWire)));
    const deleted: AclBinding[] = [];
    for (const result of response.filterResults) {
      if (result.errorCode !== 0) throw AdminError.fromKafka(result.errorCode, 'deleting ACLs', result.errorMessage);
      for (const acl of result.matchingAcls) {
        if (acl.errorCode !== 0) throw AdminError.fromKafka(acl.errorCode, 'deleting an ACL', acl.errorMessage);
        deleted.push(fromWire(acl));
      }
    }
    return deleted;
  }
}
