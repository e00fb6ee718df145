import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { isBcryptHash } from './authenticator.ts';
import { ACTIONS, BUILT_IN_ROLES, Permissions, RESOURCES, type Action, type PermissionRule, type Resource } from './permissions.ts';

export interface AdminUser {
  readonly name: string;
  /** bcrypt, as htpasswd -nbB writes it ($2y$, $2b$ or $2a$). */
  readonly passwordHash: string;
  readonly roles: readonly string[];
  readonly permissions: Permissions;
}

export interface UserDirectory {
  readonly users: ReadonlyMap<string, AdminUser>;
  /** sha256 of the file's content, to tell a change. */
  readonly contentHash: string;
}

export class UsersFileError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseRule(raw: unknown, where: string): PermissionRule {
  if (!isRecord(raw)) throw new UsersFileError(`${where}: expected {resource, actions, names}`);
  const unknownKeys = Object.keys(raw).filter((key) => !['resource', 'actions', 'names'].includes(key));
  if (unknownKeys.length > 0) throw new UsersFileError(`${where}: unknown field ${unknownKeys[0]} (expected resource, actions, names)`);
  const { resource, actions, names } = raw;
  if (typeof resource !== 'string' || !(RESOURCES as readonly string[]).includes(resource)) {
    throw new UsersFileError(`${where}: resource ${JSON.stringify(resource)} is not one of ${RESOURCES.join(', ')}`);
  }
  if (!Array.isArray(actions) || actions.length === 0)
    throw new UsersFileError(`${where}: actions must be a non-empty list of ${ACTIONS.join(', ')}`);
  for (const action of actions) {
    if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
      throw new UsersFileError(`${where}: action ${JSON.stringify(action)} is not one of ${ACTIONS.join(', ')}`);
    }
  }
  let pattern: RegExp | undefined;
  if (names !== undefined) {
    if (typeof names !== 'string') throw new UsersFileError(`${where}: names must be a regular expression (a string)`);
    try {
      new RegExp(names);
      pattern = new RegExp(`^(?:${names})$`);
    } catch (error) {
      throw new UsersFileError(`${where}: names ${JSON.stringify(names)} is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  return { resource: resource as Resource, actions: actions as Action[], ...(pattern ? { names: pattern } : {}) };
}

function parseRoles(raw: unknown): Map<string, readonly PermissionRule[]> {
  const roles = new Map(BUILT_IN_ROLES);
  if (raw === undefined || raw === null) return roles;
  if (!isRecord(raw)) throw new UsersFileError('roles: expected a map of role name to a list of rules');
  for (const [name, rules] of Object.entries(raw)) {
    if (BUILT_IN_ROLES.has(name)) throw new UsersFileError(`roles.${name}: ${name} is a built-in role and cannot be redefined`);
    if (!Array.isArray(rules)) throw new UsersFileError(`roles.${name}: expected a list of rules`);
    roles.set(
      name,
      rules.map((rule, index) => parseRule(rule, `roles.${name}[${index}]`)),
    );
  }
  return roles;
}

function parseUser(raw: unknown, index: number, roles: ReadonlyMap<string, readonly PermissionRule[]>): AdminUser {
  if (!isRecord(raw)) throw new UsersFileError(`users[${index}]: expected {name, password_hash, roles}`);
  const { name, password_hash: passwordHash, roles: userRoles } = raw;
  if (typeof name !== 'string' || !/^[^\s:]+$/.test(name))
    throw new UsersFileError(`users[${index}]: name must be a non-empty string without spaces or colons`);
  const unknownKeys = Object.keys(raw).filter((key) => !['name', 'password_hash', 'roles'].includes(key));
  if (unknownKeys.length > 0)
    throw new UsersFileError(`user ${name}: unknown field ${unknownKeys[0]} (expected name, password_hash, roles)`);
  if (typeof passwordHash !== 'string' || !isBcryptHash(passwordHash)) {
    throw new UsersFileError(`user ${name}: password_hash is not a bcrypt hash (make one with htpasswd -nbB ${name} <password>)`);
  }
  if (!Array.isArray(userRoles) || userRoles.some((role) => typeof role !== 'string'))
    throw new UsersFileError(`user ${name}: roles must be a list of role names`);
  const rules: PermissionRule[] = [];
  for (const role of userRoles as string[]) {
    const granted = roles.get(role);
    if (!granted)
      throw new UsersFileError(
        `user ${name}: unknown role ${role} (built-in: ${[...BUILT_IN_ROLES.keys()].join(', ')}; or define it under roles)`,
      );
    rules.push(...granted);
  }
  return { name, passwordHash, roles: userRoles as string[], permissions: new Permissions(rules) };
}

/** Parses and checks the whole users file; the first problem found is thrown, naming where it is. */
export function parseUsersFile(content: string): UserDirectory {
  let document: unknown;
  try {
    document = parse(content);
  } catch (error) {
    throw new UsersFileError(`not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isRecord(document)) throw new UsersFileError('expected a map with users (and optionally roles)');
  const unknownKeys = Object.keys(document).filter((key) => key !== 'users' && key !== 'roles');
  if (unknownKeys.length > 0) throw new UsersFileError(`unknown top-level field ${unknownKeys[0]} (expected users, roles)`);
  const roles = parseRoles(document['roles']);
  const rawUsers = document['users'];
  if (!Array.isArray(rawUsers)) throw new UsersFileError('users: expected a list of {name, password_hash, roles}');
  const users = new Map<string, AdminUser>();
  rawUsers.forEach((raw, index) => {
    const user = parseUser(raw, index, roles);
    if (users.has(user.name)) throw new UsersFileError(`user ${user.name}: listed twice`);
    users.set(user.name, user);
  });
  return { users, contentHash: createHash('sha256').update(content).digest('hex') };
}
