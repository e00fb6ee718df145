import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AdminError } from '../../../src/admin/admin-error.ts';
import {
  parseIsoDuration,
  partitionKey,
  planReset,
  strategyTime,
  type ResetInputs,
  type ResetStrategy,
} from '../../../src/admin/offset-reset.ts';

// Complements plan-reset.test.ts: every strategy through planReset with the full answer checked,
// the time strategies end to end (strategyTime, then atTime), and the refusals' wording.

const orders0 = { topic: 'orders', partition: 0 };
const orders1 = { topic: 'orders', partition: 1 };
const audit0 = { topic: 'audit', partition: 0 };

const inputs: Omit<ResetInputs, 'strategy' | 'clamp'> = {
  partitions: [orders0, orders1, audit0],
  current: new Map([
    ['orders:0', 40],
    ['orders:1', 5],
  ]),
  earliest: new Map([
    ['orders:0', 10],
    ['orders:1', 0],
    ['audit:0', 100],
  ]),
  latest: new Map([
    ['orders:0', 50],
    ['orders:1', 20],
    ['audit:0', 300],
  ]),
};

const newOffsets = (strategy: ResetStrategy, extra: Partial<ResetInputs> = {}): number[] =>
  planReset({ ...inputs, strategy, clamp: true, ...extra }).map((entry) => entry.new);

