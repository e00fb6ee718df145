import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import bcrypt from 'bcryptjs';
import { parseUsersFile, UsersFileError } from '../../../src/admin/users-file.ts';

/** The hash part of what htpasswd -nbB writes (user:hash), at the lowest cost to keep the test fast. */
function htpasswdHash(user: string, password: string, ...flags: string[]): string {
  const line = execFileSync('htpasswd', ['-nb', ...flags, user, password], { encoding: 'utf8' }).trim();
  assert.ok(line.startsWith(`${user}:`), line);
  return line.slice(user.length + 1);
}

const aliceHash = htpasswdHash('alice', 'alice-secret', '-B', '-C', '4');
const bobHash = bcrypt.hashSync('bob-secret', 4);

const validFile = `
roles:
  team-a-operator:
    - resource: topic
      actions: [view, create, edit]
      names: 'team-a\\..*'
    - resource: consumer-group
      actions: [view, reset-offsets]
      names: 'team-a-.*'
  auditor:
    - resource: audit
      actions: [view]
users:
  - name: alice
    password_hash: '${aliceHash}'
    roles: [admin]
  - name: bob
    password_hash: '${bobHash}'
    roles: [viewer, team-a-operator]
  - name: carol
    password_hash: '${bobHash.replace(/^\$2b\$/, '$2a$')}'
    roles: [auditor]
  - name: dave
    password_hash: '${bobHash}'
    roles: []
`;

/** A file of one user with the given hash and roles (and extra YAML for the user and the file). */
function oneUser(options: { name?: string; hash?: string; roles?: string; extraUser?: string; roles_section?: string } = {}): string {
  return [
    options.roles_section ?? '',
    'users:',
    `  - name: ${options.name ?? 'erin'}`,
    `    password_hash: '${options.hash ?? bobHash}'`,
    `    roles: ${options.roles ?? '[viewer]'}`,
    options.extraUser ?? '',
  ].join('\n');
}

function refused(content: string, message: RegExp): void {
  assert.throws(
    () => parseUsersFile(content),
    (error: unknown) => {
      assert.ok(error instanceof UsersFileError, `expected a UsersFileError, got ${String(error)}`);
      assert.match(error.message, message);
      return true;
    },
  );
}

describe('parseUsersFile: a valid file', () => {
  const directory = parseUsersFile(validFile);

  test('has every user, with their hash and roles as written', () => {
    assert.deepEqual([...directory.users.keys()], ['alice', 'bob', 'carol', 'dave']);
    const alice = directory.users.get('alice')!;
    assert.equal(alice.name, 'alice');
    assert.equal(alice.passwordHash, aliceHash);
    assert.match(alice.passwordHash, /^\$2y\$04\$/, 'htpasswd -B writes $2y$');
    assert.deepEqual(alice.roles, ['admin']);
    assert.deepEqual(directory.users.get('bob')!.roles, ['viewer', 'team-a-operator']);
    assert.ok(bcrypt.compareSync('alice-secret', alice.passwordHash), 'the hash is kept unchanged');
  });

  test('a built-in role grants its rules', () => {
    const alice = directory.users.get('alice')!.permissions;
    assert.ok(alice.allows('topic', 'delete', 'anything'));
    assert.ok(alice.allows('audit', 'view'));
  });

  test('a custom role grants its rules, merged with the other roles of the user', () => {
    const bob = directory.users.get('bob')!.permissions;
    assert.ok(bob.allows('topic', 'create', 'team-a.orders'));
    assert.ok(!bob.allows('topic', 'create', 'team-b.orders'));
    assert.ok(bob.allows('topic', 'view', 'team-b.orders'), 'viewer sees every topic');
    assert.ok(bob.allows('consumer-group', 'reset-offsets', 'team-a-billing'));
    assert.ok(!bob.allows('consumer-group', 'reset-offsets', 'team-b-billing'));
    assert.ok(!bob.allows('topic', 'delete', 'team-a.orders'));
    const carol = directory.users.get('carol')!.permissions;
    assert.ok(carol.allows('audit', 'view'));
    assert.ok(!carol.allows('topic', 'view', 'x'));
  });

  test('a user with no roles may do nothing', () => {
    const dave = directory.users.get('dave')!.permissions;
    assert.ok(!dave.allows('cluster', 'view'));
    assert.deepEqual(dave.describe(), []);
  });

  test('contentHash is the sha256 of the content, so an edit changes it', () => {
    assert.equal(directory.contentHash, createHash('sha256').update(validFile).digest('hex'));
    assert.notEqual(parseUsersFile(`${validFile}\n# edited\n`).contentHash, directory.contentHash);
  });

  test('roles may be left out, and a user name may hold any character but spaces and colons', () => {
    const users = parseUsersFile(oneUser({ name: 'svc.deploy@example-ci' })).users;
    assert.ok(users.get('svc.deploy@example-ci')?.permissions.allows('topic', 'view'));
  });
});

