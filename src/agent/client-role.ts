import type { Role } from '../sniffer/events.ts';

/** The role a client is reported with: what it does, or mixed when it does more than one thing. */
export type ReportedRole = 'producer' | 'consumer' | 'follower' | 'admin' | 'mixed' | '';

/** Group coordination is part of consuming; broker-to-broker requests belong with replication. */
export function reportedRoleOf(role: Role): Exclude<ReportedRole, 'mixed' | ''> {
  switch (role) {
    case 'group':
      return 'consumer';
    case 'broker':
      return 'follower';
    default:
      return role;
  }
}

/** '' until a request tells (a client that only asked for metadata or versions). */
export function reportedRole(roles: Iterable<Role>): ReportedRole {
  const seen = new Set<ReportedRole>();
  for (const role of roles) seen.add(reportedRoleOf(role));
  if (seen.size === 0) return '';
  if (seen.size > 1) return 'mixed';
  return seen.values().next().value!;
}
