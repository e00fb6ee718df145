/** Who may do what: built-in roles and custom ones, as rules over resources, actions and names. */

export const RESOURCES = ['cluster', 'broker-config', 'topic', 'consumer-group', 'acl', 'audit', 'record'] as const;
export type Resource = (typeof RESOURCES)[number];

export const ACTIONS = ['view', 'create', 'edit', 'delete', 'reset-offsets'] as const;
export type Action = (typeof ACTIONS)[number];

export interface PermissionRule {
  readonly resource: Resource;
  readonly actions: readonly Action[];
  /** Whole-name match of the topic or group names covered; every name when absent. */
  readonly names?: RegExp;
}

const VIEWED = ['cluster', 'broker-config', 'topic', 'consumer-group', 'acl'] as const satisfies readonly Resource[];
const VIEWER: readonly PermissionRule[] = VIEWED.map((resource) => ({ resource, actions: ['view'] }));
const OPERATOR: readonly PermissionRule[] = [
  ...VIEWER,
  { resource: 'topic', actions: ['create', 'edit'] },
  { resource: 'consumer-group', actions: ['reset-offsets'] },
];
const ADMIN: readonly PermissionRule[] = RESOURCES.map((resource) => ({ resource, actions: ACTIONS }));

export const BUILT_IN_ROLES: ReadonlyMap<string, readonly PermissionRule[]> = new Map([
  ['viewer', VIEWER],
  ['operator', OPERATOR],
  ['admin', ADMIN],
]);

/** The rules of a caller's roles, merged. */
export class Permissions {
  readonly #rules: readonly PermissionRule[];

  constructor(rules: readonly PermissionRule[]) {
    this.#rules = rules;
  }

  allows(resource: Resource, action: Action, name?: string): boolean {
    return this.#rules.some(
      (rule) =>
        rule.resource === resource &&
        rule.actions.includes(action) &&
        (rule.names === undefined || name === undefined || rule.names.test(name)),
    );
  }

  /** For whoami: each rule as text. */
  describe(): { resource: Resource; actions: Action[]; names: string }[] {
    return this.#rules.map((rule) => ({
      resource: rule.resource,
      actions: [...rule.actions],
      names: rule.names ? patternText(rule.names) : '.*',
    }));
  }
}

/** The names pattern as written: without the whole-name anchors, and without the escapes RegExp.source adds before '/'. */
function patternText(names: RegExp): string {
  return names.source
    .replace(/^\^\(\?:(.*)\)\$$/s, '$1')
    .replace(/\\(.)/gs, (escape: string, escaped: string) => (escaped === '/' ? '/' : escape));
}

/** Everything allowed: the insecure no-authentication mode. */
export const ALL_PERMISSIONS = new Permissions(ADMIN);
