import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { OffsetHistory } from '../../../../src/collectors/cluster/offset-history.ts';

test('a fully consumed partition is 0 seconds behind, even when nothing was produced for long', () => {
  const history = new OffsetHistory(100);
  history.record(0, 500);
  history.record(1000, 500);
  assert.deepEqual(history.estimateLagSeconds(500, 5000), { seconds: 0, method: 'caught_up' });
});

test('the lag is the age of the moment the log end was at the committed offset', () => {
  const history = new OffsetHistory(100);
  history.record(100, 0);
  history.record(110, 100);
  history.record(120, 200);
  // offset 150 was the log end halfway between t=110 and t=120
  assert.deepEqual(history.estimateLagSeconds(150, 130), { seconds: 15, method: 'interpolated', spanSeconds: 10 });
  assert.deepEqual(
    history.estimateLagSeconds(100, 130),
    { seconds: 20, method: 'interpolated', spanSeconds: 10 },
    'the samples it lies between, 10 s apart',
  );
});

test('an idle stretch does not smear: the log end left the old value at the end of the stretch', () => {
  const history = new OffsetHistory(100);
  history.record(0, 100);
  for (let time = 10; time <= 1000; time += 10) history.record(time, 100);
  history.record(1010, 200);
  assert.equal(history.points.length, 3, 'a run of equal offsets keeps only its first and last points');
  const estimate = history.estimateLagSeconds(100, 1010)!;
  assert.equal(estimate.method, 'interpolated');
  assert.equal(estimate.seconds, 10);
});

test('older than the history: extrapolated from the rate over the history', () => {
  const history = new OffsetHistory(100);
  history.record(100, 1000);
  history.record(200, 2000);
  assert.deepEqual(history.estimateLagSeconds(500, 200), { seconds: 150, method: 'extrapolated' });
});

test('a single point gives a lower bound', () => {
  const history = new OffsetHistory(100);
  history.record(100, 1000);
  assert.deepEqual(history.estimateLagSeconds(10, 130), { seconds: 30, method: 'lower_bound' });
});

test('a truncated log restarts the history', () => {
  const history = new OffsetHistory(100);
  history.record(0, 1000);
  history.record(10, 50);
  assert.deepEqual(history.points, [{ timeSeconds: 10, offset: 50 }]);
});

test('bounded: never more points than the capacity, and estimates stay monotonic in the offset', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 500 }),
      fc.integer({ min: 4, max: 40 }),
      (increments, capacity) => {
        const history = new OffsetHistory(capacity);
        let offset = 0;
        increments.forEach((increment, index) => {
          offset += increment;
          history.record(index, offset);
        });
        assert.ok(history.points.length <= capacity);
        const now = increments.length;
        let previous = Infinity;
        for (let committed = 0; committed <= offset; committed += Math.max(1, Math.floor(offset / 20))) {
          const { seconds } = history.estimateLagSeconds(committed, now)!;
          assert.ok(
            seconds >= 0 && seconds <= previous + 1e-9,
            `lag seconds must not grow as the committed offset grows (${committed}: ${seconds} > ${previous})`,
          );
          previous = seconds;
        }
      },
    ),
  );
});
