import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimeSlicer } from '../../../src/util/time-slicer.ts';

function busyFor(milliseconds: number): void {
  const until = performance.now() + milliseconds;
  while (performance.now() < until) {
    /* spin */
  }
}

test('a turn within the slice keeps going; once the slice is spent the event loop runs before the work goes on', async () => {
  const slicer = new TimeSlicer(20);
  let immediates = 0;
  setImmediate(() => immediates++);
  await slicer.turn();
  assert.equal(immediates, 0, 'no turn given while the slice lasts');
  busyFor(25);
  assert.equal(slicer.spent, true);
  await slicer.turn();
  assert.equal(slicer.spent, false, 'a new slice after the turn');
  assert.equal(immediates, 1, 'the waiting callback ran');
  setImmediate(() => immediates++);
  await slicer.turn();
  assert.equal(immediates, 1, 'a new slice starts after a turn');
});
