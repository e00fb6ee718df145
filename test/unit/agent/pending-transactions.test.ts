import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PendingTransactions } from '../../../src/agent/pending-transactions.ts';

const held = (records: number) => ({ records, bytes: records * 10, batches: 1 });
const entry = (clientKey: string, topic: string, records: number, atMicros: number) => ({
  clientKey,
  topic,
  held: held(records),
  atMicros,
});
const summary = (settled: readonly { topic: string; held: { records: number }; committed: boolean }[]) =>
  settled.map((item) => `${item.topic}:${item.held.records}:${item.committed ? 'committed' : 'aborted'}`);

test('records are held until the EndTxn captured after them, which commits or aborts them', () => {
  const pending = new PendingTransactions(10);
  assert.deepEqual(pending.hold(7n, entry('a', 'orders', 3, 100), 0), []);
  assert.deepEqual(pending.hold(7n, entry('a', 'payments', 2, 110), 0), []);
  assert.deepEqual(pending.hold(9n, entry('b', 'orders', 4, 120), 0), []);
  assert.equal(pending.size, 3);
  assert.deepEqual(summary(pending.end(7n, 150, true, 0)), ['orders:3:committed', 'payments:2:committed']);
  assert.deepEqual(pending.hold(7n, entry('a', 'orders', 5, 160), 0), []);
  assert.deepEqual(summary(pending.end(7n, 170, false, 0)), ['orders:5:aborted']);
  assert.equal(pending.size, 1, "producer 9's records still wait");
});

test('out of capture order (a new connection held while its address settles): an EndTxn seen first still settles the records captured before it', () => {
  const pending = new PendingTransactions(10);
  assert.deepEqual(pending.end(7n, 150, true, 0), [], 'the commit arrives first');
  assert.deepEqual(pending.end(7n, 300, false, 0), [], 'then the abort');
  assert.deepEqual(summary(pending.hold(7n, entry('a', 'orders', 40, 100), 0)), ['orders:40:committed']);
  assert.deepEqual(summary(pending.hold(7n, entry('a', 'orders', 15, 200), 0)), ['orders:15:aborted']);
  assert.deepEqual(pending.hold(7n, entry('a', 'orders', 1, 400), 0), [], 'after every EndTxn seen: held');
  assert.equal(pending.size, 1);
});

test('given up: held past the cut (EndTxn never seen), or the oldest producer past the bound; both count as committed', () => {
  const pending = new PendingTransactions(2);
  pending.hold(1n, entry('a', 't', 1, 10), 100);
  pending.hold(2n, entry('b', 't', 2, 20), 200);
  assert.deepEqual(summary(pending.hold(3n, entry('c', 't', 3, 30), 300)), ['t:1:committed']);
  assert.deepEqual(summary(pending.expire(250)), ['t:2:committed']);
  assert.equal(pending.size, 1);
});
