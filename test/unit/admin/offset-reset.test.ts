import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AdminError } from '../../../src/admin/admin-error.ts';
import { parseIsoDuration, partitionKey, planReset, strategyTime, type ResetInputs, type ResetStrategy } from '../../../src/admin/offset-reset.ts';

const P0 = { topic: 'orders', partition: 0 };
const P1 = { topic: 'orders', partition: 1 };

/** orders-0: [10, 100], committed 40; orders-1: [0, 50], nothing committed. */
function inputs(strategy: ResetStrategy, overrides: Partial<ResetInputs> = {}): ResetInputs {
  return {
    partitions: [P0, P1],
    current: new Map([['orders:0', 40]]),
    earliest: new Map([['orders:0', 10], ['orders:1', 0]]),
    latest: new Map([['orders:0', 100], ['orders:1', 50]]),
    strategy,
    clamp: false,
    ...overrides,
  };
}

function invalid(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof AdminError, `expected an AdminError, got ${String(error)}`);
    assert.equal(error.errorClass, 'invalid');
    assert.match(error.message, pattern);
    return true;
  };
}

const newOffsets = (plan: ReturnType<typeof planReset>): number[] => plan.map((entry) => entry.new);

describe('planReset', () => {
  test('partitionKey is topic:partition, the key of the input maps', () => {
    assert.equal(partitionKey(P1), 'orders:1');
  });

  test('earliest and latest move every partition to its end', () => {
    assert.deepEqual(newOffsets(planReset(inputs({ type: 'earliest' }))), [10, 0]);
    assert.deepEqual(newOffsets(planReset(inputs({ type: 'latest' }))), [100, 50]);
  });

  test('a planned entry carries current, range, lag before and after', () => {
    const [first, second] = planReset(inputs({ type: 'earliest' }));
    assert.deepEqual(first, { topic: 'orders', partition: 0, current: 40, new: 10, earliest: 10, latest: 100, clamped: false, lagBefore: 60, lagAfter: 90 });
    assert.deepEqual(second, { topic: 'orders', partition: 1, current: null, new: 0, earliest: 0, latest: 50, clamped: false, lagBefore: null, lagAfter: 50 });
  });

  test('latest leaves no lag after', () => {
    const plan = planReset(inputs({ type: 'latest' }));
    assert.deepEqual(plan.map((entry) => entry.lagAfter), [0, 0]);
    assert.deepEqual(plan.map((entry) => entry.lagBefore), [60, null]);
  });

  test('current keeps the committed offset', () => {
    const [entry] = planReset(inputs({ type: 'current' }, { partitions: [P0] }));
    assert.equal(entry!.new, 40);
    assert.equal(entry!.lagAfter, 60);
  });

  test('current refuses a partition without a committed offset, naming it', () => {
    assert.throws(() => planReset(inputs({ type: 'current' })), invalid(/no committed offset for orders-1/));
  });

  test('offset with one value applies it to every partition', () => {
    assert.deepEqual(newOffsets(planReset(inputs({ type: 'offset', value: 20 }))), [20, 20]);
  });

  test('offset with per-partition offsets uses each, falling back to value', () => {
    const strategy: ResetStrategy = { type: 'offset', value: 30, offsets: [{ topic: 'orders', partition: 1, offset: 7 }, { topic: 'other', partition: 0, offset: 1 }] };
    assert.deepEqual(newOffsets(planReset(inputs(strategy))), [30, 7]);
  });

  test('offset refuses a partition with neither an entry nor a value', () => {
    const strategy: ResetStrategy = { type: 'offset', offsets: [{ topic: 'orders', partition: 0, offset: 50 }] };
    assert.throws(() => planReset(inputs(strategy)), invalid(/no offset given for orders-1/));
    assert.deepEqual(newOffsets(planReset(inputs(strategy, { partitions: [P0] }))), [50]);
  });

  test('shift_by moves the committed offset both ways', () => {
    assert.deepEqual(newOffsets(planReset(inputs({ type: 'shift_by', value: 15 }, { partitions: [P0] }))), [55]);
    assert.deepEqual(newOffsets(planReset(inputs({ type: 'shift_by', value: -25 }, { partitions: [P0] }))), [15]);
  });

  test('shift_by refuses a partition without a committed offset', () => {
    assert.throws(() => planReset(inputs({ type: 'shift_by', value: 1 })), invalid(/shift_by.*no committed offset for orders-1/));
  });

  test('out of range without clamp: invalid, naming the partition and the range', () => {
    assert.throws(() => planReset(inputs({ type: 'offset', value: 5 }, { partitions: [P0] })), invalid(/offset 5 for orders-0 is outside \[10, 100\].*clamp/));
    assert.throws(() => planReset(inputs({ type: 'shift_by', value: 61 }, { partitions: [P0] })), invalid(/offset 101 for orders-0 is outside \[10, 100\]/));
  });

  test('the range bounds themselves are inside', () => {
    const plan = planReset(inputs({ type: 'offset', offsets: [{ topic: 'orders', partition: 0, offset: 100 }, { topic: 'orders', partition: 1, offset: 0 }] }));
    assert.deepEqual(plan.map((entry) => [entry.new, entry.clamped]), [[100, false], [0, false]]);
  });

  test('out of range with clamp: moved to the nearest end and marked clamped', () => {
    const below = planReset(inputs({ type: 'offset', value: -3 }, { clamp: true }));
    assert.deepEqual(below.map((entry) => [entry.new, entry.clamped]), [[10, true], [0, true]]);
    const above = planReset(inputs({ type: 'shift_by', value: 1000 }, { partitions: [P0], clamp: true }));
    assert.deepEqual(above.map((entry) => [entry.new, entry.clamped, entry.lagAfter]), [[100, true, 0]]);
    const inside = planReset(inputs({ type: 'offset', value: 20 }, { clamp: true }));
    assert.deepEqual(inside.map((entry) => entry.clamped), [false, false]);
  });

  test('a partition without known earliest/latest offsets is not found', () => {
    assert.throws(() => planReset(inputs({ type: 'latest' }, { partitions: [{ topic: 'orders', partition: 9 }] })), (error: unknown) => {
      assert.ok(error instanceof AdminError);
      assert.equal(error.errorClass, 'not-found');
      assert.match(error.message, /orders-9/);
      return true;
    });
  });

  test('lag before is never negative when the committed offset is past the end', () => {
    const [entry] = planReset(inputs({ type: 'latest' }, { partitions: [P0], current: new Map([['orders:0', 120]]) }));
    assert.equal(entry!.lagBefore, 0);
  });

  for (const strategy of [{ type: 'timestamp', value: 1_700_000_000_000 }, { type: 'datetime', value: '2026-01-01T00:00:00Z' }, { type: 'duration', value: 'PT1H' }] as const) {
    test(`${strategy.type} uses the offset found at the time; -1 (no record at or after) means latest`, () => {
      const plan = planReset(inputs(strategy, { atTime: new Map([['orders:0', 42], ['orders:1', -1]]) }));
      assert.deepEqual(newOffsets(plan), [42, 50]);
      assert.deepEqual(plan.map((entry) => entry.lagAfter), [58, 0]);
    });
  }

  test('a time strategy without an answer for a partition goes to latest', () => {
    assert.deepEqual(newOffsets(planReset(inputs({ type: 'timestamp', value: 0 }, { atTime: new Map([['orders:0', 12]]) }))), [12, 50]);
    assert.deepEqual(newOffsets(planReset(inputs({ type: 'timestamp', value: 0 }))), [100, 50]);
  });
});

