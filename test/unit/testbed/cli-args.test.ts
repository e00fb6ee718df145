import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCliArgs, UsageError } from '../../testbed/cli-args.ts';
import { resolveShape } from '../../testbed/lifecycle.ts';

test('up takes the shape of the instance from its flags', () => {
  assert.deepEqual(parseCliArgs(['up', '--mode', 'zk', '--brokers', '1', '--zookeepers=3', '--registry', '--name', 'lag']), {
    command: 'up',
    options: { mode: 'zk', brokers: 1, zookeepers: 3, registry: true, prometheus: false, name: 'lag' },
  });
});

test('up without flags is a default KRaft cluster of 3 brokers', () => {
  const cli = parseCliArgs(['up']);
  assert.equal(cli.command, 'up');
  assert.deepEqual(resolveShape(cli.command === 'up' ? cli.options : {}), {
    mode: 'kraft',
    brokers: 3,
    zookeepers: 0,
    registry: false,
    prometheus: false,
  });
});

test('a zk instance has one ZooKeeper member unless told otherwise', () => {
  assert.equal(resolveShape({ mode: 'zk' }).zookeepers, 1);
});

test('bad input is a usage error', () => {
  assert.throws(() => parseCliArgs(['up', '--zookeepers', '3']), UsageError, 'zookeepers without zk mode');
  assert.throws(() => parseCliArgs(['up', '--mode', 'raft']), UsageError);
  assert.throws(() => parseCliArgs(['up', '--brokers', 'two']), UsageError);
  assert.throws(() => parseCliArgs(['down', '--registry']), UsageError);
  assert.throws(() => parseCliArgs(['restart']), UsageError);
  assert.throws(() => parseCliArgs([]), UsageError);
});

test('down and status take an optional name', () => {
  assert.deepEqual(parseCliArgs(['down']), { command: 'down' });
  assert.deepEqual(parseCliArgs(['status', '--name', 'zk']), { command: 'status', name: 'zk' });
});
