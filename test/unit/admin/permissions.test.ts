import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ACTIONS,
  ALL_PERMISSIONS,
  BUILT_IN_ROLES,
  Permissions,
  RESOURCES,
  type Action,
  type Resource,
} from '../../../src/admin/permissions.ts';

const role = (name: string): Permissions => new Permissions(BUILT_IN_ROLES.get(name)!);

/** Every (resource, action) pair the permissions allow, as "resource:action". */
function allowed(permissions: Permissions, name?: string): string[] {
  return RESOURCES.flatMap((resource) =>
    ACTIONS.filter((action) => permissions.allows(resource, action, name)).map((action) => `${resource}:${action}`),
  );
}

describe('built-in roles', () => {
  test('viewer views the cluster, broker configs, topics, groups and ACLs, and nothing else', () => {
    assert.deepEqual(allowed(role('viewer'), 'x'), ['cluster:view', 'broker-config:view', 'topic:view', 'consumer-group:view', 'acl:view']);
    const viewer = role('viewer');
    assert.ok(!viewer.allows('record', 'view'));
    assert.ok(!viewer.allows('audit', 'view'));
    for (const action of ['create', 'edit', 'delete', 'reset-offsets'] as const) {
      for (const resource of RESOURCES) assert.ok(!viewer.allows(resource, action, 'x'), `viewer may not ${action} ${resource}`);
    }
  });

  test('operator adds topic create and edit and group offset resets', () => {
    const operator = role('operator');
    assert.deepEqual(allowed(operator, 'x'), [
      'cluster:view',
      'broker-config:view',
      'topic:view',
      'topic:create',
      'topic:edit',
      'consumer-group:view',
      'consumer-group:reset-offsets',
      'acl:view',
    ]);
    assert.ok(!operator.allows('topic', 'delete', 'x'));
    assert.ok(!operator.allows('consumer-group', 'delete', 'x'));
    assert.ok(!operator.allows('broker-config', 'edit'));
    assert.ok(!operator.allows('acl', 'create'));
    assert.ok(!operator.allows('acl', 'delete'));
    assert.ok(!operator.allows('audit', 'view'));
    assert.ok(!operator.allows('record', 'view'));
  });

  test('admin may do everything, as may the no-authentication mode', () => {
    const every = RESOURCES.flatMap((resource) => ACTIONS.map((action) => `${resource}:${action}`));
    assert.deepEqual(allowed(role('admin'), 'x'), every);
    assert.deepEqual(allowed(role('admin')), every);
    assert.deepEqual(allowed(ALL_PERMISSIONS, 'x'), every);
  });

  test('the built-in roles are exactly viewer, operator and admin', () => {
    assert.deepEqual([...BUILT_IN_ROLES.keys()], ['viewer', 'operator', 'admin']);
  });

  test('no rules allow nothing', () => {
    assert.deepEqual(allowed(new Permissions([])), []);
  });
});

describe('custom rules', () => {
  const teamA = new Permissions([{ resource: 'topic', actions: ['view', 'delete'], names: new RegExp('^(?:team-a\\..*)$') }]);

  test('names match the whole name', () => {
    assert.ok(teamA.allows('topic', 'delete', 'team-a.x'));
    assert.ok(teamA.allows('topic', 'view', 'team-a.orders.v2'));
    assert.ok(!teamA.allows('topic', 'delete', 'xteam-a.x'));
    assert.ok(!teamA.allows('topic', 'delete', 'team-a'));
    assert.ok(!teamA.allows('topic', 'delete', 'team-ab'));
  });

  test('only the actions and resource of the rule', () => {
    assert.ok(!teamA.allows('topic', 'edit', 'team-a.x'));
    assert.ok(!teamA.allows('consumer-group', 'view', 'team-a.x'));
  });

  test('rules of several roles merge', () => {
    const merged = new Permissions([
      ...BUILT_IN_ROLES.get('viewer')!,
      { resource: 'topic', actions: ['delete'], names: /^(?:team-a\..*)$/ },
    ]);
    assert.ok(merged.allows('topic', 'view', 'payments'));
    assert.ok(merged.allows('topic', 'delete', 'team-a.x'));
    assert.ok(!merged.allows('topic', 'delete', 'payments'));
  });

  test('a check without a name (listing) passes a names rule, the list being filtered per name', () => {
    assert.ok(teamA.allows('topic', 'view'));
  });
});

describe('describe', () => {
  test('each rule as text, names without the anchoring added when parsed', () => {
    const permissions = new Permissions([
      { resource: 'topic', actions: ['view', 'edit'], names: /^(?:team-a\..*)$/ },
      { resource: 'consumer-group', actions: ['reset-offsets'] },
    ]);
    assert.deepEqual(permissions.describe(), [
      { resource: 'topic', actions: ['view', 'edit'], names: 'team-a\\..*' },
      { resource: 'consumer-group', actions: ['reset-offsets'], names: '.*' },
    ]);
  });

  test('the actions are a copy', () => {
    const rules = [{ resource: 'topic' as Resource, actions: ['view'] as Action[] }];
    const described = new Permissions(rules).describe();
    described[0]!.actions.push('delete');
    assert.ok(!new Permissions(rules).allows('topic', 'delete'));
    assert.deepEqual(rules[0]!.actions, ['view']);
  });

  test('names are described as written: a / stays a /, other escapes stay escaped', () => {
    const rule = (names: string) => ({ resource: 'topic' as const, actions: ['view' as const], names: new RegExp(`^(?:${names})$`) });
    for (const written of ['team-a/.*', 'a\\.b/c', 'x\\\\/y', 'one|two', '(a|b)/[0-9]+']) {
      assert.equal(new Permissions([rule(written)]).describe()[0]!.names, written);
    }
  });

  test('viewer described', () => {
    assert.deepEqual(
      role('viewer')
        .describe()
        .map((rule) => `${rule.resource}:${rule.actions.join('+')}:${rule.names}`),
      ['cluster:view:.*', 'broker-config:view:.*', 'topic:view:.*', 'consumer-group:view:.*', 'acl:view:.*'],
    );
  });
});
