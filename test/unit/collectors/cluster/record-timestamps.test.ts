import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RecordsBatch } from '@platformatic/kafka';
import { ClusterHistory } from '../../../../src/collectors/cluster/cluster-history.ts';
import type { ClusterState, GroupState } from '../../../../src/collectors/cluster/cluster-model.ts';
import { recordTimestamp } from '../../../../src/collectors/cluster/kafka-reader.ts';
import { RecordTimestamps } from '../../../../src/collectors/cluster/record-timestamps.ts';

function batch(
  firstOffset: number,
  firstTimestamp: number,
  deltas: readonly [offsetDelta: number, timestampDelta: number][],
  attributes = 0,
): RecordsBatch {
  return {
    firstOffset: BigInt(firstOffset),
    length: 0,
    partitionLeaderEpoch: 0,
    magic: 2,
    crc: 0,
    attributes,
    lastOffsetDelta: deltas.at(-1)?.[0] ?? 0,
    firstTimestamp: BigInt(firstTimestamp),
    maxTimestamp: BigInt(firstTimestamp + 99_000),
    producerId: -1n,
    producerEpoch: -1,
    firstSequence: -1,
    records: deltas.map(([offsetDelta, timestampDelta]) => ({
      length: 0,
      attributes: 0,
      timestampDelta: BigInt(timestampDelta),
      offsetDelta,
      key: null,
      value: null,
      headers: [],
    })),
  };
}

test('recordTimestamp: the record at the offset, the next one where compaction removed it, the batch time under LogAppendTime', async () => {
  const batches = [
    batch(10, 1_000_000, [
      [0, 0],
      [1, 500],
      [3, 2000],
    ]),
    batch(14, 1_010_000, [[0, 0]]),
  ];
  assert.equal(recordTimestamp(batches, 10), 1_000_000);
  assert.equal(recordTimestamp(batches, 11), 1_000_500);
  assert.equal(recordTimestamp(batches, 12), 1_002_000, 'offset 12 was compacted away: the next record, 13');
  assert.equal(recordTimestamp(batches, 14), 1_010_000);
  assert.equal(recordTimestamp(batches, 15), undefined);
  assert.equal(recordTimestamp([], 0), undefined);
  assert.equal(
    recordTimestamp(
      [
        batch(
          10,
          1_000_000,
          [
            [0, 0],
            [1, 500],
          ],
          0x08,
        ),
      ],
      11,
    ),
    1_099_000,
    'LogAppendTime: the broker time of the batch',
  );
});

const group = (id: string, offsets: Record<number, number>): GroupState => ({
  id,
  type: 'classic',
  state: 'Empty',
  protocolType: 'consumer',
  protocol: '',
  coordinator: 1,
  members: [],
  offsets: new Map([['orders', new Map(Object.entries(offsets).map(([partition, offset]) => [Number(partition), offset]))]]),
  error: undefined,
});

const cluster = (timeSeconds: number, latest: readonly number[], groups: readonly GroupState[], earliest = 0): ClusterState => ({
  timeSeconds,
  clusterId: 'c1',
  controllerId: 1,
  brokers: [],
  topics: [
    {
      name: 'orders',
      id: 't1',
      internal: false,
      partitions: latest.map((_, partition) => ({
        partition,
        leader: partition === 3 ? -1 : 1 + partition,
        replicas: [1],
        isr: [1],
        offlineReplicas: [],
      })),
    },
  ],
  topicConfigs: undefined,
  offsets: new Map([['orders', new Map(latest.map((offset, partition) => [partition, { earliest, latest: offset }]))]]),
  logDirs: undefined,
  groups,
  quorum: undefined,
  stages: { errors: new Map(), durations: new Map() },
});

const settings = { budget: 10, maxSpanSeconds: 60 };

