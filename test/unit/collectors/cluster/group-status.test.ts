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
