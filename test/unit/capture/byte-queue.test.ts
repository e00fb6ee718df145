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
});
