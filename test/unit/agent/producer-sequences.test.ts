import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProducerSequences } from '../../../src/agent/producer-sequences.ts';

const batch = (baseSequence: number, records: number, producerEpoch = 0, partition = 0) => ({
  topic: 'orders',
  partition,
  producerId: 42n,
  producerEpoch,
  baseSequence,
  records,
});

test('next, retry (a sequence seen again) and gap (one skipped), per partition and epoch', () => {
  const sequences = new ProducerSequences(100);
  assert.deepEqual(
    [batch(0, 5), batch(5, 3), batch(5, 3), batch(8, 2), batch(20, 1), batch(21, 1)].map((entry) => sequences.observe(entry)),
    ['first', 'next', 'retry', 'next', 'gap', 'next'],
  );
  assert.equal(sequences.observe(batch(0, 4, 1)), 'first', 'a new epoch starts over');
  assert.equal(sequences.observe(batch(0, 4, 1, 3)), 'first', 'another partition has its own sequence');
  assert.equal(sequences.observe(batch(4, 1, 1)), 'next');
});

test('sequences wrap at 2^31', () => {
  const sequences = new ProducerSequences(100);
  sequences.observe(batch(2 ** 31 - 2, 2));
  assert.equal(sequences.observe(batch(0, 3)), 'next');
  assert.equal(sequences.observe(batch(2 ** 31 - 1, 1)), 'retry');
});

test('bounded: the oldest partition is forgotten first', () => {
  const sequences = new ProducerSequences(2);
  sequences.observe(batch(0, 1, 0, 0));
  sequences.observe(batch(0, 1, 0, 1));
  sequences.observe(batch(0, 1, 0, 2));
  assert.equal(sequences.observe(batch(1, 1, 0, 0)), 'first', 'partition 0 was forgotten');
  assert.equal(sequences.observe(batch(1, 1, 0, 2)), 'next');
});
