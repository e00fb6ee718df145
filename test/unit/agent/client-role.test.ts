import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reportedRole } from '../../../src/agent/client-role.ts';

test('one kind of traffic gives its role; group coordination is consuming; broker traffic is replication', () => {
  assert.equal(reportedRole(['producer']), 'producer');
  assert.equal(reportedRole(['consumer', 'group']), 'consumer');
  assert.equal(reportedRole(['group']), 'consumer');
  assert.equal(reportedRole(['follower', 'broker']), 'follower');
  assert.equal(reportedRole(['admin']), 'admin');
});

test('more than one kind is mixed; none is empty', () => {
  assert.equal(reportedRole(['producer', 'consumer']), 'mixed');
  assert.equal(reportedRole(['producer', 'admin']), 'mixed');
  assert.equal(reportedRole(['follower', 'consumer']), 'mixed');
  assert.equal(reportedRole([]), '');
});
