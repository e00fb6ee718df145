import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { FourLetterWord } from '../../../../src/collectors/zookeeper/four-letter-word-parsers.ts';
import { summarizeMember } from '../../../../src/collectors/zookeeper/member-state.ts';

const fixture = (name: string): string => readFileSync(new URL(`../../../fixtures/zookeeper/${name}`, import.meta.url), 'utf8');

function answersOf(role: 'leader' | 'follower'): Map<FourLetterWord, string> {
  return new Map((['mntr', 'srvr', 'ruok', 'envi', 'cons', 'wchs'] as const).map((word) => [word, fixture(`${word}-${role}.txt`)]));
}

test('a leader answering every word: mntr values in base units, leader-only numbers, client sessions', () => {
  const member = summarizeMember({ server: 'zk-2:2181', answers: answersOf('leader'), failures: new Map() });
  assert.equal(member.up, true);
  assert.equal(member.error, undefined);
  assert.equal(member.state, 'leader');
  assert.equal(member.version, '3.8.4');
  assert.equal(member.javaVersion, '17.0.15');
  assert.equal(member.followers, 2);
  assert.equal(member.syncedFollowers, 2);
  assert.equal(member.pendingSyncs, 0);
  assert.equal(member.quorumSize, 3);
  assert.equal(member.approximateDataSizeBytes, 1088);
  assert.equal(member.maxFileDescriptors, 20000);
  assert.equal(member.uptimeSeconds, 19.688);
  assert.equal(member.watches, 12, "mntr's zk_watch_count first");
  assert.equal(member.watchedPaths, 6);
  assert.deepEqual([...member.clientConnections!], [['127.0.0.1', 1]], 'the 4lw connection itself is not a client session');
  assert.deepEqual([...member.commands.values()], ['answered', 'answered', 'answered', 'answered', 'answered', 'answered']);
});

test('latencies convert from milliseconds to seconds', () => {
  const answers = new Map<FourLetterWord, string>([['srvr', fixture('srvr-leader.txt')]]);
  const member = summarizeMember({ server: 'zk:2181', answers, failures: new Map() });
  assert.equal(member.avgLatencySeconds, 3.0563 / 1000);
  assert.equal(member.maxLatencySeconds, 0.02);
});

test('a follower has no leader-only numbers (absent, not 0)', () => {
  const member = summarizeMember({ server: 'zk-1:2181', answers: answersOf('follower'), failures: new Map() });
  assert.equal(member.state, 'follower');
  assert.equal(member.syncedFollowers, undefined);
  assert.equal(member.followers, undefined);
});

test('mntr refused by the whitelist: reported as refused, srvr fills in what it can, the rest stays unknown', () => {
  const answers = new Map<FourLetterWord, string>([
    ['mntr', fixture('mntr-refused.txt')],
    ['srvr', fixture('srvr-standalone.txt')],
    ['ruok', 'imok'],
    ['envi', 'envi is not executed because it is not in the whitelist.\n'],
  ]);
  const member = summarizeMember({ server: 'zk:2181', answers, failures: new Map() });
  assert.equal(member.up, true);
  assert.equal(member.commands.get('mntr'), 'refused');
  assert.equal(member.commands.get('envi'), 'refused');
  assert.equal(member.commands.get('srvr'), 'answered');
  assert.equal(member.state, 'standalone');
  assert.equal(member.znodes, 5);
  assert.equal(member.version, '3.8.4');
  assert.equal(member.ephemerals, undefined, 'no silent zero for what only mntr knows');
  assert.equal(member.approximateDataSizeBytes, undefined);
});

test('a member that cannot be reached is down with the reason', () => {
  const failures = new Map<FourLetterWord, string>([
    ['mntr', '127.0.0.1:1: ECONNREFUSED'],
    ['srvr', '127.0.0.1:1: ECONNREFUSED'],
  ]);
  const member = summarizeMember({ server: '127.0.0.1:1', answers: new Map(), failures });
  assert.equal(member.up, false);
  assert.equal(member.error, '127.0.0.1:1: ECONNREFUSED');
});

test('a member without quorum answers ruok but is down: not serving', () => {
  const answers = new Map<FourLetterWord, string>([
    ['ruok', 'imok'],
    ['srvr', fixture('srvr-not-serving.txt')],
    ['mntr', fixture('mntr-not-serving.txt')],
  ]);
  const member = summarizeMember({ server: 'zk:2181', answers, failures: new Map() });
  assert.equal(member.up, false);
  assert.match(member.error!, /not currently serving/);
  assert.equal(member.state, undefined);
});
