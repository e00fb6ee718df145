import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ByteQueue } from '../../../src/capture/byte-queue.ts';

describe('ByteQueue', () => {
  it('returns views without copying when the bytes lie in one chunk', () => {
    const chunk = Buffer.from('abcdefgh');
    const queue = new ByteQueue();
    queue.push(chunk);
    const view = queue.peek(4)!;
    assert.equal(view.buffer, chunk.buffer);
    assert.equal(view.toString(), 'abcd');
  });

  it('merges chunks when the bytes span them, and tracks the absolute offset', () => {
    const queue = new ByteQueue();
    queue.push(Buffer.from('ab'));
    queue.push(Buffer.from('cd'));
    queue.push(Buffer.from('ef'));
    assert.equal(queue.peek(7), undefined);
    assert.equal(queue.peek(5)!.toString(), 'abcde');
    assert.equal(queue.skip(3), 3);
    assert.equal(queue.offset, 3);
    assert.equal(queue.available, 3);
    assert.equal(queue.peek(3)!.toString(), 'def');
    assert.equal(queue.skip(10), 3);
    assert.equal(queue.available, 0);
    assert.equal(queue.offset, 6);
  });

  it('reads back exactly what was pushed, whatever the chunking and read sizes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 200 }),
        fc.array(fc.nat({ max: 30 }), { minLength: 1, maxLength: 50 }),
        (chunks, readSizes) => {
          const queue = new ByteQueue();
          for (const chunk of chunks) queue.push(Buffer.from(chunk));
          const expected = Buffer.concat(chunks.map((chunk) => Buffer.from(chunk)));
          const read: Buffer[] = [];
          for (let i = 0; queue.available > 0; i++) {
            const size = Math.min(Math.max(1, readSizes[i % readSizes.length]!), queue.available);
            read.push(Buffer.from(queue.peek(size)!));
            queue.skip(size);
          }
          assert.deepEqual(Buffer.concat(read), expected);
          assert.equal(queue.offset, expected.length);
        },
      ),
    );
  });

  it('never alters bytes handed out earlier', () => {
    const queue = new ByteQueue();
    for (const byte of [1, 2, 3, 4, 5, 6]) queue.push(Buffer.from([byte]));
    const first = queue.peek(2)!;
    queue.skip(2);
    const second = queue.peek(4)!;
    second.fill(0);
    assert.deepEqual([...first], [1, 2]);
  });

  it('after detach, overwriting any chunk pushed before (small ones share the buffer pool of Node) changes nothing queued', () => {
    const queue = new ByteQueue();
    const pushed = [Buffer.from([1, 2, 3]), Buffer.from([4, 5, 6])];
    for (const chunk of pushed) queue.push(chunk);
    queue.peek(4); // merged into memory of the queue's own
    const later = Buffer.from([7, 8]);
    queue.push(later);
    queue.detach();
    for (const chunk of [...pushed, later]) chunk.fill(0);
    assert.deepEqual([...queue.peek(8)!], [1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('detaching after every one-byte push keeps every byte, in order, across records spanning many chunks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 3000 }), fc.integer({ min: 1, max: 700 }), (bytes, record) => {
        const queue = new ByteQueue();
        const read: Buffer[] = [];
        for (const byte of bytes) {
          const chunk = Buffer.from([byte]);
          queue.push(chunk);
          queue.detach();
          chunk.fill(0xee);
          while (queue.available >= record) {
            read.push(Buffer.from(queue.peek(record)!));
            queue.skip(record);
          }
        }
        if (queue.available > 0) read.push(Buffer.from(queue.peek(queue.available)!));
        assert.deepEqual(Buffer.concat(read), Buffer.from(bytes));
      }),
      { numRuns: 200 },
    );
  });
});
