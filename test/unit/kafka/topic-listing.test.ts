import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addTopicPage, type ListedPartition, type ListedTopic } from '../../../src/kafka/topic-listing.ts';

const partitions = (from: number, to: number): ListedPartition[] =>
  Array.from({ length: to - from }, (_, index) => ({
    partitionIndex: from + index,
    leaderId: 1,
    replicaNodes: [1],
    isrNodes: [1],
    offlineReplicas: [],
  }));
const topic = (name: string | null, parts: ListedPartition[]): ListedTopic => ({
  errorCode: 0,
  name,
  topicId: `id-${name}`,
  isInternal: false,
  partitions: parts,
});

test('a topic cut by the page limit continues on the next page: one topic with every partition, in order', () => {
  const listed = new Map<string, ListedTopic>();
  const firstPage = [topic('a', partitions(0, 3)), topic('b', partitions(0, 2))];
  addTopicPage(listed, firstPage);
  addTopicPage(listed, [topic('b', partitions(2, 5)), topic('c', partitions(0, 1))]);
  assert.deepEqual(
    [...listed.values()].map((entry) => [entry.name, entry.partitions.map((partition) => partition.partitionIndex)]),
    [
      ['a', [0, 1, 2]],
      ['b', [0, 1, 2, 3, 4]],
      ['c', [0]],
    ],
  );
  assert.equal(firstPage[1]!.partitions.length, 2, 'the pages themselves are left as they came');
});

test('topics without a name are kept apart, by id', () => {
  const listed = new Map<string, ListedTopic>();
  addTopicPage(listed, [topic(null, partitions(0, 1)), { ...topic(null, partitions(0, 1)), topicId: 'other' }]);
  assert.equal(listed.size, 2);
});