describe('parseIsoDuration', () => {
  test('weeks, days, hours, minutes and fractional seconds', () => {
    assert.equal(parseIsoDuration('PT1H'), 3_600_000);
    assert.equal(parseIsoDuration('P1DT12H'), 36 * 3_600_000);
    assert.equal(parseIsoDuration('P2W'), 14 * 86_400_000);
    assert.equal(parseIsoDuration('PT0.5S'), 500);
    assert.equal(parseIsoDuration('PT5M'), 300_000);
    assert.equal(parseIsoDuration('P1W2DT3H4M5S'), (((9 * 24 + 3) * 60 + 4) * 60 + 5) * 1000);
  });

  for (const text of ['P', 'PT', 'P1DT', '1h', 'P1Y', 'P1M', 'PT1.5H', '', 'pt1h']) {
    test(`refuses ${JSON.stringify(text)} as invalid, quoting it`, () => {
      assert.throws(() => parseIsoDuration(text), invalid(new RegExp(`${JSON.stringify(text).replace(/[.]/g, '\\.')} is not an ISO 8601 duration`)));
    });
  }
});

describe('strategyTime', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');

  test('timestamp is its value', () => {
    assert.equal(strategyTime({ type: 'timestamp', value: 123 }, now), 123);
  });

  test('datetime parses an ISO date and time', () => {
    assert.equal(strategyTime({ type: 'datetime', value: '2026-12-01T08:00:00Z' }, now), Date.UTC(2026, 11, 1, 8));
    assert.equal(strategyTime({ type: 'datetime', value: '2026-12-01T08:00:00+02:00' }, now), Date.UTC(2026, 11, 1, 6));
  });

  for (const value of ['2026-12-01', 'Tue, 01 Dec 2026 08:00:00 GMT', '12/01/2026 08:00', 'yesterday', '2026-13-45T99:00:00Z']) {
    test(`datetime refuses ${JSON.stringify(value)}`, () => {
      assert.throws(() => strategyTime({ type: 'datetime', value }, now), invalid(/is not an ISO 8601 date and time/));
    });
  }

  test('duration counts back from the now given', () => {
    assert.equal(strategyTime({ type: 'duration', value: 'PT1H' }, now), now - 3_600_000);
    assert.equal(strategyTime({ type: 'duration', value: 'P1D' }, 86_400_000), 0);
    assert.throws(() => strategyTime({ type: 'duration', value: '1h' }, now), invalid(/not an ISO 8601 duration/));
  });

  test('the other strategies have no time', () => {
    for (const strategy of [{ type: 'earliest' }, { type: 'latest' }, { type: 'current' }, { type: 'offset', value: 1 }, { type: 'shift_by', value: 1 }] as const) {
      assert.equal(strategyTime(strategy, now), undefined);
    }
  });
});
