import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import bcrypt from 'bcryptjs';
import { Authenticator, basicCredentials, bcryptCost, commonBcryptCost, isBcryptHash } from '../../../src/admin/authenticator.ts';

interface User {
  readonly name: string;
  readonly passwordHash: string;
}

const hash = (password: string): string => bcrypt.hashSync(password, 4);
const basic = (text: string): string => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;

describe('Authenticator', () => {
  test('the right password is accepted and answers the looked-up user', async () => {
    const alice: User = { name: 'alice', passwordHash: hash('secret') };
    const authenticator = new Authenticator<User>((name) => (name === 'alice' ? alice : undefined));
    assert.equal(await authenticator.authenticate('alice', 'secret'), alice);
    assert.equal(await authenticator.authenticate('alice', 'secret'), alice, 'again, from the cache');
  });

  test('a wrong password and an unknown user are refused', async () => {
    const users = new Map<string, User>([['alice', { name: 'alice', passwordHash: hash('secret') }]]);
    const authenticator = new Authenticator<User>((name) => users.get(name));
    assert.equal(await authenticator.authenticate('alice', 'Secret'), undefined);
    assert.equal(await authenticator.authenticate('alice', ''), undefined);
    assert.equal(await authenticator.authenticate('mallory', 'secret'), undefined);
    assert.equal(
      await authenticator.authenticate('mallory', 'kafka-sonar: no such user'),
      undefined,
      "not even with the stand-in hash's password",
    );
  });

  test('a htpasswd -B hash ($2y$) is accepted', async () => {
    const line = execFileSync('htpasswd', ['-nbB', '-C', '4', 'bob', 'pw:with:colons'], { encoding: 'utf8' }).trim();
    const bob: User = { name: 'bob', passwordHash: line.slice(line.indexOf(':') + 1) };
    const authenticator = new Authenticator<User>(() => bob);
    assert.equal(await authenticator.authenticate('bob', 'pw:with:colons'), bob);
    assert.equal(await authenticator.authenticate('bob', 'pw'), undefined);
  });

  test('a changed hash is honoured at once: the cache keys on the hash', async () => {
    let current: User = { name: 'alice', passwordHash: hash('old') };
    const authenticator = new Authenticator<User>(() => current);
    assert.equal(await authenticator.authenticate('alice', 'old'), current);
    current = { name: 'alice', passwordHash: hash('new') };
    assert.equal(await authenticator.authenticate('alice', 'old'), undefined, 'the cached old password no longer works');
    assert.equal(await authenticator.authenticate('alice', 'new'), current);
  });

  test('a removed user is refused though verified before', async () => {
    let present = true;
    const alice: User = { name: 'alice', passwordHash: hash('secret') };
    const authenticator = new Authenticator<User>(() => (present ? alice : undefined));
    assert.equal(await authenticator.authenticate('alice', 'secret'), alice);
    present = false;
    assert.equal(await authenticator.authenticate('alice', 'secret'), undefined);
  });

  test('the lookup runs at each call, answering the user as it is now', async () => {
    const passwordHash = hash('secret');
    let roles = ['viewer'];
    const authenticator = new Authenticator(() => ({ name: 'alice', passwordHash, roles }));
    assert.deepEqual((await authenticator.authenticate('alice', 'secret'))?.roles, ['viewer']);
    roles = ['admin'];
    assert.deepEqual((await authenticator.authenticate('alice', 'secret'))?.roles, ['admin']);
  });
});