test('plan: behind groups without an exact interpolation are read at their leader, largest lag first, each offset once; caught up and leaderless are not', async () => {
  const timestamps = new RecordTimestamps();
  const history = new ClusterHistory({ offsetHistory: 10, statusWindowSeconds: 60 });
  const state = cluster(1000, [100, 50, 10, 30], [group('a', { 0: 40, 1: 50, 2: 5, 3: 0 }), group('b', { 0: 40, 2: 9 })]);
  await history.recordOffsets(state);
  const plan = await timestamps.plan(
    state,
    (topic, partition, committed) => history.logEndHistory(topic, partition)?.estimateLagSeconds(committed, 1000),
    settings,
  );
  assert.deepEqual(plan.reads, [
    { topic: 'orders', partition: 0, offset: 40, leader: 1 },
    { topic: 'orders', partition: 2, offset: 5, leader: 3 },
    { topic: 'orders', partition: 2, offset: 9, leader: 3 },
  ]);
  assert.equal(plan.skipped, 0);
  const budgeted = await new RecordTimestamps().plan(state, () => undefined, { ...settings, budget: 1 });
  assert.deepEqual(
    budgeted.reads.map((read) => read.offset),
    [40],
    'the largest lag first',
  );
  assert.equal(budgeted.skipped, 2);
});

test('plan: an interpolation between close samples is exact enough; a read timestamp is kept while a group sits there, then forgotten', async () => {
  const timestamps = new RecordTimestamps();
  const history = new ClusterHistory({ offsetHistory: 10, statusWindowSeconds: 60 });
  const estimate = (now: number) => (topic: string, partition: number, committed: number) =>
    history.logEndHistory(topic, partition)?.estimateLagSeconds(committed, now);
  await history.recordOffsets(cluster(1000, [100], []));
  const close = cluster(1030, [200], [group('a', { 0: 150 })]);
  await history.recordOffsets(close);
  assert.deepEqual((await timestamps.plan(close, estimate(1030), settings)).reads, [], 'between samples 30 s apart: interpolated');
  await history.recordOffsets(cluster(1200, [300], []));
  const far = cluster(1400, [400], [group('a', { 0: 350 })]);
  await history.recordOffsets(far);
  assert.deepEqual(
    (await timestamps.plan(far, estimate(1400), settings)).reads.map((read) => read.offset),
    [350],
    'samples 200 s apart: read',
  );

  const stuck = cluster(1500, [400], [group('a', { 0: 20 })]);
  assert.equal((await timestamps.plan(stuck, () => undefined, settings)).reads.length, 1);
  timestamps.store(new Map([['orders\u00000\u000020', 1_400_000]]));
  assert.deepEqual((await timestamps.plan(stuck, () => undefined, settings)).reads, [], 'read once: a stuck group costs one read');
  assert.equal(timestamps.get('orders', 0, 20), 1_400_000);
  await timestamps.plan(cluster(1600, [400], [group('a', { 0: 400 })]), () => undefined, settings);
  assert.equal(timestamps.get('orders', 0, 20), undefined, 'forgotten once no group sits there');
});

test('plan: a committed offset below the log start is read at the log start', async () => {
  const plan = await new RecordTimestamps().plan(cluster(1000, [100], [group('a', { 0: 10 })], 60), () => undefined, settings);
  assert.deepEqual(
    plan.reads.map((read) => read.offset),
    [60],
  );
});

test('lag seconds: caught up is 0; a read timestamp wins over the history; otherwise the history', async () => {
  const history = new ClusterHistory({ offsetHistory: 10, statusWindowSeconds: 60 });
  await history.recordOffsets(cluster(1000, [100], []));
  assert.deepEqual(history.lagSeconds('orders', 0, 100, 1000), { seconds: 0, method: 'caught_up' });
  assert.equal(history.lagSeconds('orders', 0, 40, 1010)?.method, 'lower_bound');
  history.recordTimestamps.store(new Map([['orders\u00000\u000040', 400_000]]));
  assert.deepEqual(history.lagSeconds('orders', 0, 40, 1010), { seconds: 610, method: 'record_timestamp' });
  assert.deepEqual(history.lagSeconds('orders', 0, 40, 300), { seconds: 0, method: 'record_timestamp' }, 'never negative (clock skew)');
});
