import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  isNotServing,
  isWhitelistRefusal,
  parseCons,
  parseEnvi,
  parseMntr,
  parseRuok,
  parseSrvr,
  parseWchs,
} from '../../../../src/collectors/zookeeper/four-letter-word-parsers.ts';

/** Answers captured from the test bed's ZooKeeper 3.8.4 (Kafka 3.9.2) with `printf WORD | nc`. */
const fixture = (name: string): string => readFileSync(new URL(`../../../fixtures/zookeeper/${name}`, import.meta.url), 'utf8');

test('mntr of a leader: server state, followers, latencies, data size as text values', () => {
  const values = parseMntr(fixture('mntr-leader.txt'));
  assert.equal(values.get('zk_server_state'), 'leader');
  assert.equal(values.get('zk_version'), '3.8.4-9316c2a7a97e1666d8f4593f34dd6fc36ecc436c, built on 2024-02-12 22:16 UTC');
  assert.equal(values.get('zk_synced_followers'), '2');
  assert.equal(values.get('zk_learners'), '2');
  assert.equal(values.get('zk_quorum_size'), '3');
  assert.equal(values.get('zk_approximate_data_size'), '1088');
  assert.equal(values.size, 619);
});

test('mntr of a follower has no leader-only keys', () => {
  const values = parseMntr(fixture('mntr-follower.txt'));
  assert.equal(values.get('zk_server_state'), 'follower');
  assert.equal(values.has('zk_synced_followers'), false);
  assert.equal(values.get('zk_ephemerals_count'), '3');
});

test('srvr: version, latencies in ms, counters, mode and node count', () => {
  assert.deepEqual(parseSrvr(fixture('srvr-leader.txt')), {
    version: '3.8.4-9316c2a7a97e1666d8f4593f34dd6fc36ecc436c, built on 2024-02-12 22:16 UTC',
    minLatencyMs: 0,
    avgLatencyMs: 3.0563,
    maxLatencyMs: 20,
    received: 74,
    sent: 78,
    connections: 2,
    outstanding: 0,
    zxid: '0x10000002e',
    mode: 'leader',
    nodeCount: 29,
  });
  assert.equal(parseSrvr(fixture('srvr-standalone.txt')).mode, 'standalone');
});

test('ruok says imok', () => {
  assert.equal(parseRuok(fixture('ruok-leader.txt')), true);
  assert.equal(parseRuok(''), false);
});

test('envi: key=value lines after the Environment: header', () => {
  const values = parseEnvi(fixture('envi-leader.txt'));
  assert.equal(values.get('java.version'), '17.0.15');
  assert.equal(values.get('host.name'), 'localhost');
  assert.equal(values.has('Environment:'), false);
});

test('cons: one entry per connection, with a session id only on client sessions', () => {
  const connections = parseCons(fixture('cons-leader.txt'));
  assert.equal(connections.length, 2);
  assert.deepEqual(connections[0], { address: '127.0.0.1', queued: 0, received: 72, sent: 75, sessionId: '0x2000011af4d0000' });
  assert.deepEqual(connections[1], { address: '127.0.0.1', queued: 0, received: 1, sent: 0, sessionId: undefined });
  assert.deepEqual(
    parseCons(' /[0:0:0:0:0:0:0:1]:5000[1](queued=0,recved=3,sent=3,sid=0x1)\n').map((entry) => entry.address),
    ['0:0:0:0:0:0:0:1'],
  );
});

test('wchs: connections, watched paths and watches', () => {
  assert.deepEqual(parseWchs(fixture('wchs-leader.txt')), { connections: 1, paths: 6, watches: 6 });
  assert.equal(parseWchs('garbage'), undefined);
});

test('a word left out of 4lw.commands.whitelist is recognised as refused, not as an empty answer', () => {
  const refusal = fixture('mntr-refused.txt');
  assert.equal(refusal, 'mntr is not executed because it is not in the whitelist.\n');
  assert.equal(isWhitelistRefusal(refusal), true);
  assert.equal(isWhitelistRefusal(fixture('srvr-standalone.txt')), false);
  assert.equal(parseMntr(refusal).size, 0);
});

test('a member without quorum says it is not serving', () => {
  assert.equal(isNotServing(fixture('srvr-not-serving.txt')), true);
  assert.equal(isNotServing(fixture('srvr-follower.txt')), false);
});