describe('the stand-in hash of unknown users', () => {
  test("has the cost most users' hashes have, the higher one on a tie, 10 without users", () => {
    const at = (cost: number): string => `$2b$${String(cost).padStart(2, '0')}$${'a'.repeat(53)}`;
    assert.equal(bcryptCost(at(5)), 5);
    assert.equal(bcryptCost(at(12)), 12);
    assert.equal(commonBcryptCost([]), 10);
    assert.equal(commonBcryptCost([at(5), at(5), at(12)]), 5);
    assert.equal(commonBcryptCost([at(5), at(12)]), 12);
    assert.equal(commonBcryptCost([at(4)]), 4);
  });

  test("an unknown user is compared against a hash of the users' cost, made once per cost", async () => {
    const asked: number[] = [];
    let cost = 4;
    const authenticator = new Authenticator<User>(
      () => undefined,
      () => {
        asked.push(cost);
        return cost;
      },
    );
    const started = performance.now();
    assert.equal(await authenticator.authenticate('mallory', 'guess'), undefined);
    assert.equal(await authenticator.authenticate('mallory', 'guess'), undefined);
    cost = 5;
    assert.equal(await authenticator.authenticate('eve', 'guess'), undefined);
    assert.deepEqual(asked, [4, 4, 5]);
    assert.ok(
      performance.now() - started < 2000,
      'cost 4 and 5 hashes, not the cost-10 default (about 80 ms each here, seconds on a loaded machine)',
    );
  });
});

describe('isBcryptHash', () => {
  const good = hash('x');

  test('bcrypt hashes of the $2a$, $2b$ and $2y$ kinds, cost 4 to 31', () => {
    assert.ok(isBcryptHash(good));
    for (const prefix of ['$2a$', '$2b$', '$2y$']) assert.ok(isBcryptHash(prefix + good.slice(4)), prefix);
    assert.ok(isBcryptHash(good.replace(/^\$2.\$04\$/, '$2b$31$')));
  });

  test('refuses other hashes and malformed ones', () => {
    for (const text of [
      '',
      'secret',
      '$apr1$rQPANB5E$Q57g08ZqcvPjmIIavDCo//',
      '{SHA}UWuXg/ylF+7L0dBk2i0WUxCxl1k=',
      good.replace(/^\$2.\$04\$/, '$2x$04$'),
      good.replace(/^\$2.\$04\$/, '$2b$03$'),
      good.replace(/^\$2.\$04\$/, '$2b$32$'),
      good.slice(0, -1),
      `${good}A`,
      ` ${good}`,
      `${good}\n`,
      good.slice(0, -1) + '!',
    ]) {
      assert.ok(!isBcryptHash(text), JSON.stringify(text));
    }
  });
});

describe('basicCredentials', () => {
  test('a valid header', () => {
    assert.deepEqual(basicCredentials(basic('alice:secret')), { name: 'alice', password: 'secret' });
    assert.deepEqual(
      basicCredentials(`basic  ${Buffer.from('alice:secret').toString('base64')} `),
      { name: 'alice', password: 'secret' },
      'scheme is case-insensitive',
    );
  });

  test('a password containing colons is split at the first colon only', () => {
    assert.deepEqual(basicCredentials(basic('alice:a:b::c')), { name: 'alice', password: 'a:b::c' });
  });

  test('empty name or password are kept as given', () => {
    assert.deepEqual(basicCredentials(basic('alice:')), { name: 'alice', password: '' });
    assert.deepEqual(basicCredentials(basic(':pw')), { name: '', password: 'pw' });
  });

  test('UTF-8 credentials', () => {
    assert.deepEqual(basicCredentials(basic('jörg:pässwörd')), { name: 'jörg', password: 'pässwörd' });
  });

  test('missing, not Basic, or without a colon: undefined', () => {
    assert.equal(basicCredentials(undefined), undefined);
    assert.equal(basicCredentials(''), undefined);
    assert.equal(basicCredentials('Basic'), undefined);
    assert.equal(basicCredentials(`Bearer ${Buffer.from('alice:secret').toString('base64')}`), undefined);
    assert.equal(basicCredentials(`Digest ${Buffer.from('alice:secret').toString('base64')}`), undefined);
    assert.equal(basicCredentials(basic('alicesecret')), undefined);
    assert.equal(basicCredentials('Basic not*base64'), undefined);
  });
});
