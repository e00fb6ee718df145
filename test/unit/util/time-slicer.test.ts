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

test('tasks sharing a spent slicer go on one per turn of the event loop, each with a slice of its own', async () => {
  const slicer = new TimeSlicer(10);
  busyFor(12);
  const order: string[] = [];
  let loopTurns = 0;
  const countTurns = (): void => {
    loopTurns++;
    if (order.length < 6) setImmediate(countTurns);
  };
  setImmediate(countTurns);
  const task = async (name: string): Promise<void> => {
    for (let step = 0; step < 2; step++) {
      await slicer.turn();
      order.push(`${name}@${loopTurns}`);
      busyFor(12);
    }
  };
  await Promise.all([task('a'), task('b'), task('c')]);
  const turnsOf = order.map((entry) => Number(entry.split('@')[1]));
  assert.equal(order.length, 6);
  assert.equal(new Set(turnsOf).size, 6, `every slice in a turn of its own: ${order.join(' ')}`);
  assert.deepEqual(
    order.map((entry) => entry[0]),
    ['a', 'b', 'c', 'a', 'b', 'c'],
    'in the order they asked',
  );
});
