import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferPool } from '../../../src/sniffer/buffer-pool.ts';

describe('buffer pool', () => {
  it('serves a large frame from the buffer an earlier one gave back', () => {
    const pool = new BufferPool();
    const first = pool.take(100_000);
    assert.equal(first.length, 100_000);
    pool.give(first);
    const second = pool.take(70_000);
    assert.equal(second.length, 70_000);
    assert.equal(second.buffer, first.buffer);
    assert.notEqual(pool.take(70_000).buffer, first.buffer);
  });

  it('neither keeps small buffers nor more than its limit', () => {
    const pool = new BufferPool(200_000);
    const small = pool.take(1000);
    pool.give(small);
    const again = pool.take(1000);
    assert.ok(again.buffer !== small.buffer || again.byteOffset !== small.byteOffset, 'a small buffer came back');
    const [a, b] = [pool.take(100_000), pool.take(100_000)];
    pool.give(a);
    pool.give(b);
    assert.equal(pool.take(100_000).buffer, a.buffer);
    assert.notEqual(pool.take(100_000).buffer, b.buffer);
  });
});