function invalid(pattern: RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof AdminError, `expected an AdminError, got ${String(error)}`);
    assert.equal(error.errorClass, 'invalid');
    assert.equal(error.retriable, false);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('planReset', () => {
  test('answers every field of each partition: current, new, ends, clamped, lag before and after', () => {
    const plan = planReset({ ...inputs, strategy: { type: 'earliest' }, clamp: false });
    assert.deepEqual(plan, [
      { topic: 'orders', partition: 0, current: 40, new: 10, earliest: 10, latest: 50, clamped: false, lagBefore: 10, lagAfter: 40 },
      { topic: 'orders', partition: 1, current: 5, new: 0, earliest: 0, latest: 20, clamped: false, lagBefore: 15, lagAfter: 20 },
      { topic: 'audit', partition: 0, current: null, new: 100, earliest: 100, latest: 300, clamped: false, lagBefore: null, lagAfter: 200 },
    ]);
  });

  test('latest leaves no lag; partitions without a committed offset may be moved to an end', () => {
    const plan = planReset({ ...inputs, strategy: { type: 'latest' }, clamp: false });
    assert.deepEqual(
      plan.map((entry) => [entry.new, entry.lagBefore, entry.lagAfter]),
      [
        [50, 10, 0],
        [20, 15, 0],
        [300, null, 0],
      ],
    );
  });

  test('current keeps the committed offsets, and refuses a partition the group never committed for', () => {
    const committed = { ...inputs, partitions: [orders0, orders1] };
    assert.deepEqual(
      planReset({ ...committed, strategy: { type: 'current' }, clamp: false }).map((entry) => [entry.current, entry.new, entry.lagAfter]),
      [
        [40, 40, 10],
        [5, 5, 15],
      ],
    );
    assert.throws(() => newOffsets({ type: 'current' }), invalid(/^strategy current: .*no committed offset for audit-0$/));
  });

  test('offset: one value for every partition, or per-partition offsets that win over it, matched on topic and partition', () => {
    assert.deepEqual(newOffsets({ type: 'offset', value: 15 }), [15, 15, 100]);
    const offsets = [
      { topic: 'orders', partition: 1, offset: 3 },
      { topic: 'audit', partition: 0, offset: 250 },
      { topic: 'orders', partition: 0, offset: 12 },
    ];
    assert.deepEqual(newOffsets({ type: 'offset', offsets }), [12, 3, 250]);
    assert.deepEqual(newOffsets({ type: 'offset', value: 45, offsets: [{ topic: 'audit', partition: 0, offset: 250 }] }), [45, 20, 250]);
    // An entry for another topic's partition of the same number does not count.
    assert.throws(
      () =>
        newOffsets({
          type: 'offset',
          offsets: [
            { topic: 'orders', partition: 0, offset: 12 },
            { topic: 'orders', partition: 1, offset: 3 },
          ],
        }),
      invalid(/no offset given for audit-0/),
    );
  });

  test('shift_by moves each committed offset by the value, and refuses a partition without one', () => {
    const committed = { ...inputs, partitions: [orders0, orders1] };
    assert.deepEqual(
      planReset({ ...committed, strategy: { type: 'shift_by', value: -3 }, clamp: false }).map((entry) => entry.new),
      [37, 2],
    );
    assert.deepEqual(
      planReset({ ...committed, strategy: { type: 'shift_by', value: 0 }, clamp: false }).map((entry) => entry.new),
      [40, 5],
    );
    assert.throws(() => newOffsets({ type: 'shift_by', value: 1 }), invalid(/^strategy shift_by: .*no committed offset for audit-0/));
  });

  test('clamp moves an offset outside [earliest, latest] to the nearest end and says so', () => {
    const below = planReset({ ...inputs, partitions: [orders0], strategy: { type: 'offset', value: 3 }, clamp: true })[0]!;
    assert.deepEqual([below.new, below.clamped, below.lagAfter], [10, true, 40]);
    const above = planReset({ ...inputs, partitions: [orders0], strategy: { type: 'shift_by', value: 1000 }, clamp: true })[0]!;
    assert.deepEqual([above.new, above.clamped, above.lagAfter], [50, true, 0]);
    const atEnds = planReset({
      ...inputs,
      partitions: [orders0, orders1],
      strategy: {
        type: 'offset',
        offsets: [
          { ...orders0, offset: 10 },
          { ...orders1, offset: 20 },
        ],
      },
      clamp: false,
    });
    assert.deepEqual(
      atEnds.map((entry) => [entry.new, entry.clamped]),
      [
        [10, false],
        [20, false],
      ],
      'both ends are inside the range',
    );
  });

  test('without clamp, an offset outside the range is refused, naming the partition and its range', () => {
    assert.throws(
      () => planReset({ ...inputs, strategy: { type: 'offset', value: 9 }, clamp: false }),
      invalid(/^offset 9 for orders-0 is outside \[10, 50\]: set clamp/),
    );
    assert.throws(
      () => planReset({ ...inputs, partitions: [orders0, orders1], strategy: { type: 'shift_by', value: -6 }, clamp: false }),
      invalid(/offset -1 for orders-1 is outside \[0, 20\]/),
    );
    assert.throws(
      () => planReset({ ...inputs, partitions: [audit0], strategy: { type: 'offset', value: 301 }, clamp: false }),
      invalid(/offset 301 for audit-0 is outside \[100, 300\]/),
    );
  });

  test('lag before is never negative, even when the committed offset is past the end', () => {
    const plan = planReset({
      ...inputs,
      partitions: [orders1],
      current: new Map([['orders:1', 25]]),
      strategy: { type: 'latest' },
      clamp: false,
    });
    assert.deepEqual([plan[0]!.lagBefore, plan[0]!.lagAfter], [0, 0]);
  });

  for (const strategy of [
    { type: 'timestamp', value: 1_700_000_000_000 },
    { type: 'datetime', value: '2026-12-01T08:00:00Z' },
    { type: 'duration', value: 'PT1H' },
  ] as const satisfies readonly ResetStrategy[]) {
    test(`${strategy.type}: the first offset at or after the time; latest when none (-1) or not answered`, () => {
      const atTime = new Map([
        ['orders:0', 33],
        ['orders:1', -1],
      ]);
      const plan = planReset({ ...inputs, strategy, atTime, clamp: false });
      assert.deepEqual(
        plan.map((entry) => [entry.new, entry.clamped, entry.lagAfter]),
        [
          [33, false, 17],
          [20, false, 0],
          [300, false, 0],
        ],
      );
    });
  }

  test('a time strategy without any atTime answers moves everything to latest', () => {
    assert.deepEqual(newOffsets({ type: 'timestamp', value: 0 }), [50, 20, 300]);
  });

  test('a partition with no known ends is not found, whatever the strategy', () => {
    for (const strategy of [{ type: 'latest' }, { type: 'offset', value: 1 }] as const) {
      assert.throws(
        () => planReset({ ...inputs, partitions: [{ topic: 'gone', partition: 2 }], strategy, clamp: true }),
        (error: unknown) => error instanceof AdminError && error.errorClass === 'not-found' && /gone-2/.test(error.message),
      );
    }
  });

  test('partitionKey is topic:partition, the key of every map', () => {
    assert.equal(partitionKey({ topic: 'a.b-c', partition: 12 }), 'a.b-c:12');
  });
});

