import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChunkWriter } from '../../../src/metrics/chunk-writer.ts';

const joined = (views: readonly Buffer[]): string => Buffer.concat(views).toString('utf8');

test('text of any size and script comes back as written, across chunk boundaries', () => {
  const writer = new ChunkWriter();
  const pieces = ['plain ascii\n', 'grüße ünd ✓ 𝄞\n', 'x'.repeat(200_000), 'topic="订单"\n'];
  let expected = '';
  for (let round = 0; round < 2_000; round++) {
    const piece = pieces[round % pieces.length]!;
    writer.write(piece);
    expected += piece;
  }
  assert.equal(joined(writer.take()), expected);
});

test('views already taken are never overwritten by later writes', () => {
  const writer = new ChunkWriter();
  writer.write('first block\n');
  const first = writer.take();
  for (let line = 0; line < 10_000; line++) writer.write(`line ${line} ünïcode\n`);
  const second = writer.take();
  assert.equal(joined(first), 'first block\n');
  assert.equal(joined(second).split('\n').length, 10_001);
  assert.deepEqual(writer.take(), []);
});
