import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TopicTally } from '../../../src/sniffer/extract/exchange-facts.ts';
import { TopicResolver } from '../../../src/sniffer/topic-resolver.ts';

describe('topic tally', () => {
  it('adds up interleaved topics by name and by id, keeping the order first seen', () => {
    const resolver = new TopicResolver();
    resolver.learnTopic('id-b', 'beta');
    const tally = new TopicTally();
    tally.add({ name: 'alpha' }, 2, 10, 100, 1);
    tally.add({ name: 'alpha' }, 1, 5, 50, 1);
    tally.add({ id: 'id-b' }, 0, 1, 10, 1);
    tally.add({ name: 'alpha' }, 2, 1, 10, 1);
    tally.add({ id: 'id-b' }, 3, 2, 20, 1);
    tally.add({ name: 'beta' }, 4, 1, 1, 0);
    tally.add({ id: 'id-c' });
    assert.equal(tally.records, 20);
    assert.equal(tally.bytes, 191);
    assert.deepEqual(tally.traffic(resolver), [
      { topic: 'alpha', topicId: undefined, resolved: true, partitions: [1, 2], records: 16, bytes: 160, batches: 3 },
      { topic: 'beta', topicId: 'id-b', resolved: true, partitions: [0, 3, 4], records: 4, bytes: 31, batches: 2 },
      { topic: 'id-c', topicId: 'id-c', resolved: false, partitions: [], records: 0, bytes: 0, batches: 0 },
    ]);
  });

  it('treats a name that reads like an id key as that key, as before', () => {
    const tally = new TopicTally();
    tally.add({ id: 'x' }, 1, 1);
    tally.add({ name: 'id:x' }, 2, 1);
    tally.add({ id: 'x' }, 3, 1);
    tally.add({ id: undefined }, 4, 1);
    tally.add({ id: '' }, 5, 1);
    assert.deepEqual(tally.traffic(new TopicResolver()), [
      { topic: 'x', topicId: 'x', resolved: false, partitions: [1, 2, 3], records: 3, bytes: 0, batches: 0 },
      { topic: '', topicId: undefined, resolved: false, partitions: [4, 5], records: 2, bytes: 0, batches: 0 },
    ]);
  });

  it('reports a single topic with its partitions sorted, and nothing when empty', () => {
    const tally = new TopicTally();
    assert.deepEqual(tally.traffic(new TopicResolver()), []);
    tally.add({ name: 't' }, 9, 1, 1, 1);
    tally.add({ name: 't' }, 3, 1, 1, 1);
    assert.deepEqual(tally.traffic(new TopicResolver()), [
      { topic: 't', topicId: undefined, resolved: true, partitions: [3, 9], records: 2, bytes: 2, batches: 2 },
    ]);
  });
});
