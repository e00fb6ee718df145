import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TopicResolver, ZERO_TOPIC_ID } from '../../../src/sniffer/topic-resolver.ts';

describe('topic resolver', () => {
  it('maps ids to names, tells listeners of new and changed names, and ignores the zero id', () => {
    const resolver = new TopicResolver();
    const heard: string[] = [];
    resolver.onResolved((id, name) => heard.push(`${id}=${name}`));
    resolver.learnTopic('id-1', 'orders');
    resolver.learnTopic('id-1', 'orders');
    resolver.learnTopic('id-1', 'orders-v2');
    resolver.learnTopic(ZERO_TOPIC_ID, 'nothing');
    assert.equal(resolver.name('id-1'), 'orders-v2');
    assert.equal(resolver.name(ZERO_TOPIC_ID), undefined);
    assert.deepEqual(heard, ['id-1=orders', 'id-1=orders-v2']);
  });

  it('stays within its bound, forgetting the entry learned or seen longest ago', () => {
    const resolver = new TopicResolver(2);
    resolver.learnTopic('a', 'topic-a');
    resolver.learnTopic('b', 'topic-b');
    resolver.learnTopic('a', 'topic-a');
    resolver.learnTopic('c', 'topic-c');
    assert.deepEqual([resolver.name('a'), resolver.name('b'), resolver.name('c')], ['topic-a', undefined, 'topic-c']);
    assert.equal(resolver.size, 2);
    assert.equal(resolver.forgotten, 1);
  });
});