describe('parseIsoDuration', () => {
  const cases: [string, number][] = [
    ['PT1H', 3_600_000],
    ['P1DT12H', 36 * 3_600_000],
    ['P2W', 14 * 86_400_000],
    ['PT0.5S', 500],
    ['PT90M', 5_400_000],
    ['P1W1DT1H1M1S', ((8 * 24 + 1) * 60 + 1) * 60_000 + 1000],
    ['PT0S', 0],
    ['P3D', 3 * 86_400_000],
  ];
  for (const [text, ms] of cases) {
    test(`${text} is ${ms} ms`, () => assert.equal(parseIsoDuration(text), ms));
  }

  test('refuses what is not a duration of weeks, days, hours, minutes and seconds, quoting it', () => {
    for (const bad of ['P', 'PT', '1h', 'P1Y', 'P1M', 'P1DT', 'PT1H30', '-PT1H', 'pt1h', 'PT1.5H', '', ' PT1H']) {
      assert.throws(
        () => parseIsoDuration(bad),
        invalid(new RegExp(`^strategy\\.value: ${JSON.stringify(bad).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not an ISO 8601 duration`)),
        bad,
      );
    }
  });
});

describe('strategyTime', () => {
  test('datetime: ISO 8601 date and time, with a zone or an offset', () => {
    assert.equal(strategyTime({ type: 'datetime', value: '2026-12-01T08:00:00Z' }, 0), Date.UTC(2026, 11, 1, 8));
    assert.equal(strategyTime({ type: 'datetime', value: '2026-12-01T08:00:00.250+02:00' }, 0), Date.UTC(2026, 11, 1, 6, 0, 0, 250));
    assert.equal(strategyTime({ type: 'datetime', value: '2028-02-29T23:59:59-01:00' }, 0), Date.UTC(2028, 2, 1, 0, 59, 59), 'a leap day');
    assert.equal(strategyTime({ type: 'datetime', value: '2026-12-01T08:00Z' }, 0), Date.UTC(2026, 11, 1, 8), 'seconds may be left out');
  });

  test('datetime: refuses anything but an ISO 8601 date and time, even what Date.parse accepts', () => {
    for (const bad of [
      '2026-12-01',
      'Tue, 01 Dec 2026 08:00:00 GMT',
      '12/01/2026 08:00',
      '1796112000000',
      '2026-12-01T25:00:00Z',
      '',
      '2026-02-30T08:00:00Z',
      '2026-13-01T08:00:00Z',
      '2026-00-10T08:00:00Z',
      '2026-12-01T24:00:00Z',
      '2026-12-01T08:60:00Z',
      '2026-12-01T08:00:00',
      '2026-12-01T08:00',
      '2026-12-01T08:00:00+0200',
      '2026-12-01T08:00:00Zjunk',
    ]) {
      assert.throws(() => strategyTime({ type: 'datetime', value: bad }, 0), invalid(/is not an ISO 8601 date and time/), bad);
    }
  });

  test('duration: that long before the now given', () => {
    const now = Date.UTC(2026, 11, 2, 12);
    assert.equal(strategyTime({ type: 'duration', value: 'P1DT12H' }, now), Date.UTC(2026, 11, 1, 0));
    assert.equal(strategyTime({ type: 'duration', value: 'PT0S' }, now), now);
    assert.throws(() => strategyTime({ type: 'duration', value: '1h' }, now), invalid(/ISO 8601 duration/));
  });

  test('timestamp is itself; the strategies without a time have none', () => {
    assert.equal(strategyTime({ type: 'timestamp', value: 1_234 }, 99), 1_234);
    for (const strategy of [
      { type: 'earliest' },
      { type: 'latest' },
      { type: 'current' },
      { type: 'offset', value: 1 },
      { type: 'shift_by', value: 1 },
    ] as const) {
      assert.equal(strategyTime(strategy, 99), undefined, strategy.type);
    }
  });
});