describe('parseUsersFile: refused files name the user or role at fault', () => {
  test('a password hash that is not bcrypt: MD5 apr1, SHA, crypt and plain text', () => {
    const md5 = htpasswdHash('erin', 'pw', '-m');
    const sha = htpasswdHash('erin', 'pw', '-s');
    assert.match(md5, /^\$apr1\$/);
    assert.match(sha, /^\{SHA\}/);
    for (const hash of [
      md5,
      sha,
      'rl8Hq0P5wCVk2',
      'erin-password',
      '',
      bobHash.slice(0, -1),
      bobHash.replace(/^\$2b\$04\$/, '$2b$03$'),
      bobHash.replace(/^\$2b\$/, '$2x$'),
    ]) {
      refused(oneUser({ hash }), /^user erin: password_hash is not a bcrypt hash \(make one with htpasswd -nbB erin <password>\)$/);
    }
  });

  test('a password hash that is not a string', () => {
    refused(
      ['users:', '  - name: erin', '    password_hash: 12345', '    roles: [viewer]'].join('\n'),
      /user erin: password_hash is not a bcrypt hash/,
    );
    refused(['users:', '  - name: erin', '    roles: [viewer]'].join('\n'), /user erin: password_hash is not a bcrypt hash/);
  });

  test('an unknown role', () => {
    refused(
      oneUser({ roles: '[viewer, superuser]' }),
      /^user erin: unknown role superuser \(built-in: viewer, operator, admin; or define it under roles\)$/,
    );
  });

  test('roles that are not a list of names', () => {
    refused(oneUser({ roles: 'admin' }), /^user erin: roles must be a list of role names$/);
    refused(oneUser({ roles: '[1]' }), /^user erin: roles must be a list of role names$/);
  });

  test('redefining a built-in role', () => {
    for (const role of ['viewer', 'operator', 'admin']) {
      refused(
        oneUser({ roles_section: `roles:\n  ${role}:\n    - resource: topic\n      actions: [view]` }),
        new RegExp(`^roles\\.${role}: ${role} is a built-in role and cannot be redefined$`),
      );
    }
  });

  test('unknown fields: at the top, in a user, in a rule', () => {
    refused(`${oneUser()}\ngroups: []`, /^unknown top-level field groups \(expected users, roles\)$/);
    refused(oneUser({ extraUser: '    password: hunter2' }), /^user erin: unknown field password \(expected name, password_hash, roles\)$/);
    refused(
      oneUser({ roles: '[ops]', roles_section: 'roles:\n  ops:\n    - resource: topic\n      actions: [view]\n      name: orders' }),
      /^roles\.ops\[0\]: unknown field name \(expected resource, actions, names\)$/,
    );
  });

  test('rules with an unknown resource or action, or no actions', () => {
    const rule = (body: string): string =>
      oneUser({ roles: '[ops]', roles_section: `roles:\n  ops:\n    - resource: topic\n      actions: [view]\n    - ${body}` });
    refused(
      rule('resource: topics\n      actions: [view]'),
      /^roles\.ops\[1\]: resource "topics" is not one of cluster, broker-config, topic/,
    );
    refused(
      rule('resource: topic\n      actions: [read]'),
      /^roles\.ops\[1\]: action "read" is not one of view, create, edit, delete, reset-offsets$/,
    );
    refused(rule('resource: topic\n      actions: []'), /^roles\.ops\[1\]: actions must be a non-empty list/);
    refused(oneUser({ roles_section: 'roles:\n  ops: {resource: topic}' }), /^roles\.ops: expected a list of rules$/);
  });

  test('names that are not a valid regular expression, or not a string', () => {
    const withNames = (names: string): string =>
      oneUser({ roles: '[ops]', roles_section: `roles:\n  ops:\n    - resource: topic\n      actions: [view]\n      names: ${names}` });
    refused(withNames("'team-a\\.(.*'"), /^roles\.ops\[0\]: names "team-a\\\\\.\(\.\*" is not a valid regular expression: /);
    refused(withNames("'[z-a]'"), /^roles\.ops\[0\]: names "\[z-a\]" is not a valid regular expression/);
    refused(withNames('[a, b]'), /^roles\.ops\[0\]: names must be a regular expression \(a string\)$/);
  });

  test('the same user twice', () => {
    refused(oneUser({ extraUser: `  - name: erin\n    password_hash: '${aliceHash}'\n    roles: [admin]` }), /^user erin: listed twice$/);
  });

  test('bad user names: spaces, colons, empty, not a string', () => {
    for (const name of ["'erin smith'", "'erin:x'", "''", '42']) {
      refused(oneUser({ name }), /^users\[0\]: name must be a non-empty string without spaces or colons$/);
    }
  });

  test('invalid YAML, and YAML of the wrong shape', () => {
    refused('users:\n  - name: erin\n   password_hash: [unclosed', /^not valid YAML: /);
    refused('users: [\n', /^not valid YAML: /);
    refused('', /^expected a map with users/);
    refused('- alice\n- bob', /^expected a map with users/);
    refused('roles: {}', /^users: expected a list of/);
    refused('users:\n  - alice', /^users\[0\]: expected \{name, password_hash, roles\}$/);
  });

  test('the first problem is the one reported, in file order', () => {
    const twoProblems = oneUser({ roles: '[nope]', extraUser: `  - name: zed\n    password_hash: plain\n    roles: [viewer]` });
    refused(twoProblems, /^user erin: unknown role nope/);
  });
});
