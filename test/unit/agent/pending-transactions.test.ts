import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PendingTransactions } from '../../../src/agent/pending-transactions.ts';

const held = (records: number) => ({ records, bytes: records * 10, batches: 1 });

test('records are held per producer until its EndTxn, summed per topic', () => {
  const pending = new PendingTransactions(10);
  pending.hold(7n, 'client-a', 'orders', held(3), 1000);
  pending.hold(7n, 'client-a', 'orders', held(2), 1001);
  pending.hold(7n, 'client-a', 'payments', held(1), 1002);
  pending.hold(9n, 'client-b', 'orders', held(4), 1003);
  const ended = pending.end(7n);
  assert.equal(ended?.clientKey, 'client-a');
  assert.deepEqual(
    [...ended!.topics],
    [
      ['orders', { records: 5, bytes: 50, batches: 2 }],
      ['payments', { records: 1, bytes: 10, batches: 1 }],
    ],
  );
  assert.equal(pending.end(7n), undefined, 'ended once');
  assert.equal(pending.size, 1);
});

test('transactions older than the cut are given up, oldest first; past the bound the oldest is given up at once', () => {
  const pending = new PendingTransactions(2);
  pending.hold(1n, 'a', 't', held(1), 100);
  pending.hold(2n, 'b', 't', held(2), 200);
  const evicted = pending.hold(3n, 'c', 't', held(3), 300);
  assert.equal(evicted?.clientKey, 'a');
  assert.deepEqual(
    pending.expire(250).map((entry) => entry.clientKey),
    ['b'],
  );
  assert.equal(pending.size, 1);
});
