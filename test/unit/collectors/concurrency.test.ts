import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunk, mapWithConcurrency, withTimeout } from '../../../src/util/concurrency.ts';

test('mapWithConcurrency keeps order and never exceeds the limit', async () => {
  let inFlight = 0;
  let peak = 0;
  const results = await mapWithConcurrency([5, 1, 4, 2, 3, 0], 2, async (value) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((resolve) => setTimeout(resolve, value));
    inFlight--;
    return value * 10;
  });
  assert.deepEqual(results, [50, 10, 40, 20, 30, 0]);
  assert.equal(peak, 2);
});

test('chunk and withTimeout', async () => {
  assert.deepEqual(chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
  assert.equal(await withTimeout(Promise.resolve(7), 1, 'x'), 7);
  await assert.rejects(
    withTimeout(new Promise(() => undefined), 0.01, 'offsets of leader 2'),
    /offsets of leader 2: no answer within 0\.01s/,
  );
});
