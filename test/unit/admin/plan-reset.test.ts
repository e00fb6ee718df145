import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AdminError } from '../../../src/admin/admin-error.ts';
import { parseIsoDuration, planReset, strategyTime, type ResetInputs, type ResetStrategy } from '../../../src/admin/offset-reset.ts';

const partitions = [
  { topic: 't', partition: 0 },
  { topic: 't', partition: 1 },
];
const base = {
  partitions,
  current: new Map([
    ['t:0', 5],
    ['t:1', 8],
  ]),
  earliest: new Map([
    ['t:0', 2],
    ['t:1', 0],
  ]),
  latest: new Map([
    ['t:0', 10],
    ['t:1', 12],
  ]),
  clamp: true,
};

const plan = (strategy: ResetStrategy, extra: Partial<ResetInputs> = {}): [number, boolean][] =>
  planReset({ ...base, strategy, ...extra }).map((entry) => [entry.new, entry.clamped]);

function refuses(work: () => unknown, message: RegExp): void {
  assert.throws(work, (error: unknown) => error instanceof AdminError && error.errorClass === 'invalid' && message.test(error.message));
}

describe('planReset', () => {
  test('earliest, latest and current', () => {
    assert.deepEqual(plan({ type: 'earliest' }), [
      [2, false],
      [0, false],
    ]);
    assert.deepEqual(plan({ type: 'latest' }), [
      [10, false],
      [12, false],
    ]);
    assert.deepEqual(plan({ type: 'current' }), [
      [5, false],
      [8, false],
    ]);
  });

  test('offset: one value for all, or one per partition', () => {
    assert.deepEqual(plan({ type: 'offset', value: 7 }), [
      [7, false],
      [7, false],
    ]);
    assert.deepEqual(plan({ type: 'offset', value: 7, offsets: [{ topic: 't', partition: 1, offset: 3 }] }), [
      [7, false],
      [3, false],
    ]);
    refuses(() => plan({ type: 'offset', offsets: [{ topic: 't', partition: 1, offset: 3 }] }), /no offset given for t-0/);
  });

  test('shift_by moves from the committed offset, both ways, clamped at the ends', () => {
    assert.deepEqual(plan({ type: 'shift_by', value: -2 }), [
      [3, false],
      [6, false],
    ]);
    assert.deepEqual(plan({ type: 'shift_by', value: 6 }), [
      [10, true],
      [12, true],
    ]);
  });

  test('out of range without clamp is refused, naming the partition and the range', () => {
    refuses(() => plan({ type: 'offset', value: 11 }, { clamp: false }), /offset 11 for t-0 is outside \[2, 10\]/);
    assert.deepEqual(plan({ type: 'offset', value: 1 }), [
      [2, true],
      [1, false],
    ]);
  });

  test('time strategies land on the offset found, or the end when no record is at or after the time', () => {
    const atTime = new Map([
      ['t:0', 4],
      ['t:1', -1],
    ]);
    assert.deepEqual(plan({ type: 'timestamp', value: 1000 }, { atTime }), [
      [4, false],
      [12, false],
    ]);
  });

  test('lag before and after; partitions without a committed offset', () => {
    const [first, second] = planReset({ ...base, current: new Map([['t:0', 5]]), strategy: { type: 'earliest' } });
    assert.deepEqual([first!.lagBefore, first!.lagAfter], [5, 8]);
    assert.deepEqual([second!.current, second!.lagBefore, second!.lagAfter], [null, null, 12]);
    refuses(
      () => planReset({ ...base, current: new Map([['t:0', 5]]), strategy: { type: 'shift_by', value: 1 } }),
      /no committed offset for t-1/,
    );
    refuses(() => planReset({ ...base, current: new Map(), strategy: { type: 'current' } }), /no committed offset for t-0/);
  });

  test('an unknown partition is not found', () => {
    assert.throws(
      () => planReset({ ...base, partitions: [{ topic: 't', partition: 9 }], strategy: { type: 'earliest' } }),
      (error: unknown) => error instanceof AdminError && error.errorClass === 'not-found',
    );
  });
});

describe('time values', () => {
  test('ISO 8601 durations of weeks, days, hours, minutes and seconds', () => {
    assert.equal(parseIsoDuration('PT1H'), 3_600_000);
    assert.equal(parseIsoDuration('P1DT12H'), 129_600_000);
    assert.equal(parseIsoDuration('P2W'), 1_209_600_000);
    assert.equal(parseIsoDuration('PT0.5S'), 500);
    for (const bad of ['P', 'PT', '1h', 'P1Y', 'PT1H ']) refuses(() => parseIsoDuration(bad), /ISO 8601 duration/);
  });

  test('datetime and duration point at epoch milliseconds; other strategies have no time', () => {
    assert.equal(strategyTime({ type: 'datetime', value: '2026-12-01T08:00:00Z' }, 0), Date.UTC(2026, 11, 1, 8));
    assert.equal(strategyTime({ type: 'duration', value: 'PT1M' }, 100_000), 40_000);
    assert.equal(strategyTime({ type: 'timestamp', value: 42 }, 0), 42);
    assert.equal(strategyTime({ type: 'earliest' }, 0), undefined);
    refuses(() => strategyTime({ type: 'datetime', value: 'yesterday' }, 0), /ISO 8601 date and time/);
    refuses(() => strategyTime({ type: 'datetime', value: 'Dec 1 2026' }, 0), /ISO 8601 date and time/);
  });
});
