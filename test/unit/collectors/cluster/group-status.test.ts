import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupStatusTracker } from '../../../../src/collectors/cluster/group-status.ts';

function track(window: number, steps: [time: number, committed: number, lag: number][]): GroupStatusTracker {
  const tracker = new GroupStatusTracker(window);
  for (const [time, committedOffset, lag] of steps) tracker.observe(time, [{ partitionKey: 't/0', committedOffset, lag }]);
  return tracker;
}

test('OK while the group keeps up', () => {
  assert.equal(
    track(60, [
      [0, 10, 0],
      [30, 20, 0],
      [60, 30, 0],
      [90, 40, 0],
    ]).status(true, false),
    'OK',
  );
});

test('OK when caught up, even with no commits for long', () => {
  assert.equal(
    track(60, [
      [0, 10, 0],
      [100, 10, 0],
      [200, 10, 0],
    ]).status(false, false),
    'OK',
  );
});

test('STALL: members present, offset stuck with lag for the window', () => {
  const tracker = track(60, [
    [0, 10, 5],
    [30, 10, 8],
    [60, 10, 9],
  ]);
  assert.equal(tracker.status(true, false), 'STALL');
});

test('STOP: no members, offset stuck with lag for the window', () => {
  assert.equal(
    track(60, [
      [0, 10, 5],
      [30, 10, 5],
      [60, 10, 5],
    ]).status(false, false),
    'STOP',
  );
});

test('not stuck when the lag appeared only within the window', () => {
  assert.equal(
    track(60, [
      [0, 10, 0],
      [30, 10, 0],
      [60, 10, 5],
    ]).status(false, false),
    'OK',
  );
});

test('not judged stuck before the window is covered', () => {
  assert.equal(
    track(60, [
      [0, 10, 5],
      [30, 10, 5],
    ]).status(false, false),
    'OK',
  );
});

test('WARN: lag growing across the window while offsets move', () => {
  assert.equal(
    track(60, [
      [0, 10, 5],
      [30, 12, 9],
      [60, 14, 20],
    ]).status(true, false),
    'WARN',
  );
  assert.equal(
    track(60, [
      [0, 10, 5],
      [30, 12, 9],
      [60, 14, 7],
    ]).status(true, false),
    'OK',
  );
});

test('REWIND while a backwards step is inside the window, then back to OK', () => {
  const tracker = track(60, [
    [0, 100, 0],
    [10, 40, 60],
  ]);
  assert.equal(tracker.status(true, false), 'REWIND');
  tracker.observe(80, [{ partitionKey: 't/0', committedOffset: 160, lag: 0 }]);
  tracker.observe(90, [{ partitionKey: 't/0', committedOffset: 170, lag: 0 }]);
  assert.equal(tracker.status(true, false), 'OK');
});

test('ERR when the offsets could not be read; the worst partition wins', () => {
  assert.equal(track(60, [[0, 10, 0]]).status(true, true), 'ERR');
  const tracker = new GroupStatusTracker(60);
  tracker.observe(0, [
    { partitionKey: 'a/0', committedOffset: 5, lag: 0 },
    { partitionKey: 'a/1', committedOffset: 5, lag: 3 },
  ]);
  tracker.observe(60, [
    { partitionKey: 'a/0', committedOffset: 9, lag: 0 },
    { partitionKey: 'a/1', committedOffset: 5, lag: 3 },
  ]);
  assert.equal(tracker.status(true, false), 'STALL');
});

test('an idle group keeps two observations a partition however long it is watched, and is judged as before', () => {
  const steps: [number, number, number][] = Array.from({ length: 500 }, (_, index) => [index * 5, 10, 7]);
  const tracker = track(600, steps);
  assert.equal(tracker.observationCount, 2);
  assert.equal(tracker.status(true, false), 'STALL');
  assert.equal(tracker.status(false, false), 'STOP');
});

/** The judgement over every observation in the window, none left out: what the kept runs must agree with. */
function judgeAll(window: number, steps: readonly [number, number, number][], hasMembers: boolean): string {
  const now = steps.at(-1)![0];
  const startIndex = Math.max(
    0,
    steps.findLastIndex(([time]) => time <= now - window),
  );
  const seen = steps.slice(startIndex);
  if (seen.some(([, committed], index) => index > 0 && committed < seen[index - 1]![1])) return 'REWIND';
  const first = seen[0]!;
  const last = seen.at(-1)!;
  if (last[2] <= 0 || last[0] - first[0] < window) return 'OK';
  if (seen.every(([, , lag]) => lag > 0) && first[1] === last[1]) return hasMembers ? 'STALL' : 'STOP';
  const grew = seen.every(([, , lag], index) => index === 0 || lag >= seen[index - 1]![2]);
  return last[1] > first[1] && grew && last[2] > first[2] ? 'WARN' : 'OK';
}

test('runs of equal observations kept as their ends judge like every observation kept (random histories)', () => {
  let seed = 7;
  const random = (below: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % below;
  };
  for (let history = 0; history < 300; history++) {
    const steps: [number, number, number][] = [];
    let committed = 100;
    let lag = random(3);
    for (let step = 0; step < 60; step++) {
      const change = random(6);
      if (change === 0) committed += 1 + random(5);
      else if (change === 1) lag += random(4);
      else if (change === 2 && history % 10 === 0) committed -= 1;
      else if (change === 3) lag = Math.max(0, lag - 1);
      steps.push([step * 5, committed, lag]);
      const tracker = track(60, steps);
      assert.equal(tracker.status(true, false), judgeAll(60, steps, true), `history ${history} step ${step}: ${JSON.stringify(steps)}`);
    }
  }
});
